// The audit log's writer thread (batch durability, writer: 'thread'): the
// same chain as inline commits, flush/checkpoint/close still block until
// committed, and a writer thread that dies hands its records back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../src/store/index.ts';
import { AuditLog, queryRecords } from '../../src/audit/index.ts';
import { join } from 'node:path';
import { DB_FILE } from '../../src/store/datadir.ts';
import { tempDir, verifyDir } from './helpers.ts';

function append(log: AuditLog, from: number, to: number): void {
  for (let i = from; i <= to; i++) log.append({ type: 'decision', principal: `agent-${i % 3}`, session: 's', effect: 'allow', tool: 't', rules: ['r'], data: { i } });
}

test('thread: records are chained in append order; flush returns once they are committed', async (t) => {
  const dir = tempDir(t);
  const store = openStore({ dataDir: dir });
  t.after(() => store.close());
  const log = new AuditLog(store, { durability: 'batch', writer: 'thread', flushMs: 10_000, checkpointEvery: 1000 });
  await log.ready();
  assert.equal(log.threaded, true);
  append(log, 1, 5000);
  assert.equal(log.flush(), 5000);
  assert.equal(log.pending, 0);
  const rows = store.db.prepare("SELECT seq, json_extract(body, '$.data.i') AS i FROM audit_records ORDER BY seq").all() as Array<{ seq: number; i: number }>;
  assert.equal(rows.length, 5000);
  assert.ok(rows.every((r) => r.seq === r.i), 'sequence numbers follow append order');
  log.close();
  const r = verifyDir(dir);
  assert.equal(r.ok, true, JSON.stringify(r.problems));
  assert.equal(r.records, 5000);
  assert.equal(r.unsignedTail, 0, 'close signs a final checkpoint');
});

test('thread: background flushes commit without an explicit flush', async (t) => {
  const dir = tempDir(t);
  const store = openStore({ dataDir: dir });
  t.after(() => store.close());
  const log = new AuditLog(store, { durability: 'batch', writer: 'thread', flushMs: 10, batchSize: 100 });
  append(log, 1, 250);
  for (let i = 0; i < 200 && log.pending > 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(log.pending, 0);
  assert.equal([...queryRecords(store, {})].length, 250);
  log.close();
});

test('thread: when the writer thread dies, its unacknowledged records are committed on the calling thread', async (t) => {
  const dir = tempDir(t);
  const store = openStore({ dataDir: dir });
  t.after(() => store.close());
  const errors: string[] = [];
  const log = new AuditLog(store, { durability: 'batch', writer: 'thread', flushMs: 10_000, onError: (e) => errors.push(e.message) });
  await log.ready();
  append(log, 1, 100);
  log.flush();
  const worker = (log as unknown as { thread: { worker: { terminate(): Promise<number> } } }).thread.worker;
  await worker.terminate();
  await new Promise((r) => setTimeout(r, 50));
  append(log, 101, 300);
  assert.equal(log.flush(), 300);
  assert.equal(log.threaded, false);
  assert.ok(errors.some((e) => e.includes('writer thread') && e.includes('main thread')), errors.join('\n'));
  log.close();
  const r = verifyDir(dir);
  assert.equal(r.ok, true, JSON.stringify(r.problems));
  assert.equal(r.records, 300, 'nothing lost, nothing written twice');
});

test('thread: a flush before the writer thread has started never commits a record twice', (t) => {
  const dir = tempDir(t);
  const store = openStore({ dataDir: dir });
  t.after(() => store.close());
  const log = new AuditLog(store, { durability: 'batch', writer: 'thread', flushMs: 10_000, threadTimeoutMs: 200, onError: () => {} });
  append(log, 1, 50);
  assert.equal(log.flush(), 50, 'committed here or by the thread, but committed');
  append(log, 51, 60);
  log.close();
  const r = verifyDir(dir);
  assert.equal(r.ok, true, JSON.stringify(r.problems));
  assert.equal(r.records, 60);
});

test('verifyInThread: the same report as verifyLog, while this thread keeps running', async (t) => {
  const { seedLog } = await import('./helpers.ts');
  const { verifyInThread } = await import('../../src/audit/verify-thread.ts');
  const dir = tempDir(t);
  seedLog(dir, 20_000, { checkpointEvery: 1000 });
  let ticks = 0;
  let on = true;
  const tick = () => {
    ticks++;
    if (on) setImmediate(tick);
  };
  setImmediate(tick);
  const file = join(dir, DB_FILE);
  const [a, b] = await Promise.all([verifyInThread(file, dir), verifyInThread(file, dir)]);
  on = false;
  assert.equal(a, b, 'concurrent callers share one run');
  assert.deepEqual(a, verifyDir(dir));
  assert.equal(a.ok, true);
  assert.equal(a.records, 20_000);
  assert.ok(ticks > 10, `the event loop ran during verification (${ticks} turns)`);
  await assert.rejects(verifyInThread(join(dir, 'missing.db'), dir), /no AgentWall database|cannot open|ENOENT/);
});
