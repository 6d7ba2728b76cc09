// Memos of past-action conditions. Rules that look back (`after: { match }`,
// the `match` of `rate` and `budget`) test conditions on earlier actions of a
// session. The firewall evaluates each of the policy's past conditions once,
// when an action is recorded, with the facts computed for its decision; the
// history entry keeps only a PastMemo: which conditions were evaluated and
// which held. Why: a history must not keep every past action's analyzer facts
// alive (a gateway holds 10,000 sessions), and the facts of a past action are
// by definition those of its decision.
//
// A condition a memo does not cover (added by a reload, or an entry recorded
// under another policy, or one whose evaluation failed) is evaluated again on
// the stored action, with facts recomputed from its bounded arguments; an
// error there fails the rule closed, as any evaluation error does.
//
// Memos are interned: entries with the same outcome share one frozen object,
// and a memo is plain JSON, so persistent session stores keep it as is.

import type { CompiledPolicy } from './compile.ts';
import type { EvalContext, PastCond } from './matcher.ts';

export interface PastMemo {
  /** Keys of the conditions evaluated for the entry. */
  readonly e: readonly string[];
  /** Keys of those that held. */
  readonly m: readonly string[];
}

/** Distinct memos kept for sharing; beyond that, memos are still correct, just not shared. */
const MAX_INTERNED = 4096;
const interned = new Map<string, PastMemo>();

/** The shared memo with these keys (memos read back from storage share one object like those made here). */
export function internMemo(evaluated: readonly string[], matched: readonly string[]): PastMemo {
  const id = `${evaluated.join(',')}|${matched.join(',')}`;
  let memo = interned.get(id);
  if (!memo) {
    memo = Object.freeze({ e: Object.freeze([...evaluated]), m: Object.freeze([...matched]) });
    if (interned.size < MAX_INTERNED) interned.set(id, memo);
  }
  return memo;
}

/** Evaluates the policy's past conditions on the action being recorded; undefined when the policy has none. */
export function memoizePast(policy: CompiledPolicy, ctx: EvalContext): PastMemo | undefined {
  const conds = policy.pastConditions;
  if (conds.length === 0) return undefined;
  const evaluated: string[] = [];
  const matched: string[] = [];
  for (const p of conds) {
    if (p.key === '') continue;
    try {
      if (p.cond.test(ctx)) matched.push(p.key);
      evaluated.push(p.key);
    } catch {
      /* not memoized: evaluated again when a rule asks, where the error fails that rule closed */
    }
  }
  return internMemo(evaluated, matched);
}

/**
 * Did the past action hold `p`? From the memo when it covers `p`; otherwise
 * by evaluating `p` on the context `later()` builds for the past action.
 */
export function heldBefore(p: PastCond, memo: PastMemo | undefined, later: () => EvalContext): boolean {
  if (memo !== undefined && p.key !== '' && memo.e.includes(p.key)) return memo.m.includes(p.key);
  return p.cond.test(later());
}

/** A memo read back from storage: well-formed, or treated as absent (conditions then evaluated again). */
export function pastMemoOf(v: unknown): PastMemo | undefined {
  if (v === null || typeof v !== 'object') return undefined;
  const { e, m } = v as { e?: unknown; m?: unknown };
  const strings = (a: unknown): a is string[] => Array.isArray(a) && a.length <= 1024 && a.every((x) => typeof x === 'string');
  return strings(e) && strings(m) ? internMemo(e, m) : undefined;
}
