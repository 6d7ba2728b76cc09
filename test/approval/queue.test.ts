// The approval rules: an ask waits for humans; quorum of distinct approvers;
// the agent never approves itself; one deny is final; timeouts deny; "remember
// for this session" lets identical later actions pass; bounds hold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApprovalError, ApprovalQueue, QueueApprover } from '../../src/approval/index.ts';
import { AuditLog, queryRecords, verifyLog, loadVerifyKey } from '../../src/audit/index.ts';
import { agent, pendingOne, setup } from './helpers.ts';

test('an ask waits and is allowed once a human approves, with the reason', async (t) => {
  const { fw, queue } = await setup(t);
  const p = fw.authorize({ kind: 'tool', tool: 'deploy', args: { env: 'prod', token: 'sekret' }, principal: agent, session: 'S' });
  const a = await pendingOne(queue);
  assert.equal(a.principal, 'agent-7');
  assert.equal(a.session, 'S');
  assert.deepEqual(a.rules, ['deploys-need-one']);
  assert.ok(a.reasons.length > 0);
  assert.equal((a.action as any).args.token, '[redacted]', 'approvers never see secret values');
  queue.approve(a.id, 'alice', { comment: 'ship it' });
  const d = await p;
  assert.equal(d.effect, 'allow');
  assert.ok(d.reasons.some((r) => r.includes('approved by alice') && r.includes('ship it')), d.reasons.join(' | '));
});

test('quorum: two distinct approvers are needed; the same approver twice does not count', async (t) => {
  const { fw, queue } = await setup(t);
  let settled = false;
  const p = fw.authorize({ kind: 'tool', tool: 'trade', args: { amount: 20_000 }, principal: agent, session: 'S' }).then((d) => ((settled = true), d));
  const a = await pendingOne(queue);
  assert.equal(a.required, 2);
  assert.equal(queue.approve(a.id, 'alice').status, 'pending');
  assert.throws(() => queue.approve(a.id, 'alice'), (e: unknown) => e instanceof ApprovalError && e.code === 'DUPLICATE_VOTE');
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(settled, false, 'one approval of two must not release the action');
  assert.equal(queue.approve(a.id, 'bob').status, 'approved');
  const d = await p;
  assert.equal(d.effect, 'allow');
  assert.ok(d.reasons.some((r) => r.includes('alice, bob')));
});

test('self-approval is refused: the requesting agent cannot approve its own action', async (t) => {
  const { fw, queue } = await setup(t);
  const p = fw.authorize({ kind: 'tool', tool: 'deploy', principal: agent, session: 'S' });
  const a = await pendingOne(queue);
  assert.throws(() => queue.approve(a.id, 'agent-7'), (e: unknown) => e instanceof ApprovalError && e.code === 'SELF_APPROVAL' && e.message.includes('self-approval refused'));
  assert.equal(queue.get(a.id)!.status, 'pending');
  assert.equal(queue.get(a.id)!.votes.length, 0);
  queue.deny(a.id, 'alice', { comment: 'not today' });
  const d = await p;
  assert.equal(d.effect, 'deny');
  assert.ok(d.reasons.some((r) => r.includes('denied by alice: not today')));
});

test('one deny is final, even after approvals', async (t) => {
  const { fw, queue } = await setup(t);
  const p = fw.authorize({ kind: 'tool', tool: 'trade', principal: agent });
  const a = await pendingOne(queue);
  queue.approve(a.id, 'alice');
  queue.deny(a.id, 'bob');
  assert.equal((await p).effect, 'deny');
  assert.throws(() => queue.approve(a.id, 'carol'), (e: unknown) => e instanceof ApprovalError && e.code === 'NOT_PENDING');
});

test('timeout: no answer within the rule timeout denies, and late votes are refused', async (t) => {
  const { fw, queue } = await setup(t);
  const t0 = Date.now();
  const d = await fw.authorize({ kind: 'tool', tool: 'quick', principal: agent });
  const took = Date.now() - t0;
  assert.equal(d.effect, 'deny');
  assert.ok(d.reasons.some((r) => r.includes('timed out')), d.reasons.join(' | '));
  assert.ok(took >= 290 && took < 3000, `took ${took} ms for a 300 ms timeout`);
  const [a] = queue.list({ status: 'expired' });
  assert.ok(a);
  assert.throws(() => queue.approve(a.id, 'alice'), (e: unknown) => e instanceof ApprovalError && e.code === 'NOT_PENDING');
});

test('remember for this session: identical later actions pass, others still ask', async (t) => {
  const { fw, queue } = await setup(t);
  const act = { kind: 'tool', tool: 'deploy', args: { env: 'staging' }, principal: agent, session: 'S1' };
  const p = fw.authorize(act);
  const a = await pendingOne(queue);
  queue.approve(a.id, 'alice', { remember: true });
  assert.equal((await p).effect, 'allow');
  const again = await fw.authorize(act);
  assert.equal(again.effect, 'allow');
  assert.ok(again.reasons.some((r) => r.includes('remembered')));
  // A different session, different arguments or another agent ask again (and time out here).
  for (const other of [{ ...act, session: 'S2' }, { ...act, args: { env: 'prod' } }, { ...act, principal: { id: 'agent-8' } }]) {
    let settled = false;
    const q = fw.authorize(other).then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(settled, false, `must ask again for ${JSON.stringify(other)}`);
    const pending = queue.list();
    assert.equal(pending.length, 1);
    queue.deny(pending[0]!.id, 'alice');
    await q;
  }
});

