// The facade users hold. It owns the compiled policy (swapped atomically on
// reload), the analyzers, and the I/O hooks at the edge (session state,
// approvals, decision listeners such as the audit log). The decision itself is
// the pure decide(); this file only wires inputs and effects around it.
//
//   const fw = await createFirewall({ policy: 'policy.yaml' });
//   const d = fw.guard({ kind: 'tool', tool: 'send_email', args: { to: 'a@b.c' } });
//   const send = fw.wrap(sendEmail, { tool: 'send_email' });   // throws FirewallDenied on deny

import type { Action, Decision, Effect, ActionLimits } from './action.ts';
import { DEFAULT_ACTION_LIMITS, checkAction } from './action.ts';
import { loadPolicy, type PolicyInput } from './policy/index.ts';
import type { CompiledPolicy } from './policy/compile.ts';
import { decide } from './policy/decide.ts';
import { memoizePast, type PastMemo } from './policy/past.ts';
import { explain, type Explanation } from './policy/explain.ts';
import type { SessionView } from './policy/matcher.ts';
import { LazyFacts, type Analyzer, type AnalyzerSet } from './analyze/facts.ts';
import { loadBuiltinAnalyzers } from './analyze/index.ts';
import { Scanner, createScanState, type ScanOptions, type ScanState } from './scan/scanner.ts';
import type { ScanSection } from './scan/section.ts';
import type { InjectionClassifier, ScanResult } from './scan/types.ts';

/** Session state seen by policies and updated after each decision (see src/session). */
export interface SessionProvider {
  view(action: Action): SessionView | undefined;
  /**
   * Called after each decision on a valid action. `past`: which of the policy's
   * past-action conditions (after/rate/budget `match`) this action meets,
   * evaluated now with the decision's facts; keep it instead of the facts.
   */
  record(action: Action, decision: Decision, facts: LazyFacts, past: PastMemo | undefined): void;
  /** Optional: told about every scan, so the session records what entered it (user input: trusted; tool responses: untrusted). */
  noteScan?(text: string, result: { point: 'input' | 'response' | 'output'; findings?: ReadonlyArray<{ type: string; rule?: string; score?: number }>; injection?: { score: number; threshold: number } }, opts: { session?: string; source?: string }): void;
}

/** Resolves an `ask`: returns the final effect once humans answered or the timeout passed (see src/approval). */
export interface Approver {
  request(action: Action, decision: Decision): Promise<{ effect: Exclude<Effect, 'ask'>; reason: string; by?: string[] }>;
}

export interface DecisionEvent {
  readonly action: Action;
  readonly decision: Decision;
  /** Analyzer facts computed for this decision. */
  readonly facts: Record<string, unknown>;
}

/**
 * Called after each decision (audit log, metrics). A listener may return a
 * stricter decision (e.g. deny when a durable audit write failed); a looser one
 * is ignored. A listener that throws turns the decision into deny.
 */
export type DecisionListener = (event: DecisionEvent) => Decision | void;

export interface FirewallOptions {
  policy: PolicyInput;
  /** Extra analyzers (added to, or replacing by name, the built-in ones). */
  analyzers?: Analyzer[];
  session?: SessionProvider;
  approver?: Approver;
  limits?: ActionLimits;
  /** Clock, for reproducible decisions in tests. */
  now?: () => number;
  /** Maximum policy size in bytes. */
  maxPolicyBytes?: number;
  /** Injection classifiers for scan() (default: the built-in model); e.g. an ONNX model or an HTTP service. */
  classifiers?: InjectionClassifier[];
}

/** Thrown by wrapped functions when the firewall does not allow the call. */
export class FirewallDenied extends Error {
  override name = 'FirewallDenied';
  constructor(readonly decision: Decision) {
    super(`blocked by AgentWall: ${decision.reasons.join('; ')}`);
  }
}

/** How to describe a wrapped call: a fixed partial action, or a function of the call's arguments. */
export type Describe<A extends unknown[]> = Partial<Action> | ((...args: A) => Action);

