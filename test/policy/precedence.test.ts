import { test } from 'node:test';
import assert from 'node:assert/strict';
import { objPolicy, yamlPolicy, run } from '../helpers/policy.ts';
import type { Action } from '../../src/action.ts';

const rule = (id: string, effect: string, when: object = { tool: 't' }, extra: object = {}) => ({ id, effect, when, ...extra });
const act: Action = { kind: 'tool', tool: 't', args: { n: 1 } };

test('deny beats ask beats allow, in any order', () => {
  const orders = [
    ['allow', 'ask', 'deny'],
    ['deny', 'ask', 'allow'],
    ['ask', 'deny', 'allow'],
  ];
  for (const o of orders) {
    const p = objPolicy({ version: 1, rules: o.map((e, i) => rule(`r${i}-${e}`, e)) });
    const d = run(p, act);
    assert.equal(d.effect, 'deny');
    assert.deepEqual(d.rules, [`r${o.indexOf('deny')}-deny`]);
  }
  const p = objPolicy({ version: 1, rules: [rule('a', 'allow'), rule('b', 'ask')] });
  assert.equal(run(p, act).effect, 'ask');
  assert.equal(run(objPolicy({ version: 1, rules: [rule('a', 'allow')] }), act).effect, 'allow');
});

test('all deciding rules are reported in declaration order, with their reasons', () => {
  const p = objPolicy({ version: 1, rules: [rule('d2', 'deny', undefined, { reason: 'second' }), rule('a', 'allow'), rule('d1', 'deny', undefined, { reason: 'first' })] });
  const d = run(p, act);
  assert.deepEqual(d.rules, ['d2', 'd1']);
  assert.deepEqual(d.reasons, ['second', 'first']);
  assert.match(d.policyDigest, /^sha256:[0-9a-f]{64}$/);
  assert.ok(d.evalNs >= 0);
});

test('default applies when nothing matches; deny when the policy says nothing', () => {
  assert.equal(run(objPolicy({ version: 1, rules: [] }), act).effect, 'deny');
  const d = run(objPolicy({ version: 1, default: 'allow', rules: [rule('x', 'deny', { tool: 'other' })] }), act);
  assert.equal(d.effect, 'allow');
  assert.deepEqual(d.rules, []);
  assert.match(d.reasons[0]!, /default is allow/);
  assert.equal(run(objPolicy({ version: 1, default: 'ask', rules: [] }), act).effect, 'ask');
});

test('unless exempts a matching rule', () => {
  const p = objPolicy({
    version: 1,
    default: 'allow',
    rules: [rule('internal', 'deny', { kind: 'http' }, { unless: { 'principal.attributes.auth': 'oauth' } })],
  });
  assert.equal(run(p, { kind: 'http', args: { url: 'x' } }).effect, 'deny');
  assert.equal(run(p, { kind: 'http', args: { url: 'x' }, principal: { id: 'a', attributes: { auth: 'oauth' } } }).effect, 'allow');
  assert.equal(run(p, { kind: 'http', principal: { id: 'a', attributes: { auth: 'apikey' } } }).effect, 'deny');
});

test('ask carries the strictest approval requirement of the deciding rules', () => {
  const p = yamlPolicy(`
version: 1
rules:
  - { id: a, effect: ask, when: { tool: t }, approval: { approvers: 2, timeout: 10m } }
  - { id: b, effect: ask, when: { tool: t }, approval: { approvers: 1, timeout: 30s } }
  - { id: c, effect: ask, when: { tool: u } }
`);
  assert.deepEqual(run(p, act).approval, { approvers: 2, timeoutMs: 30_000 });
  assert.deepEqual(run(p, { kind: 'tool', tool: 'u' }).approval, { approvers: 1, timeoutMs: 300_000 });
  assert.throws(() => yamlPolicy('version: 1\nrules:\n  - { id: a, effect: deny, approval: { approvers: 2 } }'), /only applies to rules with effect: ask/);
});

