// Shared types of the session layer: the bounds every store respects, the
// compact record of one past action, and the interface of a session store
// (in memory, or persisted for short-lived hook processes). Decisions only
// ever read a snapshot of this state; it changes after a decision, in record().

import type { Effect } from '../action.ts';
import type { PastMemo } from '../policy/past.ts';

/** Where a value entered the session. Bit flags, so a value seen in several places keeps all of them. */
export const ORIGIN = {
  /** The user's own input (trusted). */
  user: 1,
  /** A tool response, web page, file or other agent (untrusted). */
  tool: 2,
  /** Untrusted content in which a scanner found a prompt injection. */
  injected: 4,
  /** The agent's own output. */
  agent: 8,
} as const;
export type OriginName = keyof typeof ORIGIN;

/** Bounds of the session layer; everything beyond is evicted (oldest first) or truncated, never a crash. */
export interface SessionLimits {
  /** Sessions kept (least recently used evicted). */
  maxSessions: number;
  /** Agents (principals) kept, each with its own history and profile. */
  maxAgents: number;
  /** Past actions kept per session. */
  maxHistory: number;
  /** Past actions kept per agent (rates and budgets across sessions). */
  maxAgentHistory: number;
  /** Tracked identifiers per session, and as many words (two tables, so words never evict identifiers). */
  maxValues: number;
  /** Longest value tracked; longer identifiers are cut (and marked) before hashing into the table. */
  maxValueLength: number;
  /** Text ingested per call; the rest is ignored and reported as truncated. */
  maxIngestBytes: number;
  /** Largest string kept per argument in the history (the rest is cut). */
  maxArgString: number;
  /** Tools a value remembers as its sources. */
  maxSourcesPerValue: number;
}

export const DEFAULT_LIMITS: SessionLimits = {
  // Worst case (every session full) is about maxSessions x 0.75 MB in memory
  // (measured by bench/session.bench.ts); typical sessions are far smaller.
  maxSessions: 1_000,
  maxAgents: 1_000,
  maxHistory: 256,
  maxAgentHistory: 1_024,
  maxValues: 2_048,
  maxValueLength: 256,
  maxIngestBytes: 256 * 1024,
  maxArgString: 256,
  maxSourcesPerValue: 4,
};

/** One past action as the session remembers it: bounded, JSON-serializable. */
export interface HistoryEntry {
  /** 1-based position in its session (or agent) history. */
  step: number;
  /** Decision time, ms since epoch. */
  t: number;
  kind: string;
  tool?: string;
  /** Arguments with long strings cut to maxArgString. */
  args?: Record<string, unknown>;
  principal?: string;
  session?: string;
  effect: Effect;
  /** Rules that decided. */
  rules?: readonly string[];
  /** Which of the policy's past-action conditions held for this action, evaluated when it was recorded (policy/past.ts). */
  past?: PastMemo;
  /** Facts stored by earlier versions (read, never written): used for conditions the memo does not cover. */
  facts?: Record<string, unknown>;
}

/** What the session knows about one value. */
export interface ValueOrigin {
  /** ORIGIN bits. */
  mask: number;
  /** Tools whose responses contained it (at most maxSourcesPerValue). */
  tools: string[];
  /** Step at which it was first seen. */
  step: number;
  /** Order of last sighting within its session (eviction order; persisted). */
  seq?: number;
}

/** Counters of scan findings seen in a session, by finding type. */
export type FindingCounts = Record<string, number>;

/** Result of one scan as the session needs it (a structural subset of the scanners' ScanResult). */
export interface ScanNote {
  point: 'input' | 'response' | 'output';
  findings?: ReadonlyArray<{ type: string; rule?: string; score?: number }>;
  injection?: { score: number; threshold: number };
  verdict?: string;
}
