// Explains a decision: for every rule of the policy, whether it matched, and
// if not, the first condition that did not hold and the value it looked at.
// Slower than decide() (it evaluates every rule, member by member); meant for
// people (`agentwall explain`), not for the hot path.

import type { Action, Decision } from '../action.ts';
import { checkAction } from '../action.ts';
import type { CompiledPolicy, CompiledRule } from './compile.ts';
import { firstFailing } from './conditions.ts';
import { decide, type DecideEnv } from './decide.ts';
import { formatPath } from './errors.ts';
import type { EvalContext } from './matcher.ts';
import { LazyFacts, NO_ANALYZERS } from '../analyze/facts.ts';
import { norm } from './operators.ts';

export type RuleStatus = 'matched' | 'not-matched' | 'excepted' | 'error' | 'not-applicable';

export interface RuleExplanation {
  id: string;
  effect: CompiledRule['effect'];
  mode: CompiledRule['mode'];
  where: string;
  status: RuleStatus;
  /** Why: the failing condition and its value, the exception that held, or the error. */
  detail: string;
}

export interface Explanation {
  decision: Decision;
  rules: RuleExplanation[];
  /** Analyzer facts computed while explaining. */
  facts: Record<string, unknown>;
}

export function explain(policy: CompiledPolicy, action: Action, env: DecideEnv = {}): Explanation {
  const decision = decide(policy, action, env);
  const facts = env.facts ?? new LazyFacts(action, NO_ANALYZERS);
  if (checkAction(action, env.limits).length > 0) return { decision, rules: [], facts: {} };
  const ctx: EvalContext = { action, facts, session: env.session, now: env.now ?? Date.now() };
  const c = policy.candidates(action.kind, action.tool === undefined ? '' : norm(action.tool));
  const candidates = new Set([...c.deny, ...c.ask, ...c.allow, ...c.monitor]);
  const rules = policy.rules.map((rule): RuleExplanation => {
    const base = { id: rule.id, effect: rule.effect, mode: rule.mode, where: rule.where };
    if (!candidates.has(rule)) {
      return { ...base, status: 'not-applicable', detail: `kind/tool do not match (${rule.when.children.filter((ch) => /^(kind|tool) /.test(ch.describe)).map((ch) => ch.describe).join(' and ') || 'indexed elsewhere'})` };
    }
    const fail = firstFailing(rule.when, ctx);
    if (fail?.error) return { ...base, status: 'error', detail: `${formatPath(fail.cond.where)}: ${fail.error}` };
    if (fail) return { ...base, status: 'not-matched', detail: `${fail.cond.describe} did not hold${actual(fail.cond, ctx)}` };
    if (rule.unless) {
      try {
        if (rule.unless.test(ctx)) return { ...base, status: 'excepted', detail: `unless held: ${rule.unless.describe}` };
      } catch (e) {
        return { ...base, status: 'error', detail: `unless: ${(e as Error).message}` };
      }
    }
    return { ...base, status: 'matched', detail: rule.when.describe };
  });
  return { decision, rules, facts: facts instanceof LazyFacts ? facts.computed() : {} };
}

function actual(cond: { actual?(ctx: EvalContext): unknown }, ctx: EvalContext): string {
  if (!cond.actual) return '';
  try {
    const v = cond.actual(ctx);
    const s = JSON.stringify(v);
    return ` (actual: ${s === undefined ? 'absent' : s.length > 120 ? `${s.slice(0, 120)}…` : s})`;
  } catch {
    return '';
  }
}
