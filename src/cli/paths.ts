// Where the package's own files are (shipped policies), whether running from
// src/ under tsx or from dist/ after the build.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'policies'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('cannot locate the agentwall package root (policies/ not found)');
}

/** The policy used when none is given: the coding-agent template. */
export function defaultPolicyPath(): string {
  return join(packageRoot(), 'policies', 'coding-agent.yaml');
}
