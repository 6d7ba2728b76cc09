// Approvals across processes and restarts, with real child processes: the CLI
// answers a caller waiting in this process; this process answers a caller
// waiting in a child; pending approvals survive a crash of the requester, and
// the restarted requester joins its pending approval instead of asking twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { openStore } from '../../src/store/index.ts';
import { ApprovalQueue, QueueApprover } from '../../src/approval/index.ts';
import { agent, CLI, pendingOne, REQUESTER, setup, tempDir } from './helpers.ts';

function cli(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 30_000 });
}

function requester(dir: string, timeout: string, principal = 'agent-7', session = 'S') {
  const child = spawn(process.execPath, ['--import', 'tsx', REQUESTER, dir, timeout, principal, session], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) => child.on('close', (code) => resolve({ code, out, err })));
  const started = async () => {
    while (!out.includes('waiting')) await new Promise((r) => setTimeout(r, 20));
  };
  return { child, done, started };
}

test('CLI: approve from another process answers a caller waiting here', async (t) => {
  const { fw, queue, dir } = await setup(t);
  const p = fw.authorize({ kind: 'tool', tool: 'deploy', args: { env: 'prod' }, principal: agent, session: 'S' });
  const a = await pendingOne(queue);
  const list = cli(['approvals', 'list', '-d', dir]);
  assert.equal(list.status, 0, list.stderr);
  assert.ok(list.stdout.includes(a.id) && list.stdout.includes('agent-7') && list.stdout.includes('0/1'), list.stdout);
  const show = cli(['approvals', 'show', a.id, '-d', dir]);
  assert.equal(show.status, 0, show.stderr);
  for (const s of ['agent-7', 'session:  S', 'deploys-need-one', '"env": "prod"']) assert.ok(show.stdout.includes(s), `show lacks ${s}:\n${show.stdout}`);
  const self = cli(['approvals', 'approve', a.id, '-d', dir, '--as', 'agent-7']);
  assert.equal(self.status, 1, 'self-approval is refused with exit 1');
  assert.match(self.stderr, /self-approval refused/);
  const ok = cli(['approvals', 'approve', a.id, '-d', dir, '--as', 'alice', '-c', 'looks fine']);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /approved/);
  const d = await p;
  assert.equal(d.effect, 'allow');
  assert.ok(d.reasons.some((r) => r.includes('alice') && r.includes('looks fine')));
  const again = cli(['approvals', 'deny', a.id, '-d', dir, '--as', 'bob']);
  assert.equal(again.status, 1);
  assert.match(again.stderr, /already approved/);
  const missing = cli(['approvals', 'show', 'nope', '-d', dir]);
  assert.equal(missing.status, 3);
  // The vote given through the CLI is in the audit log, which verifies.
  const q = cli(['audit', 'query', '-d', dir, '--type', 'approval', '--json']);
  assert.equal(q.status, 0, q.stderr);
  assert.ok((JSON.parse(q.stdout) as Array<{ data: { event: string } }>).some((r) => r.data.event === 'approved'));
  assert.equal(cli(['audit', 'verify', '-d', dir]).status, 0);
});

test('a caller waiting in a child process gets the answer given here', async (t) => {
  const dir = tempDir(t);
  const store = openStore({ dataDir: dir });
  t.after(() => store.close());
  const queue = new ApprovalQueue(store);
  const r = requester(dir, '30s');
  const a = await pendingOne(queue, 20_000);
  queue.deny(a.id, 'alice', { comment: 'no deploys on friday' });
  const { code, out, err } = await r.done;
  assert.equal(code, 0, err);
  const d = JSON.parse(out.trim().split('\n').pop()!) as { effect: string; reasons: string[] };
  assert.equal(d.effect, 'deny');
  assert.ok(d.reasons.some((x) => x.includes('no deploys on friday')));
});

test('restart: a pending approval survives a crashed requester; the restarted one joins it and gets the answer', async (t) => {
  const dir = tempDir(t);
  const first = requester(dir, '30s');
  {
    const store = openStore({ dataDir: dir });
    await pendingOne(new ApprovalQueue(store), 20_000);
    store.close();
  }
  first.child.kill('SIGKILL');
  await first.done;
  // A new queue instance on the same store still sees it pending.
  const store = openStore({ dataDir: dir });
  t.after(() => store.close());
  const queue = new ApprovalQueue(store);
  const pending = queue.list();
  assert.equal(pending.length, 1);
  assert.equal(pending[0]!.status, 'pending');
  const id = pending[0]!.id;
  // A waiter in this process on the surviving approval, and the restarted requester.
  const approver = new QueueApprover(queue, { pollMs: 25 });
  t.after(() => approver.close());
  const here = approver.wait(id);
  const second = requester(dir, '30s');
  await second.started();
  await new Promise((r) => setTimeout(r, 700));
  assert.equal(queue.list({ status: 'all' }).length, 1, 'the restarted requester joined the pending approval instead of creating another');
  const res = cli(['approvals', 'approve', id, '-d', dir, '--as', 'alice']);
  assert.equal(res.status, 0, res.stderr);
  assert.equal((await here).effect, 'allow');
  const { out } = await second.done;
  assert.equal((JSON.parse(out.trim().split('\n').pop()!) as { effect: string }).effect, 'allow');
});

test('restart: an approval given while nobody waited lets the retried action through once', async (t) => {
  const dir = tempDir(t);
  const first = requester(dir, '30s');
  const store = openStore({ dataDir: dir });
  t.after(() => store.close());
  const queue = new ApprovalQueue(store);
  const a = await pendingOne(queue, 20_000);
  first.child.kill('SIGKILL');
  await first.done;
  queue.approve(a.id, 'alice');
  const retry = requester(dir, '30s');
  const { out, err } = await retry.done;
  assert.equal((JSON.parse(out.trim().split('\n').pop()!) as { effect: string }).effect, 'allow', err);
  assert.equal(queue.get(a.id)!.status, 'approved');
});

test('a waiter whose approval times out while another process holds the store gets a clean deny', async (t) => {
  const dir = tempDir(t);
  const r = requester(dir, '500ms');
  const { code, out, err } = await r.done;
  assert.equal(code, 0, err);
  const d = JSON.parse(out.trim().split('\n').pop()!) as { effect: string; reasons: string[] };
  assert.equal(d.effect, 'deny');
  assert.ok(d.reasons.some((x) => x.includes('timed out')));
  const list = cli(['approvals', 'list', '--all', '--json', '-d', dir]);
  assert.equal((JSON.parse(list.stdout) as Array<{ status: string }>)[0]!.status, 'expired');
});
