// Bad input and failing storage: a corrupted database, a missing or swapped
// key, a full disk (SQLite's real SQLITE_FULL, from a page budget) and what the
// firewall does then: deny when durable audit is required, never silent loss.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, closeSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { openStore, StoreError, DB_FILE } from '../../src/store/index.ts';
import { AuditLog, AuditWriteError, KeyError, KEY_FILE, auditDecisions, queryRecords } from '../../src/audit/index.ts';
import { createFirewall } from '../../src/firewall.ts';
import { seedLog, tempDir, verifyDir } from './helpers.ts';

const POLICY = { version: 1, default: 'allow', rules: [{ id: 'no-rm', effect: 'deny', when: { tool: 'rm' } }] };

test('a corrupted database file gives a clear error naming the file', (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, DB_FILE), Buffer.alloc(8192, 0x41));
  assert.throws(() => openStore({ dataDir: dir }), (e: unknown) => e instanceof StoreError && e.message.includes(join(dir, DB_FILE)) && /corrupted|not an AgentWall database/.test(e.message));
});

test('a database damaged after its header is reported by verify, not accepted', (t) => {
  const dir = tempDir(t);
  seedLog(dir, 200);
  const file = join(dir, DB_FILE);
  const size = statSync(file).size;
  const fd = Buffer.alloc(4096, 0xff);
  const h = openSync(file, 'r+');
  writeSync(h, fd, 0, fd.length, Math.min(size - 4096, 8192));
  closeSync(h);
  let failed = false;
  try {
    const r = verifyDir(dir);
    failed = !r.ok;
  } catch (e) {
    failed = e instanceof StoreError || /malformed|corrupt/i.test((e as Error).message);
  }
  assert.ok(failed, 'a damaged database must not verify');
});

test('the signing key is created with mode 0600', (t) => {
  const dir = tempDir(t);
  seedLog(dir, 1);
  assert.equal(statSync(join(dir, KEY_FILE)).mode & 0o777, 0o600);
});

test('a missing key: clear error at open and at verify, never a new key silently', (t) => {
  const dir = tempDir(t);
  seedLog(dir, 5);
  rmSync(join(dir, KEY_FILE));
  const store = openStore({ dataDir: dir });
  t.after(() => store.close());
  assert.throws(() => new AuditLog(store), (e: unknown) => e instanceof KeyError && e.message.includes('missing') && e.message.includes('checkpoints'));
  assert.throws(() => verifyDir(dir), (e: unknown) => e instanceof KeyError && e.message.includes(KEY_FILE));
});

