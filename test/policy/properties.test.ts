// Property-based tests of the decision contract (fast-check):
// - reordering rules never changes a decision;
// - the indexed decision equals a naive evaluation of every rule;
// - an evaluation error never yields allow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { objPolicy } from '../helpers/policy.ts';
import { decide } from '../../src/policy/decide.ts';
import type { CompiledPolicy } from '../../src/policy/compile.ts';
import type { Action, Effect } from '../../src/action.ts';
import type { EvalContext } from '../../src/policy/matcher.ts';
import { LazyFacts, NO_ANALYZERS } from '../../src/analyze/facts.ts';

const condArb = fc.oneof(
  fc.constantFrom('a', 'b', 'c', ['a', 'b'], 'a*').map((tool) => ({ tool })),
  fc.constantFrom('tool', 'shell', ['tool', 'shell'], 'file.*').map((kind) => ({ kind })),
  fc.integer({ min: 0, max: 10 }).map((n) => ({ 'args.n': { gt: n } })),
  fc.constantFrom('x', 'y', 'xy').map((p) => ({ 'args.s': { prefix: p } })),
  fc.constant({ 'args.s': { regex: '^x.*y$' } }),
  fc.constantFrom('admin', 'dev').map((r) => ({ 'principal.roles': r })),
  fc.constant({ any: [{ 'args.n': { lt: 3 } }, { 'args.s': 'y' }] }),
);

const ruleArb = fc.record({
  effect: fc.constantFrom('allow', 'deny', 'ask'),
  when: fc.array(condArb, { maxLength: 3 }).map((cs) => Object.assign({}, ...cs)),
  unless: fc.option(condArb, { nil: undefined }),
  monitor: fc.boolean(),
});

const policyArb = fc.record({
  default: fc.constantFrom('allow', 'deny', 'ask'),
  rules: fc.array(ruleArb, { maxLength: 12 }),
});

const actionArb: fc.Arbitrary<Action> = fc.record({
  kind: fc.constantFrom('tool', 'shell', 'file.read'),
  tool: fc.constantFrom('a', 'b', 'c', 'ab', 'zz'),
  args: fc.record({ n: fc.integer({ min: -1, max: 12 }), s: fc.constantFrom('x', 'xy', 'xzy', 'y', 'q') }),
  principal: fc.record({ id: fc.constant('p'), roles: fc.subarray(['admin', 'dev', 'ops']) }),
});

interface P {
  default: string;
  rules: Array<{ effect: string; when: object; unless: object | undefined; monitor: boolean }>;
}

function build(p: P, order?: number[]): CompiledPolicy {
  const rules = p.rules.map((r, i) => ({
    id: `r${i}`,
    effect: r.effect,
    when: r.when,
    ...(r.unless ? { unless: r.unless } : {}),
    ...(r.monitor ? { mode: 'monitor' } : {}),
  }));
  const ordered = order ? order.map((i) => rules[i]!) : rules;
  return objPolicy({ version: 1, default: p.default, rules: ordered });
}

/** The contract, evaluated naively over every rule with no index. */
function reference(policy: CompiledPolicy, action: Action): { effect: Effect; rules: string[] } {
  const ctx: EvalContext = { action, facts: new LazyFacts(action, NO_ANALYZERS), session: undefined, now: 0 };
  const hit: Record<Effect, string[]> = { deny: [], ask: [], allow: [] };
  for (const r of policy.rules) {
    if (r.mode === 'monitor') continue;
    // Every member of `when`, including the kind/tool conditions the index guarantees.
    if (r.when.children.every((c) => c.test(ctx)) && !(r.unless && r.unless.test(ctx))) hit[r.effect].push(r.id);
  }
  for (const e of ['deny', 'ask', 'allow'] as const) if (hit[e].length) return { effect: e, rules: hit[e] };
  return { effect: policy.default, rules: [] };
}

test('reordering rules never changes a decision', () => {
  fc.assert(
    fc.property(
      policyArb.chain((p) => fc.tuple(fc.constant(p), fc.shuffledSubarray([...p.rules.keys()], { minLength: p.rules.length, maxLength: p.rules.length }))),
      actionArb,
      ([p, order], action) => {
        const a = decide(build(p), action, { now: 0 });
        const b = decide(build(p, order), action, { now: 0 });
        assert.equal(a.effect, b.effect);
        assert.deepEqual([...a.rules].sort(), [...b.rules].sort());
        assert.equal(a.monitor?.effect, b.monitor?.effect);
      },
    ),
    { numRuns: 400 },
  );
});

test('the indexed decision equals a naive evaluation of every rule', () => {
  fc.assert(
    fc.property(policyArb, actionArb, (p, action) => {
      const policy = build(p);
      const got = decide(policy, action, { now: 0 });
      const want = reference(policy, action);
      assert.equal(got.effect, want.effect);
      assert.deepEqual(got.rules, want.rules);
    }),
    { numRuns: 600 },
  );
});

test('an evaluation error never yields allow', () => {
  fc.assert(
    fc.property(policyArb, actionArb, fc.integer({ min: 0, max: 11 }), fc.constantFrom('getter', 'type'), (p, action, at, how) => {
      // Make one rule look at a value that breaks evaluation, as its first condition.
      const rules = p.rules.map((r, i) => (i === at ? { ...r, monitor: false, when: { 'args.boom': { gt: 1 }, ...r.when } } : r));
      const policy = build({ ...p, rules });
      const args: Record<string, unknown> = { ...action.args };
      if (how === 'getter') Object.defineProperty(args, 'boom', { enumerable: true, get: () => { throw new Error('internal failure'); } });
      else args.boom = { not: 'a number' };
      const d = decide(policy, { ...action, args }, { now: 0 });
      if (d.errors && d.errors.length > 0) assert.equal(d.effect, 'deny');
      const victim = policy.rules.find((r) => r.id === `r${at}`);
      if (victim) {
        const c = policy.candidates(action.kind, action.tool ?? '');
        if ([...c.deny, ...c.ask, ...c.allow].includes(victim)) assert.equal(d.effect, 'deny', 'a failing candidate rule must deny');
      }
      assert.notEqual(d.effect === 'allow' && (d.errors?.length ?? 0) > 0, true);
    }),
    { numRuns: 600 },
  );
});
