// Shared helpers for audit tests: temp data directories and a log with records.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/store/index.ts';
import { AuditLog, loadVerifyKey, verifyLog, type AuditOptions, type VerifyReport } from '../../src/audit/index.ts';

export function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'agentwall-audit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }));
  return dir;
}

/** A closed log of `n` records with a checkpoint every `every`; returns the data dir. */
export function seedLog(dir: string, n: number, opts: AuditOptions = {}): void {
  const store = openStore({ dataDir: dir });
  const log = new AuditLog(store, { checkpointEvery: 5, ...opts });
  for (let i = 1; i <= n; i++) {
    log.append({ type: 'decision', principal: `agent-${i % 3}`, session: 's1', effect: i % 4 === 0 ? 'deny' : 'allow', tool: i % 2 ? 'send_email' : 'read_file', rules: [`rule-${i % 5}`], data: { i } });
  }
  log.close();
  store.close();
}

export function verifyDir(dir: string): VerifyReport {
  const store = openStore({ dataDir: dir });
  try {
    return verifyLog(store, loadVerifyKey(dir));
  } finally {
    store.close();
  }
}

export function withStore<T>(dir: string, fn: (s: Store) => T): T {
  const store = openStore({ dataDir: dir });
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

export const CHILD = join(import.meta.dirname, 'fixtures', 'writer.ts');
