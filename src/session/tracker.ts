// SessionTracker: the Firewall's SessionProvider. view() builds the read-only
// snapshot a decision sees; record() appends the decided action to the
// session and agent histories and teaches the agent's profile (allowed actions
// only); ingest() / noteScan() record the values that entered the session from
// the user (trusted) or from tool responses (untrusted, and "injected" when a
// scanner found an injection in them).
//
// Fail closed: when writing the state fails, the session is marked failed and
// every later view of it throws (the firewall turns that into deny) until a
// write succeeds again; a state that missed an event never lets an action through silently.

import type { Action, Decision } from '../action.ts';
import type { SessionView } from '../policy/matcher.ts';
import type { AnalyzerSet } from '../analyze/facts.ts';
import type { FactSource } from '../policy/matcher.ts';
import { extractValues } from './extract.ts';
import { featuresOf, type Anomaly } from './profile.ts';
import { SessionSnapshot, SNAPSHOT_KEY, perMinute, type ProfileMode } from './snapshot.ts';
import { Interner } from './intern.ts';
import { CompactEntry, SHAPES } from './entry.ts';
import type { PastMemo } from '../policy/past.ts';
import { MemorySessionStore, type SessionStore } from './store.ts';
import { ORIGIN, type HistoryEntry, type ScanNote } from './types.ts';

export interface TrackerOptions {
  /** 'adaptive' (default): learn from allowed actions and score; 'learn': learn, never score; 'enforce': score a frozen profile. */
  profileMode?: ProfileMode;
  /** Analyzers used to recompute facts of past actions when the deciding firewall gives none (CLI tools). */
  analyzers?: AnalyzerSet;
  now?: () => number;
}

export interface IngestOptions {
  origin: 'user' | 'tool' | 'agent';
  /** The tool (or source: web page, file, agent) the text came from. */
  tool?: string;
  /** A scanner found a prompt injection in this text. */
  injected?: boolean;
  /** Finding types the scanner reported (counted per session). */
  findings?: readonly string[];
}

export interface IngestResult {
  values: number;
  truncated: boolean;
}

const MAX_FAILED = 10_000;

export class SessionTracker {
  private readonly failed = new Set<string>();
  private readonly mode: ProfileMode;
  private readonly intern = new Interner();
  /** Incremented on every noteScan, so a caller can tell whether firewall.scan reached the tracker. */
  scansNoted = 0;

  constructor(
    readonly store: SessionStore = new MemorySessionStore(),
    private readonly opts: TrackerOptions = {},
  ) {
    this.mode = opts.profileMode ?? 'adaptive';
  }

  private now(): number {
    return this.opts.now ? this.opts.now() : Date.now();
  }

  /** The tracker's clock (ms since epoch), for callers that must decide on the same timeline. */
  clock(): number {
    return this.now();
  }

  view(action: Action): SessionView {
    const sid = typeof action.session === 'string' && action.session !== '' ? action.session : undefined;
    if (sid !== undefined && this.failed.has(`s:${sid}`)) throw new Error(`session state of '${clip(sid)}' is incomplete (an earlier write failed)`);
    const aid = action.principal && typeof action.principal.id === 'string' ? action.principal.id : undefined;
    if (aid !== undefined && this.failed.has(`a:${aid}`)) throw new Error(`state of agent '${clip(aid)}' is incomplete (an earlier write failed)`);
    const session = sid !== undefined ? this.store.getSession(sid) : undefined;
    const agent = aid !== undefined ? this.store.getAgent(aid) : undefined;
    return { [SNAPSHOT_KEY]: new SessionSnapshot(action, session, agent, this.now(), this.mode, this.opts.analyzers) };
  }

  /**
   * Appends a decided action to its session and agent histories. `past` is
   * the memo of the policy's past conditions for this action (policy/past.ts);
   * the decision's facts are not kept (`_facts` is part of the provider interface).
   */
  record(action: Action, decision: Decision, _facts?: FactSource, past?: PastMemo): void {
    const t = this.now();
    const sid = action.session || undefined;
    const aid = action.principal?.id;
    const entry = this.entryOf(action, decision, past, t);
    let failure: unknown;
    if (sid !== undefined) {
      failure = this.guarded(`s:${sid}`, () =>
        this.store.updateSession(sid, (s) => {
          s.agent ??= aid;
          s.push(entry.withStep(s.steps + 1));
        }),
      );
    }
    if (aid !== undefined) {
      failure ??= this.guarded(`a:${aid}`, () =>
        this.store.updateAgent(aid, (a) => {
          a.push(entry.withStep(a.steps + 1));
          if (decision.effect !== 'allow') return;
          const f = featuresOf(action);
          if (this.mode !== 'enforce') a.profile.learn(f, a.lastTool, perMinute(a.history, t), t);
          a.lastTool = f.tool;
        }),
      );
    }
    if (failure !== undefined) throw failure;
  }

