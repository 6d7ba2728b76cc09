// Kill -9 a child process in the middle of appending, then check that every
// record it acknowledged is in the database and that the chain verifies.
// Also: two child processes appending to one database never fork the chain.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { seedLog, tempDir, verifyDir, withStore, CHILD } from './helpers.ts';

function startWriter(dir: string, mode: string, count: number, name: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, mode, String(count), name], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const acked: number[] = [];
  let buf = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    const lines = buf.split('\n');
    buf = lines.pop()!;
    for (const l of lines) if (l.startsWith('ack ')) acked.push(Number(l.slice(4)));
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, acked, done, stderr: () => err };
}

function present(dir: string, name: string): Set<number> {
  return withStore(dir, (s) => {
    const rows = s.db.prepare("SELECT json_extract(body, '$.data.i') AS i FROM audit_records WHERE principal = ?").all(name) as Array<{ i: number }>;
    return new Set(rows.map((r) => r.i));
  });
}

async function waitFor(pred: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const mode of ['sync', 'batch', 'thread'] as const) {
  test(`crash (${mode}): every acknowledged record survives kill -9 and the chain verifies`, async (t) => {
    const dir = tempDir(t);
    seedLog(dir, 3); // the key and schema exist before the child starts
    const w = startWriter(dir, mode, 0, 'crash');
    await waitFor(() => w.acked.length > 0 && w.acked[w.acked.length - 1]! >= 3000, 30_000);
    w.child.kill('SIGKILL');
    await w.done;
    const acked = w.acked;
    const have = present(dir, 'crash');
    const missing = acked.filter((i) => !have.has(i));
    assert.deepEqual(missing, [], `acknowledged records missing after kill -9 (${acked.length} acked, ${have.size} present)`);
    const r = verifyDir(dir);
    assert.equal(r.ok, true, JSON.stringify(r.problems));
    assert.ok(r.records >= acked.length);
  });
}

test('two writer processes append to one database as one unbroken chain', async (t) => {
  const dir = tempDir(t);
  seedLog(dir, 1);
  const n = 3000;
  const START_AT = String(Date.now() + 4000);
  const a = startWriter(dir, 'sync', n, 'wa', { START_AT });
  const b = startWriter(dir, 'batch', n, 'wb', { START_AT });
  // Verifying while both append must never report a false problem.
  let running = true;
  const checks = (async () => {
    let k = 0;
    while (running) {
      const r = verifyDir(dir);
      assert.equal(r.ok, true, `verify during writes: ${JSON.stringify(r.problems)}`);
      k++;
      await new Promise((res) => setTimeout(res, 30));
    }
    return k;
  })();
  const [ca, cb] = await Promise.all([a.done, b.done]);
  running = false;
  assert.ok((await checks) > 0);
  assert.equal(ca, 0, a.stderr());
  assert.equal(cb, 0, b.stderr());
  assert.equal(present(dir, 'wa').size, n);
  assert.equal(present(dir, 'wb').size, n);
  const r = verifyDir(dir);
  assert.equal(r.ok, true, JSON.stringify(r.problems));
  assert.equal(r.records, 1 + 2 * n + 0);
  // The writers really interleaved (otherwise this test proves nothing about forking).
  const switches = withStore(dir, (s) => {
    const rows = s.db.prepare('SELECT principal FROM audit_records ORDER BY seq').all() as Array<{ principal: string }>;
    let k = 0;
    for (let i = 1; i < rows.length; i++) if (rows[i]!.principal !== rows[i - 1]!.principal) k++;
    return k;
  });
  assert.ok(switches > 2, `writers did not interleave (${switches} switches)`);
});

for (const mode of ['batch', 'thread'] as const) test(`${mode}: a normal exit commits the buffered records without an explicit flush`, async (t) => {
  const dir = tempDir(t);
  seedLog(dir, 1);
  const w = startWriter(dir, mode, 1234, 'exiting', { NO_FLUSH: '1' });
  assert.equal(await w.done, 0, w.stderr());
  assert.equal(present(dir, 'exiting').size, 1234);
  const r = verifyDir(dir);
  assert.equal(r.ok, true, JSON.stringify(r.problems));
  assert.equal(r.unsignedTail, 0, 'the exit hook also signs a final checkpoint');
});