test('a swapped key is refused at open', (t) => {
  const dir = tempDir(t);
  seedLog(dir, 5);
  rmSync(join(dir, KEY_FILE));
  writeFileSync(join(dir, KEY_FILE), generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const store = openStore({ dataDir: dir });
  t.after(() => store.close());
  assert.throws(() => new AuditLog(store), (e: unknown) => e instanceof KeyError && e.message.includes('replaced'));
});

test('a key readable by others is refused', (t) => {
  const dir = tempDir(t);
  seedLog(dir, 2);
  chmodSync(join(dir, KEY_FILE), 0o644);
  const store = openStore({ dataDir: dir });
  t.after(() => store.close());
  assert.throws(() => new AuditLog(store), /chmod 600/);
});

/** Makes the database refuse to grow: SQLite then fails writes with SQLITE_FULL, as on a full disk. */
function fillDisk(store: ReturnType<typeof openStore>): void {
  const pages = store.db.pragma('page_count', { simple: true }) as number;
  store.db.pragma(`max_page_count = ${pages}`);
}

test('disk full, sync + failClosed: the decision is denied with the reason, and the loss is recorded later', async (t) => {
  const dir = tempDir(t);
  const store = openStore({ dataDir: dir });
  t.after(() => store.close());
  const errors: string[] = [];
  const log = new AuditLog(store, { durability: 'sync', onError: (e) => errors.push(e.message) });
  const fw = await createFirewall({ policy: POLICY });
  fw.onDecision(auditDecisions(log, { failClosed: true }));
  assert.equal(fw.guard({ kind: 'tool', tool: 'ls' }).effect, 'allow');
  fillDisk(store);
  const big = 'x'.repeat(1500);
  let d = fw.guard({ kind: 'tool', tool: 'ls', args: { note: big } });
  for (let i = 0; i < 50 && d.effect === 'allow'; i++) d = fw.guard({ kind: 'tool', tool: 'ls', args: { note: big, i } });
  assert.equal(d.effect, 'deny');
  assert.ok(d.reasons.some((r) => r.includes('disk full') && r.includes('failing closed')), d.reasons.join(' | '));
  assert.ok(errors.length > 0, 'the write error was reported');
  store.db.pragma('max_page_count = 1073741823');
  assert.equal(fw.guard({ kind: 'tool', tool: 'ls' }).effect, 'allow');
  const lost = [...queryRecords(store, { type: 'system' })];
  assert.equal(lost.length, 1);
  assert.equal((lost[0]!.data as { event: string }).event, 'records-lost');
  log.close();
  assert.equal(verifyDir(dir).ok, true);
});

test('disk full, sync without failClosed: the decision stands, the error is reported', async (t) => {
  const dir = tempDir(t);
  const store = openStore({ dataDir: dir });
  t.after(() => store.close());
  const errors: string[] = [];
  const log = new AuditLog(store, { durability: 'sync', onError: (e) => errors.push(e.message) });
  const fw = await createFirewall({ policy: POLICY });
  fw.onDecision(auditDecisions(log, { failClosed: false }));
  fw.guard({ kind: 'tool', tool: 'ls' });
  fillDisk(store);
  for (let i = 0; i < 50; i++) assert.equal(fw.guard({ kind: 'tool', tool: 'ls', args: { note: 'y'.repeat(1500), i } }).effect, 'allow');
  assert.ok(errors.some((e) => e.includes('disk full')));
  log.close();
});

test('disk full, batch + failClosed: records stay buffered, decisions deny while the log fails, nothing is lost', async (t) => {
  const dir = tempDir(t);
  const store = openStore({ dataDir: dir });
  t.after(() => store.close());
  const log = new AuditLog(store, { durability: 'batch', flushMs: 10_000, onError: () => {} });
  const fw = await createFirewall({ policy: POLICY });
  fw.onDecision(auditDecisions(log, { failClosed: true }));
  fw.guard({ kind: 'tool', tool: 'ls' });
  log.flush();
  fillDisk(store);
  for (let i = 0; i < 40; i++) fw.guard({ kind: 'tool', tool: 'ls', args: { note: 'z'.repeat(1500), i } });
  assert.throws(() => log.flush(), AuditWriteError);
  assert.equal(fw.guard({ kind: 'tool', tool: 'ls' }).effect, 'deny');
  store.db.pragma('max_page_count = 1073741823');
  log.flush();
  assert.equal(log.healthy, true);
  assert.equal(fw.guard({ kind: 'tool', tool: 'ls' }).effect, 'allow');
  log.close();
  const r = verifyDir(dir);
  assert.equal(r.ok, true);
  assert.equal(r.records, 1 + 40 + 1 + 1);
});


test('the database file is created owner-only (0600)', (t) => {
  const dir = tempDir(t);
  seedLog(dir, 1);
  assert.equal(statSync(join(dir, DB_FILE)).mode & 0o777, 0o600);
});

test('closing a log whose records cannot be written reports how many are lost', (t) => {
  const dir = tempDir(t);
  const store = openStore({ dataDir: dir });
  t.after(() => store.close());
  const errors: string[] = [];
  const log = new AuditLog(store, { durability: 'batch', flushMs: 10_000, onError: (e) => errors.push(e.message) });
  log.append({ type: 'scan', data: { n: 0 } });
  log.flush();
  fillDisk(store);
  for (let i = 0; i < 30; i++) log.append({ type: 'scan', data: { pad: 'p'.repeat(2000), i } });
  log.close();
  assert.ok(errors.some((e) => /closed with 30 record\(s\) that could not be written/.test(e)), errors.join('\n'));
});
