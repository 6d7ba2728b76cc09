// What a decision sees of the session: a read-only snapshot over the session
// and agent state, handed to matchers through EvalContext.session. It is built
// in SessionTracker.view() without copying (the decision is synchronous and
// the state only changes afterwards, in record()); everything expensive
// (anomaly score, provenance lookups) is computed on first use by a matcher.

import type { Action } from '../action.ts';
import type { EvalContext, FactSource, PastCond } from '../policy/matcher.ts';
import { heldBefore } from '../policy/past.ts';
import { LazyFacts, NO_ANALYZERS, type AnalyzerSet } from '../analyze/facts.ts';
import { extractValues, keysOfValue } from './extract.ts';
import { featuresOf, type Anomaly } from './profile.ts';
import type { AgentState, SessionState } from './state.ts';
import { ORIGIN, type HistoryEntry } from './types.ts';
import type { History } from './history.ts';

/** The key of the snapshot inside EvalContext.session. */
export const SNAPSHOT_KEY = 'agentwall.session';

export type ProfileMode = 'learn' | 'enforce' | 'adaptive';

/** Origin of one value: ORIGIN bits (0 = seen nowhere: unknown) and the tools whose responses held it. */
export interface ValueProvenance {
  value: string;
  mask: number;
  tools: readonly string[];
}

const NO_TOOLS: readonly string[] = [];

export class SessionSnapshot {
  private anomalyMemo: Map<number, Anomaly> | undefined;

  constructor(
    readonly action: Action,
    readonly session: SessionState | undefined,
    readonly agent: AgentState | undefined,
    readonly now: number,
    readonly profileMode: ProfileMode,
    private readonly analyzers: AnalyzerSet | undefined,
  ) {}

  /** The session state, or an error (the rule then fails closed) when the action names no session. */
  requireSession(what: string): SessionState | undefined {
    if (this.action.session === undefined || this.action.session === '') throw new Error(`${what} needs the action's session id (action.session is missing)`);
    return this.session;
  }

  history(scope: 'session' | 'agent'): History | undefined {
    if (scope === 'session') return this.requireSession('a session rule')?.history;
    if (!this.action.principal?.id) throw new Error('a per-agent rule needs action.principal.id');
    return this.agent?.history;
  }

  /** The step number the current action will get in its session. */
  get step(): number {
    return (this.session?.steps ?? 0) + 1;
  }

  /**
   * Provenance of the values in one argument: the whole value (an IBAN, an
   * e-mail address, a URL and its host, a word, a short phrase) and, for a
   * text, the identifiers inside it.
   */
  provenance(raw: string): ValueProvenance[] {
    const s = this.requireSession('a provenance rule');
    const out: ValueProvenance[] = [];
    const hasSpace = /\s/.test(raw);
    if (!hasSpace || raw.length <= 100) out.push(this.originOf(s, raw));
    if (hasSpace) {
      for (const x of extractValues(raw, { max: 64 })) out.push(this.lookup(s, x.value, undefined));
    }
    return out;
  }

  private originOf(s: SessionState | undefined, raw: string): ValueProvenance {
    const k = keysOfValue(raw);
    return this.lookup(s, k.whole, k.host);
  }

  private lookup(s: SessionState | undefined, whole: string, host: string | undefined): ValueProvenance {
    if (!s) return { value: whole, mask: 0, tools: NO_TOOLS };
    const o = s.lookup(whole) ?? (host !== undefined ? s.lookup(host) : undefined);
    let mask = o?.mask ?? 0;
    // Phrases the user typed ("Dalton Street 123") are found in the user's text itself.
    if (!(mask & ORIGIN.user) && whole.length >= 4 && s.userText.includes(whole)) mask |= ORIGIN.user;
    return { value: whole, mask, tools: o?.tools ?? NO_TOOLS };
  }

  /** Anomaly of the current action against the agent's profile (0 while learning). */
  anomaly(minSamples: number): Anomaly {
    const memo = this.anomalyMemo?.get(minSamples);
    if (memo) return memo;
    let a: Anomaly;
    if (!this.action.principal?.id) throw new Error('an anomaly rule needs action.principal.id');
    if (this.profileMode === 'learn') a = { score: 0, reasons: ['profile in learning mode'], learning: true, samples: this.agent?.profile.n ?? 0 };
    else if (!this.agent) a = { score: 0, reasons: [`profile still learning (0 of ${minSamples} samples)`], learning: true, samples: 0 };
    else a = this.agent.profile.score(featuresOf(this.action), this.agent.lastTool, perMinute(this.agent.history, this.now), minSamples);
    (this.anomalyMemo ??= new Map()).set(minSamples, a);
    return a;
  }

  /**
   * Did the past action `h.back(i)` meet the past condition `p`? From its memo when
   * the memo covers `p`; else by evaluating `p` on the stored action, with
   * facts from `current` (the deciding action's facts) derived for it.
   */
  held(h: History, i: number, p: PastCond, current: FactSource): boolean {
    return heldBefore(p, h.pastAt(i), () => this.pastContext(h.back(i)!, current));
  }

  /** Evaluation context for a past action, for conditions its memo does not cover. */
  pastContext(e: HistoryEntry, current: FactSource): EvalContext {
    const action = pastAction(e);
    return { action, facts: new PastFacts(action, e.facts, current, this.analyzers), session: undefined, now: e.t };
  }
}

/** A past action as the rules see it: the stored (bounded) fields. */
export function pastAction(e: HistoryEntry): Action {
  return { kind: e.kind, tool: e.tool, args: e.args, session: e.session, principal: e.principal !== undefined ? { id: e.principal } : undefined };
}

/** Actions in the last minute of a history (newest first, stops at the first older one). */
export function perMinute(h: History, now: number): number {
  let n = 0;
  for (let i = 0; i < h.size; i++) {
    if (h.tAt(i) < now - 60_000) break;
    n++;
  }
  return n;
}

/**
 * Facts of a past action whose memo does not cover a condition: facts stored
 * by earlier versions, else recomputed from the stored (bounded) action with
 * the deciding firewall's analyzers, else with the tracker's, else an error.
 */
class PastFacts implements FactSource {
  private derived: FactSource | undefined;
  constructor(
    private readonly action: Action,
    private readonly stored: Record<string, unknown> | undefined,
    private readonly current: FactSource,
    private readonly analyzers: AnalyzerSet | undefined,
  ) {}
  get<T = unknown>(name: string): T {
    if (this.stored && Object.prototype.hasOwnProperty.call(this.stored, name)) return this.stored[name] as T;
    this.derived ??= this.current.derive?.(this.action) ?? new LazyFacts(this.action, this.analyzers ?? NO_ANALYZERS);
    return this.derived.get<T>(name);
  }
}

/** The snapshot in a decision's context, or an error: session rules without a session provider fail closed. */
export function snapshotOf(ctx: EvalContext, what: string): SessionSnapshot {
  const s = ctx.session?.[SNAPSHOT_KEY];
  if (!(s instanceof SessionSnapshot)) throw new Error(`${what} needs session state, but no session provider is configured (see docs/session.md)`);
  return s;
}
