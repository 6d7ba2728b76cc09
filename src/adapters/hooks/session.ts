// Session state for hook calls. Every hook call is a new process (or a request
// to the hook daemon), so history, taint and rates live in the persistent
// session store (SQLite in the data directory), keyed by the agent's session
// id: a tool output scanned in one call taints the next call's decision.

import { mkdirSync } from 'node:fs';
import { MemorySessionStore, SessionTracker, SqliteSessionStore } from '../../session/index.ts';
import { hookDataDirLight as hookDataDir } from './paths.ts';

export type HookSession = SessionTracker & { close(): void };

export async function openSessionProvider(o: { dataDir?: string; memory?: boolean }): Promise<HookSession> {
  let store;
  if (o.memory) store = new MemorySessionStore();
  else {
    const dir = hookDataDir(o.dataDir);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    store = new SqliteSessionStore({ dataDir: dir });
  }
  const tracker = new SessionTracker(store) as HookSession;
  tracker.close = () => store.close();
  return tracker;
}
