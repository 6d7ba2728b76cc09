// The authorizer: one pure function from (compiled policy, action, facts,
// session view, time) to a Decision.
//
// Decision semantics (the contract users rely on):
// 1. An action that is malformed, over the size/depth bounds or of an unknown
//    kind is denied; the reasons say which field is wrong.
// 2. A rule matches when its `when` conditions all hold and its `unless`
//    conditions (if any) do not all hold.
// 3. Among matching enforce-mode rules, deny beats ask beats allow. Rule order
//    never changes the effect. The decision lists every rule of the winning
//    effect that matched, in declaration order.
// 4. When no enforce-mode rule matches, the policy's default applies (deny
//    when the policy does not say).
// 5. A rule whose evaluation throws counts as a matching deny, whatever its
//    declared effect, and the error is reported: errors only make a decision
//    stricter. An error outside any rule denies the action.
// 6. Monitor-mode rules are evaluated and reported in `monitor` when they
//    would have changed the effect, but never change it. A bundle whose files
//    are all in monitor mode reports its decision in `monitor` and allows.
// Errors are collected into the Decision, never thrown past this function.

import type { Action, Decision, Effect, ApprovalRequirement } from '../action.ts';
import { checkAction, DEFAULT_ACTION_LIMITS, type ActionLimits } from '../action.ts';
import type { CompiledPolicy, CompiledRule } from './compile.ts';
import type { EvalContext, FactSource, SessionView } from './matcher.ts';
import { LazyFacts, NO_ANALYZERS } from '../analyze/facts.ts';
import { norm } from './operators.ts';

export interface DecideEnv {
  facts?: FactSource;
  session?: SessionView;
  /** Decision time in ms since epoch; defaults to Date.now(). */
  now?: number;
  limits?: ActionLimits;
  /** Skip the shape/bounds check when the caller has already done it. */
  trusted?: boolean;
}

type Outcome = { rule: CompiledRule; error?: string };

function evalRule(rule: CompiledRule, ctx: EvalContext): Outcome | undefined {
  try {
    if (!rule.when.test(ctx)) return undefined;
    if (rule.unless && rule.unless.test(ctx)) return undefined;
    return { rule };
  } catch (e) {
    return { rule, error: `rule ${rule.id} could not be evaluated: ${(e as Error).message ?? String(e)}` };
  }
}

function matching(rules: readonly CompiledRule[], ctx: EvalContext): Outcome[] | undefined {
  let out: Outcome[] | undefined;
  for (let i = 0; i < rules.length; i++) {
    const o = evalRule(rules[i]!, ctx);
    if (o) (out ??= []).push(o);
  }
  return out;
}

function now(): number {
  return performance.now();
}

