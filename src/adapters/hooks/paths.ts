// The hooks' data directory, without loading the session store (the hook
// client resolves it on every call): --data-dir, else $AGENTWALL_HOME, else
// ~/.agentwall. Not ./.agentwall: a coding agent's cwd is the user's project.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export function hookDataDirLight(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return resolve(explicit);
  if (env.AGENTWALL_HOME) return resolve(env.AGENTWALL_HOME);
  return join(homedir(), '.agentwall');
}