test('monitor-mode rules never change the effect but are reported', () => {
  const p = objPolicy({ version: 1, default: 'allow', rules: [rule('m', 'deny', undefined, { mode: 'monitor', reason: 'would block' })] });
  const d = run(p, act);
  assert.equal(d.effect, 'allow');
  assert.deepEqual(d.monitor, { effect: 'deny', rules: ['m'], reasons: ['would block'] });
  const p2 = objPolicy({ version: 1, default: 'deny', rules: [rule('m', 'deny', undefined, { mode: 'monitor' })] });
  assert.equal(run(p2, act).monitor, undefined, 'no report when the outcome is the same');
  const p3 = objPolicy({ version: 1, default: 'deny', rules: [rule('m', 'allow', undefined, { mode: 'monitor' })] });
  assert.equal(run(p3, act).effect, 'deny');
  assert.equal(run(p3, act).monitor?.effect, 'allow', 'a monitor allow would have lifted the default');
});

test('a policy in monitor mode decides, reports and allows', () => {
  const p = objPolicy({ version: 1, mode: 'monitor', default: 'deny', rules: [rule('d', 'deny')] });
  const d = run(p, act);
  assert.equal(d.effect, 'allow');
  assert.deepEqual(d.monitor?.rules, ['d']);
  assert.equal(d.monitor?.effect, 'deny');
  assert.equal(run(p, { kind: 'tool', tool: 'zzz' }).monitor?.effect, 'deny', 'the default is monitored too');
});

test('disabled rules are ignored', () => {
  const p = objPolicy({ version: 1, default: 'allow', rules: [rule('d', 'deny', undefined, { enabled: false })] });
  assert.equal(run(p, act).effect, 'allow');
});

test('invalid actions are denied with the field named', () => {
  const p = objPolicy({ version: 1, default: 'allow', rules: [] });
  const cases: Array<[unknown, RegExp]> = [
    [null, /expected an object/],
    [{ kind: 'teleport' }, /unknown kind 'teleport'/],
    [{ kind: 'tool', args: [] }, /action.args: expected an object/],
    [{ kind: 'tool', principal: { roles: ['a'] } }, /principal.id/],
    [{ kind: 'tool', principal: { id: 'a', roles: 'admin' } }, /principal.roles/],
    [{ kind: 'tool', args: { big: 'x'.repeat(1024 * 1024 + 1) } }, /larger than 1048576 bytes/],
  ];
  for (const [a, re] of cases) {
    const d = run(p, a as Action);
    assert.equal(d.effect, 'deny', String(re));
    assert.match(d.reasons.join(' '), re);
  }
  let deep: unknown = 'x';
  for (let i = 0; i < 70; i++) deep = { d: deep };
  const d = run(p, { kind: 'tool', args: { deep } as Record<string, unknown> });
  assert.equal(d.effect, 'deny');
  assert.match(d.reasons[0]!, /nested deeper than 64 levels/);
  let veryDeep: unknown = 'x';
  for (let i = 0; i < 100_000; i++) veryDeep = [veryDeep];
  assert.equal(run(p, { kind: 'tool', args: { veryDeep } as Record<string, unknown> }).effect, 'deny', 'no stack overflow');
});

test('a matcher that throws at decision time denies (fail closed)', () => {
  // An `args` getter that throws simulates an internal error in any condition.
  const p = objPolicy({ version: 1, default: 'allow', rules: [rule('a', 'allow', { 'args.x': 1 })] });
  const args = {} as Record<string, unknown>;
  Object.defineProperty(args, 'x', { enumerable: true, get: () => { throw new Error('boom'); } });
  const d = run(p, { kind: 'tool', tool: 't', args });
  assert.equal(d.effect, 'deny');
  assert.match(d.reasons.join(' '), /boom/);
});

test('confusable tool names find the same rules as their NFKC form', () => {
  const p = objPolicy({ version: 1, default: 'allow', rules: [rule('no-rm', 'deny', { tool: 'rm' })] });
  assert.equal(run(p, { kind: 'tool', tool: 'ｒｍ' }).effect, 'deny');
  assert.equal(run(p, { kind: 'tool', tool: 'rm' }).effect, 'deny');
});
