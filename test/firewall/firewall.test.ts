import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFirewall, FirewallDenied } from '../../src/firewall.ts';
import { PolicyError } from '../../src/policy/errors.ts';

const POLICY = `
version: 1
default: deny
rules:
  - id: small-payments
    effect: allow
    when: { tool: pay, args.amount: { lte: 100 } }
  - id: large-payments
    effect: ask
    when: { tool: pay, args.amount: { gt: 100 } }
    reason: payments over 100 need a human
`;

test('createFirewall takes YAML text, an object or a path; guard is synchronous', async () => {
  const fw = await createFirewall({ policy: POLICY });
  const d = fw.guard({ kind: 'tool', tool: 'pay', args: { amount: 5 } });
  assert.equal(d.effect, 'allow');
  assert.deepEqual(d.rules, ['small-payments']);
  const fw2 = await createFirewall({ policy: { version: 1, default: 'allow', rules: [] } });
  assert.equal(fw2.guard({ kind: 'tool', tool: 'x' }).effect, 'allow');
  await assert.rejects(createFirewall({ policy: '/nonexistent/policy.yaml' }), PolicyError);
});

test('wrap runs the function only when allowed; the model gets the reason', async () => {
  const fw = await createFirewall({ policy: POLICY });
  const calls: number[] = [];
  const pay = fw.wrap(async (args: { amount: number }) => {
    calls.push(args.amount);
    return `paid ${args.amount}`;
  }, { tool: 'pay' });
  assert.equal(await pay({ amount: 10 }), 'paid 10');
  await assert.rejects(pay({ amount: 500 }), (e: unknown) => {
    assert.ok(e instanceof FirewallDenied);
    assert.equal(e.decision.effect, 'deny');
    assert.match(e.message, /payments over 100 need a human/);
    assert.match(e.message, /no approver is configured/);
    return true;
  });
  const refund = fw.wrap(() => 'refunded', { tool: 'refund' });
  await assert.rejects(refund(), /no rule matched/);
  assert.deepEqual(calls, [10], 'denied calls never reach the function');
});

test('wrap with a describe function, and a describe that throws denies', async () => {
  const fw = await createFirewall({ policy: POLICY });
  const pay = fw.wrap((to: string, amount: number) => `${to}:${amount}`, (to, amount) => ({ kind: 'tool', tool: 'pay', args: { to, amount } }));
  assert.equal(await pay('bob', 50), 'bob:50');
  const broken = fw.wrap(() => 1, () => {
    throw new Error('bad mapping');
  });
  await assert.rejects(broken(), /could not describe the call: bad mapping/);
});

test('ask resolves through an approver', async () => {
  const seen: string[] = [];
  const fw = await createFirewall({
    policy: POLICY,
    approver: {
      async request(action, decision) {
        seen.push(`${action.tool}:${decision.rules.join()}`);
        return (action.args?.amount as number) < 1000 ? { effect: 'allow', reason: 'approved by alice' } : { effect: 'deny', reason: 'denied by alice' };
      },
    },
  });
  const pay = fw.wrap((a: { amount: number }) => a.amount, { tool: 'pay' });
  assert.equal(await pay({ amount: 500 }), 500);
  await assert.rejects(pay({ amount: 5000 }), /denied by alice/);
  assert.deepEqual(seen, ['pay:large-payments', 'pay:large-payments']);
  const failing = await createFirewall({ policy: POLICY, approver: { request: async () => { throw new Error('queue down'); } } });
  assert.equal((await failing.authorize({ kind: 'tool', tool: 'pay', args: { amount: 500 } })).effect, 'deny');
});

test('reload swaps atomically; a bad policy is rejected and the old one stays', async () => {
  const fw = await createFirewall({ policy: POLICY });
  const before = fw.policy.digest;
  assert.throws(() => fw.reload('version: 1\nrules:\n  - { id: x, effect: sometimes }\n'), PolicyError);
  assert.equal(fw.policy.digest, before);
  assert.equal(fw.guard({ kind: 'tool', tool: 'pay', args: { amount: 1 } }).effect, 'allow');
  fw.reload('version: 1\ndefault: deny\nrules: []\n');
  assert.notEqual(fw.policy.digest, before);
  assert.equal(fw.guard({ kind: 'tool', tool: 'pay', args: { amount: 1 } }).effect, 'deny');
});

test('decision listeners may tighten, never loosen; a throwing listener denies', async () => {
  const fw = await createFirewall({ policy: POLICY });
  const off = fw.onDecision((e) => ({ ...e.decision, effect: 'allow' }));
  assert.equal(fw.guard({ kind: 'tool', tool: 'nope' }).effect, 'deny', 'a looser answer is ignored');
  off();
  fw.onDecision((e) => (e.action.args?.amount === 7 ? { ...e.decision, effect: 'deny', reasons: ['audit unavailable'] } : undefined));
  assert.equal(fw.guard({ kind: 'tool', tool: 'pay', args: { amount: 7 } }).effect, 'deny');
  assert.equal(fw.guard({ kind: 'tool', tool: 'pay', args: { amount: 8 } }).effect, 'allow');
  fw.onDecision(() => {
    throw new Error('disk full');
  });
  const d = fw.guard({ kind: 'tool', tool: 'pay', args: { amount: 8 } });
  assert.equal(d.effect, 'deny');
  assert.match(d.reasons.join(' '), /disk full/);
});

test('guard never throws on hostile input', async () => {
  const fw = await createFirewall({ policy: POLICY });
  for (const bad of [undefined, null, 42, 'rm -rf /', [], { kind: 7 }, { kind: 'tool', args: 'x' }]) {
    assert.equal(fw.guard(bad as never).effect, 'deny');
  }
  const evil = new Proxy({}, { get: () => { throw new Error('trap'); }, ownKeys: () => { throw new Error('trap'); } });
  assert.equal(fw.guard(evil as never).effect, 'deny');
});