  /** Records the values of a text that entered the session. */
  ingest(sessionId: string, text: string, o: IngestOptions): IngestResult {
    const limits = this.store.limits;
    const truncated = text.length > limits.maxIngestBytes;
    const body = truncated ? text.slice(0, limits.maxIngestBytes) : text;
    const values = extractValues(body, { words: true, max: limits.maxValues });
    const mask = o.origin === 'user' ? ORIGIN.user : o.origin === 'agent' ? ORIGIN.agent : ORIGIN.tool | (o.injected ? ORIGIN.injected : 0);
    const failure = this.guarded(`s:${sessionId}`, () =>
      this.store.updateSession(sessionId, (s) => {
        for (const v of values) s.note(v.value, mask, o.origin === 'tool' ? o.tool : undefined, v.kind === 'word');
        if (o.origin === 'user') s.addUserText(body);
        if (o.origin === 'tool') {
          s.untrusted++;
          if (s.untrustedStep === 0) s.untrustedStep = s.steps + 1;
          if (o.injected && s.injectionStep === 0) s.injectionStep = s.steps + 1;
        }
        for (const f of o.findings ?? []) s.findings[f] = (s.findings[f] ?? 0) + 1;
        s.addScan({ step: s.steps + 1, t: this.now(), origin: o.origin, source: o.tool, findings: [...new Set(o.findings ?? [])].slice(0, 16), injected: o.injected === true });
      }),
    );
    if (failure !== undefined) throw failure;
    return { values: values.length, truncated };
  }

  /** Hook called by Firewall.scan: user input is trusted, tool responses are untrusted, injections taint. */
  noteScan(text: string, result: ScanNote, opts: { session?: string; source?: string }): void {
    this.scansNoted++;
    if (!opts.session) return;
    const findings = (result.findings ?? []).map((f) => f.type);
    const injected = findings.includes('injection') || (result.injection !== undefined && result.injection.score >= result.injection.threshold);
    const origin = result.point === 'input' ? 'user' : result.point === 'response' ? 'tool' : 'agent';
    this.ingest(opts.session, text, { origin, tool: opts.source, injected, findings });
  }

  /** Anomaly of an action for its agent, outside a decision (CLI, tests). */
  anomaly(action: Action, minSamples = 20): Anomaly {
    const v = this.view(action)[SNAPSHOT_KEY] as SessionSnapshot;
    return v.anomaly(minSamples);
  }

  /** Runs a write; on failure marks the session (s:ID) or agent (a:ID) so its next views fail closed, and returns the error. */
  private guarded(key: string, write: () => void): unknown {
    try {
      write();
      this.failed.delete(key);
      return undefined;
    } catch (e) {
      // Bounded: beyond MAX_FAILED the oldest marks go (their stores are failing anyway).
      if (this.failed.size >= MAX_FAILED) this.failed.delete(this.failed.values().next().value as string);
      this.failed.add(key);
      return e ?? new Error('session store write failed');
    }
  }

  private entryOf(action: Action, decision: Decision, past: PastMemo | undefined, t: number): CompactEntry {
    const i = this.intern;
    const args = action.args !== undefined ? boundArgs(action.args, this.store.limits.maxArgString, i) : undefined;
    const shape = SHAPES.get(i.str(action.kind), i.str(action.tool), i.str(action.principal?.id), decision.rules.slice(0, 16), past);
    return new CompactEntry(0, t, decision.effect, i.str(action.session), args, shape);
  }
}

/** A copy of the arguments with strings cut to `max` characters, depth and breadth bounded. */
export function boundArgs(args: Record<string, unknown>, max: number, intern?: Interner): Record<string, unknown> {
  const cut = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return v.length > max ? v.slice(0, max) : intern ? intern.str(v) : v;
    if (v === null || typeof v !== 'object') return v;
    if (depth >= 4) return '[nested]';
    if (Array.isArray(v)) return v.slice(0, 32).map((x) => cut(x, depth + 1));
    const out: Record<string, unknown> = {};
    let n = 0;
    for (const k of Object.keys(v)) {
      if (n++ >= 32) break;
      out[intern ? intern.str(k) : k] = cut((v as Record<string, unknown>)[k], depth + 1);
    }
    return out;
  };
  return cut(args, 0) as Record<string, unknown>;
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}