const RANK = { allow: 0, ask: 1, deny: 2 } as const;

export class Firewall {
  private compiled: CompiledPolicy;
  private readonly listeners: DecisionListener[] = [];
  private readonly scanState: ScanState = createScanState();
  private scanner?: { section: unknown; scanner: Scanner };
  private readonly policyListeners: Array<(next: CompiledPolicy, previous: CompiledPolicy) => void> = [];

  constructor(
    policy: CompiledPolicy,
    private readonly analyzers: AnalyzerSet,
    private readonly opts: Omit<FirewallOptions, 'policy'>,
  ) {
    this.compiled = policy;
  }

  /** The active compiled policy. */
  get policy(): CompiledPolicy {
    return this.compiled;
  }

  /** Decides an action synchronously. Never throws; errors become deny. */
  guard(action: Action): Decision {
    const facts = new LazyFacts(action, this.analyzers);
    const limits = this.opts.limits ?? DEFAULT_ACTION_LIMITS;
    // Checked once here: decide() then trusts the shape, and only a valid action
    // reaches the session layer (view before, record after).
    let valid = false;
    let decision: Decision;
    const policy = this.compiled;
    const now = this.now();
    try {
      valid = checkAction(action, limits).length === 0;
      const session = valid ? this.opts.session?.view(action) : undefined;
      decision = decide(policy, action, { facts, session, now, limits, trusted: valid });
    } catch (e) {
      decision = this.failure(`internal error: ${(e as Error).message}`);
    }
    decision = this.notify(action, decision, facts);
    if (this.opts.session && valid) {
      try {
        const past = memoizePast(policy, { action, facts, session: undefined, now });
        this.opts.session.record(action, decision, facts, past);
      } catch {
        /* session recording must never turn a decision looser; it is best effort after the decision */
      }
    }
    return decision;
  }

  /**
   * Decides and, for `ask`, waits for the approver. Resolves to allow or deny;
   * without an approver an `ask` is denied (fail closed).
   */
  async authorize(action: Action): Promise<Decision> {
    const d = this.guard(action);
    if (d.effect !== 'ask') return d;
    if (!this.opts.approver) {
      return { ...d, effect: 'deny', reasons: [...d.reasons, 'approval required, but no approver is configured'] };
    }
    try {
      const answer = await this.opts.approver.request(action, d);
      return { ...d, effect: answer.effect, reasons: [...d.reasons, answer.reason] };
    } catch (e) {
      return { ...d, effect: 'deny', reasons: [...d.reasons, `approval failed: ${(e as Error).message}`] };
    }
  }

  /**
   * Guards a function: the firewall decides before each call, and the function
   * only runs on allow (or an approved ask). Otherwise the call rejects with
   * FirewallDenied, whose message carries the reasons for the model.
   */
  wrap<A extends unknown[], R>(fn: (...args: A) => R | Promise<R>, describe: Describe<A>): (...args: A) => Promise<R> {
    return async (...args: A): Promise<R> => {
      let action: Action;
      try {
        action =
          typeof describe === 'function'
            ? describe(...args)
            : { kind: 'tool', ...describe, args: describe.args ?? (isRecord(args[0]) ? args[0] : { args }) };
      } catch (e) {
        throw new FirewallDenied(this.failure(`could not describe the call: ${(e as Error).message}`));
      }
      const d = await this.authorize(action);
      if (d.effect !== 'allow') throw new FirewallDenied(d);
      return fn(...args);
    };
  }

  /** Which rules matched and why the others did not. */
  explain(action: Action): Explanation {
    const facts = new LazyFacts(action, this.analyzers);
    return explain(this.compiled, action, { facts, session: this.opts.session?.view(action), now: this.now(), limits: this.opts.limits });
  }