test('without remember, an approval lets one action through, not the next', async (t) => {
  const { fw, queue } = await setup(t);
  const act = { kind: 'tool', tool: 'deploy', args: { env: 'x' }, principal: agent, session: 'S1' };
  const p = fw.authorize(act);
  queue.approve((await pendingOne(queue)).id, 'alice');
  assert.equal((await p).effect, 'allow');
  const p2 = fw.authorize(act);
  const a2 = await pendingOne(queue);
  queue.deny(a2.id, 'alice');
  assert.equal((await p2).effect, 'deny');
});

test('allowed approvers: votes from anyone else are refused', async (t) => {
  const { fw, queue } = await setup(t, { queue: { allowedApprovers: ['alice'] } });
  const p = fw.authorize({ kind: 'tool', tool: 'deploy', principal: agent });
  const a = await pendingOne(queue);
  assert.throws(() => queue.approve(a.id, 'mallory'), (e: unknown) => e instanceof ApprovalError && e.code === 'NOT_ALLOWED');
  queue.approve(a.id, 'alice');
  assert.equal((await p).effect, 'allow');
});

test('bounds: a full queue and too many waiters deny at once', async (t) => {
  const { fw, queue } = await setup(t, { queue: { maxPending: 1 } });
  const first = fw.authorize({ kind: 'tool', tool: 'deploy', args: { n: 1 }, principal: agent });
  await pendingOne(queue);
  const second = await fw.authorize({ kind: 'tool', tool: 'deploy', args: { n: 2 }, principal: agent });
  assert.equal(second.effect, 'deny');
  assert.ok(second.reasons.some((r) => r.includes('approval queue full')));
  queue.deny(queue.list()[0]!.id, 'alice');
  await first;
});

test('approvers see the facts of the decision (captured by the listener, secrets masked)', async (t) => {
  const { fw, queue, approver } = await setup(t);
  const action = { kind: 'tool', tool: 'deploy', principal: agent };
  const decision = fw.guard(action);
  approver.listener()({ action, decision, facts: { shell: { program: 'kubectl', flags: ['force'] }, url: { password: 'x' } } });
  const p = approver.request(action, decision);
  const a = await pendingOne(queue);
  assert.deepEqual(a.facts, { shell: { program: 'kubectl', flags: ['force'] }, url: { password: '[redacted]' } });
  queue.deny(a.id, 'alice');
  await p;
});

test('every request, vote and outcome lands in the audit log, and the chain verifies', async (t) => {
  const { store, fw, queue } = await setup(t);
  const log = new AuditLog(store, { durability: 'sync' });
  const audited = new ApprovalQueue(store, { audit: log });
  const approver = new QueueApprover(audited, { pollMs: 25 });
  const p = approver.request({ kind: 'tool', tool: 'trade', principal: agent, session: 'S' }, fw.guard({ kind: 'tool', tool: 'trade', principal: agent, session: 'S' }));
  const a = await pendingOne(queue);
  audited.approve(a.id, 'alice');
  audited.approve(a.id, 'bob');
  assert.equal((await p).effect, 'allow');
  approver.close();
  const events = [...queryRecords(store, { type: 'approval' })].map((r) => (r.data as { event: string }).event);
  assert.deepEqual(events, ['requested', 'approved-vote', 'approved-vote', 'approved']);
  const approver2 = new QueueApprover(audited, { pollMs: 25 });
  const p2 = approver2.request({ kind: 'tool', tool: 'deploy', principal: agent }, fw.guard({ kind: 'tool', tool: 'deploy', principal: agent }));
  const b = await pendingOne(queue);
  assert.throws(() => audited.approve(b.id, 'agent-7'), ApprovalError);
  const refused = [...queryRecords(store, { type: 'approval' })].pop()!.data as Record<string, unknown>;
  assert.equal(refused.event, 'vote-refused');
  assert.equal(refused.refused, 'SELF_APPROVAL');
  audited.deny(b.id, 'alice');
  assert.equal((await p2).effect, 'deny');
  // A pass on a remembered approval is recorded too.
  const act = { kind: 'tool', tool: 'deploy', args: { env: 'dev' }, principal: agent, session: 'S' };
  const p3 = approver2.request(act, fw.guard(act));
  audited.approve((await pendingOne(queue)).id, 'alice', { remember: true });
  assert.equal((await p3).effect, 'allow');
  assert.equal((await approver2.request(act, fw.guard(act))).effect, 'allow');
  const last = [...queryRecords(store, { type: 'approval' })].pop()!;
  assert.equal((last.data as Record<string, unknown>).event, 'remembered');
  assert.equal(last.effect, 'allow');
  approver2.close();
  log.close();
  assert.equal(verifyLog(store, loadVerifyKey(store.dataDir)).ok, true);
});
