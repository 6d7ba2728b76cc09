// Where AgentWall keeps its state (database, audit signing key): `--data-dir`,
// else $AGENTWALL_HOME, else ./.agentwall. Created owner-only because it holds
// the audit signing key and pending approvals.

import { mkdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { StoreError } from './errors.ts';

export const DB_FILE = 'agentwall.db';

export function resolveDataDir(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = explicit ?? (env.AGENTWALL_HOME && env.AGENTWALL_HOME !== '' ? env.AGENTWALL_HOME : '.agentwall');
  return resolve(chosen);
}

/** Resolves and creates the data directory (mode 0700); throws StoreError when it is not a usable directory. */
export function ensureDataDir(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  const dir = resolveDataDir(explicit, env);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new StoreError(`cannot create data directory ${dir}: ${(e as Error).message}`, dir, (e as { code?: string }).code);
  }
  if (!statSync(dir).isDirectory()) throw new StoreError(`data directory ${dir} is not a directory`, dir);
  return dir;
}