export function decide(policy: CompiledPolicy, action: Action, env: DecideEnv = {}): Decision {
  const t0 = now();
  try {
    if (!env.trusted) {
      const problems = checkAction(action, env.limits ?? DEFAULT_ACTION_LIMITS);
      if (problems.length > 0) {
        return finish(policy, t0, { effect: 'deny', rules: [], reasons: problems.map((p) => `invalid action: ${p}`), errors: problems });
      }
    }
    const ctx: EvalContext = {
      action,
      facts: env.facts ?? new LazyFacts(action, NO_ANALYZERS),
      session: env.session,
      now: env.now ?? Date.now(),
    };
    // Tool names are normalized as conditions normalize them, so a fullwidth
    // or otherwise confusable spelling finds the same rules.
    const cands = policy.candidates(action.kind, action.tool === undefined ? '' : norm(action.tool));

    // Enforced effect: deny > ask > allow > default. When a deny matches,
    // nothing else can change the outcome, so the rest is not evaluated.
    const errors: string[] = [];
    let effect: Effect;
    let decided: Outcome[] | undefined = matching(cands.deny, ctx);
    if (decided) effect = 'deny';
    else {
      // No deny matched: both ask and allow rules are evaluated, because a
      // failing rule of either counts as a deny (rule 5) and must not be
      // hidden by another rule's match.
      const asks = matching(cands.ask, ctx);
      const allows = matching(cands.allow, ctx);
      const failed = [...(asks ?? []), ...(allows ?? [])].filter((o) => o.error);
      if (failed.length > 0) {
        effect = 'deny';
        decided = failed.sort((a, b) => a.rule.order - b.rule.order);
      } else if (asks) {
        effect = 'ask';
        decided = asks;
      } else if (allows) {
        effect = 'allow';
        decided = allows;
      } else effect = policy.default;
    }
    for (const o of decided ?? []) if (o.error) errors.push(o.error);

    const result: Omit<Decision, 'policyDigest' | 'evalNs'> = {
      effect,
      rules: decided ? decided.map((o) => o.rule.id) : [],
      reasons: decided ? decided.map((o) => o.error ?? o.rule.reason) : [`no rule matched; the policy default is ${effect}`],
    };
    if (effect === 'ask') result.approval = approvalOf(decided ?? []);
    if (errors.length > 0) result.errors = errors;

    // Monitor-mode rules: what would have happened had they been enforced.
    const mon = cands.monitor.length > 0 ? matching(cands.monitor, ctx) : undefined;
    if (policy.mode === 'monitor') {
      // Every rule is a monitor rule: report the would-be decision, allow.
      const would = mon ? strictest(effect, false, mon) : undefined;
      const wouldEffect = would?.effect ?? effect;
      if (wouldEffect !== 'allow') {
        result.monitor = would
          ? { effect: wouldEffect, rules: would.outcomes.map((o) => o.rule.id), reasons: would.outcomes.map((o) => o.error ?? o.rule.reason) }
          : { effect: wouldEffect, rules: [], reasons: result.reasons };
      }
      result.effect = 'allow';
      result.rules = [];
      result.reasons = ['policy is in monitor mode'];
      delete result.approval;
    } else if (mon) {
      const would = strictest(effect, decided !== undefined, mon);
      if (would.effect !== effect) {
        result.monitor = {
          effect: would.effect,
          rules: would.outcomes.map((o) => o.rule.id),
          reasons: would.outcomes.map((o) => o.error ?? o.rule.reason),
        };
      }
    }
    return finish(policy, t0, result);
  } catch (e) {
    const msg = `internal error during evaluation: ${(e as Error)?.message ?? String(e)}`;
    return finish(policy, t0, { effect: 'deny', rules: [], reasons: [msg], errors: [msg] });
  }
}

function finish(policy: CompiledPolicy, t0: number, d: Omit<Decision, 'policyDigest' | 'evalNs'>): Decision {
  // A literal of fixed shape: spreading objects of varying shapes here cost more than the decision itself.
  const out: Decision = { effect: d.effect, rules: d.rules, reasons: d.reasons, policyDigest: policy.digest, evalNs: Math.round((now() - t0) * 1e6) };
  if (d.approval !== undefined) out.approval = d.approval;
  if (d.monitor !== undefined) out.monitor = d.monitor;
  if (d.errors !== undefined) out.errors = d.errors;
  return out;
}

/** Strictest requirement among the deciding ask rules. */
function approvalOf(outcomes: Outcome[]): ApprovalRequirement {
  let approvers = 1;
  let timeoutMs = Infinity;
  for (const o of outcomes) {
    const a = o.rule.approval;
    if (!a) continue;
    approvers = Math.max(approvers, a.approvers);
    timeoutMs = Math.min(timeoutMs, a.timeoutMs);
  }
  return { approvers, timeoutMs: Number.isFinite(timeoutMs) ? timeoutMs : 300_000 };
}

/** The effect if monitor rules were enforced alongside the enforced ones. */
function strictest(effect: Effect, enforcedMatched: boolean, mon: Outcome[]): { effect: Effect; outcomes: Outcome[] } {
  const eff = (o: Outcome): Effect => (o.error ? 'deny' : o.rule.effect);
  const rank = { allow: 0, ask: 1, deny: 2 } as const;
  let best: Effect | undefined;
  for (const o of mon) if (!best || rank[eff(o)] > rank[best]) best = eff(o);
  if (!best) return { effect, outcomes: [] };
  // With no enforced match, the default is replaced by whatever the monitor rules say.
  const would = enforcedMatched ? (rank[best] > rank[effect] ? best : effect) : best;
  return { effect: would, outcomes: mon.filter((o) => eff(o) === would) };
}