  /** Loads and compiles a new policy, then swaps it in atomically. A bad policy throws PolicyError and the old one stays. */
  reload(policy: PolicyInput): CompiledPolicy {
    const next = loadPolicy(policy, { maxBytes: this.opts.maxPolicyBytes });
    const previous = this.compiled;
    this.compiled = next;
    for (const l of this.policyListeners) {
      try {
        l(next, previous);
      } catch {
        /* a policy listener (audit) reports its own failures; the swap already happened */
      }
    }
    return next;
  }

  /** Called after each successful reload (audit log of policy changes); returns a function that removes it. */
  onPolicyChange(listener: (next: CompiledPolicy, previous: CompiledPolicy) => void): () => void {
    this.policyListeners.push(listener);
    return () => {
      const i = this.policyListeners.indexOf(listener);
      if (i !== -1) this.policyListeners.splice(i, 1);
    };
  }

  /**
   * Scans text at an enforcement point (user input, tool response, final
   * output) per the policy's `scan:` section. Never throws; failures block.
   */
  async scan(text: string, opts: ScanOptions): Promise<ScanResult> {
    return this.noteScan(text, await this.scannerFor().scan(text, opts), opts);
  }

  /** Synchronous scan (built-in or synchronous classifiers only). */
  scanSync(text: string, opts: ScanOptions): ScanResult {
    return this.noteScan(text, this.scannerFor().scanSync(text, opts), opts);
  }

  /** Mints a canary token to plant in a system prompt; a scan that finds it reports a leak. */
  canary(): string {
    return this.scanState.canary.mint();
  }

  private scannerFor(): Scanner {
    const section = this.compiled.sections.scan;
    if (!this.scanner || this.scanner.section !== section) {
      this.scanner = { section, scanner: new Scanner((section ?? {}) as ScanSection, { state: this.scanState, classifiers: this.opts.classifiers }) };
    }
    return this.scanner.scanner;
  }

  private noteScan(text: string, result: ScanResult, opts: ScanOptions): ScanResult {
    if (this.opts.session?.noteScan) {
      try {
        this.opts.session.noteScan(text, result, { session: opts?.session, source: opts?.source });
      } catch {
        /* best effort, like record() */
      }
    }
    return result;
  }

  /** Adds a decision listener; returns a function that removes it. */
  onDecision(listener: DecisionListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i !== -1) this.listeners.splice(i, 1);
    };
  }

  private notify(action: Action, decision: Decision, facts: LazyFacts): Decision {
    if (this.listeners.length === 0) return decision;
    let current = decision;
    for (const l of this.listeners) {
      try {
        // Facts are built only if a listener reads them (spreading an object with a getter would call it).
        const r = l(new DecisionEventImpl(action, current, facts));
        if (r && RANK[r.effect] > RANK[current.effect]) current = r;
      } catch (e) {
        current = { ...current, effect: 'deny', reasons: [...current.reasons, `decision listener failed: ${(e as Error).message}`] };
      }
    }
    return current;
  }

  private failure(reason: string): Decision {
    return { effect: 'deny', rules: [], reasons: [reason], errors: [reason], policyDigest: this.compiled.digest, evalNs: 0 };
  }

  private now(): number {
    return this.opts.now ? this.opts.now() : Date.now();
  }
}

/** A decision as listeners see it; `facts` is computed on first read. */
class DecisionEventImpl {
  private memo: Record<string, unknown> | undefined;
  constructor(
    readonly action: Action,
    readonly decision: Decision,
    private readonly lazy: LazyFacts,
  ) {}
  get facts(): Record<string, unknown> {
    return (this.memo ??= this.lazy.computed());
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Creates a firewall. Throws PolicyError (with file:line:column) when the policy does not load. */
export async function createFirewall(options: FirewallOptions): Promise<Firewall> {
  const { policy, analyzers = [], ...rest } = options;
  const compiled = loadPolicy(policy, { maxBytes: options.maxPolicyBytes });
  const set = new Map(await loadBuiltinAnalyzers());
  for (const a of analyzers) set.set(a.name, a);
  return new Firewall(compiled, set, rest);
}
