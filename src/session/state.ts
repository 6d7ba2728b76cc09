// The state of one session and of one agent, with their bounds: histories in
// rings, tracked values in an insertion-ordered map whose oldest entries are
// evicted, user text kept only up to a few kilobytes. Both serialize to plain
// JSON so the persistent store can keep them between short-lived processes;
// with change tracking on, they also list what changed (new history entries,
// touched values), so the store writes only that.

import { History } from './history.ts';
import { ORIGIN, type FindingCounts, type HistoryEntry, type SessionLimits, type ValueOrigin } from './types.ts';
import { Profile, type ProfileJson } from './profile.ts';
import { pastMemoOf } from '../policy/past.ts';

/** A history entry read back from storage: a malformed past memo is dropped (its conditions are then evaluated again). */
export function storedEntry(e: HistoryEntry): HistoryEntry {
  if (e.past !== undefined) {
    const m = pastMemoOf(e.past);
    if (m) e.past = m;
    else delete e.past;
  }
  return e;
}

/** The shared empty table of a session that has not noted any value yet (never written to: note() replaces it). */
const NO_VALUES: Map<string, ValueOrigin> = new Map();

/** User text kept for substring provenance of multi-word values ("Dalton Street 123"). */
const MAX_USER_TEXT = 16 * 1024;
/** Scan records kept per session. */
const MAX_SCANS = 64;

export interface ScanRecord {
  /** The session step the scan happened before. */
  step: number;
  t: number;
  origin: 'user' | 'tool' | 'agent';
  source?: string;
  /** Finding types (deduplicated). */
  findings: string[];
  injected: boolean;
}

export class SessionState {
  history: History;
  /** Number of actions recorded so far (history keeps only the newest maxHistory). */
  steps = 0;
  /** Identifiers (IBANs, addresses, URLs, hosts, paths, ids): kept apart from words, so a page full of words cannot evict them. */
  values: Map<string, ValueOrigin> = NO_VALUES;
  /** Words (names, channel names): for short arguments such as a user name. */
  words: Map<string, ValueOrigin> = NO_VALUES;
  userText = '';
  /** Untrusted texts ingested (tool responses, pages, files, other agents). */
  untrusted = 0;
  /** Step after which the first injection finding was recorded (0: none). */
  injectionStep = 0;
  /** Step after which the first untrusted content was recorded (0: none). */
  untrustedStep = 0;
  findings: FindingCounts = {};
  /** The newest scans of this session's texts (what was found where), bounded. */
  scans: ScanRecord[] = [];
  denied = 0;
  /** OR of the origin bits of every value ever noted: lets a rule skip lookups for an origin the session never saw. */
  originsSeen = 0;
  /** Values dropped because the table was full (reported, so eviction is never silent). */
  evicted = 0;
  /** Incremented on every change; the persistent store uses it to detect concurrent writers. */
  version = 0;
  agent: string | undefined;
  /** Counter giving each sighting of a value its eviction order. */
  seq = 0;
  /** What changed since the last takeChanges(), when a persistent store asked to know. */
  changes: SessionChanges | undefined;

  constructor(
    readonly id: string,
    readonly limits: SessionLimits,
  ) {
    this.history = new History(limits.maxHistory);
  }

  /** Records that `value` entered the session with the given origin bits. */
  note(value: string, mask: number, tool: string | undefined, word = false): void {
    const v = value.length > this.limits.maxValueLength ? value.slice(0, this.limits.maxValueLength) : value;
    this.originsSeen |= mask;
    // Tables are created on first use: most gateway sessions never ingest text, and an empty Map still costs about 150 bytes.
    if (word && this.words === NO_VALUES) this.words = new Map();
    if (!word && this.values === NO_VALUES) this.values = new Map();
    const table = word ? this.words : this.values;
    const cur = table.get(v);
    if (this.changes) (word ? this.changes.words : this.changes.values).add(v);
    if (cur) {
      cur.mask |= mask;
      if (tool && !cur.tools.includes(tool) && cur.tools.length < this.limits.maxSourcesPerValue) cur.tools.push(tool);
      // Seen again: now the newest, last to be evicted.
      cur.seq = ++this.seq;
      table.delete(v);
      table.set(v, cur);
      return;
    }
    if (table.size >= this.limits.maxValues) {
      const oldest = table.keys().next();
      if (!oldest.done) table.delete(oldest.value);
      this.evicted++;
      if (this.changes) this.changes.evicted = true;
    }
    table.set(v, { mask, tools: tool ? [tool] : [], step: this.steps, seq: ++this.seq });
  }

  lookup(value: string): ValueOrigin | undefined {
    const v = value.length > this.limits.maxValueLength ? value.slice(0, this.limits.maxValueLength) : value;
    return this.values.get(v) ?? this.words.get(v);
  }

  addScan(r: ScanRecord): void {
    this.scans.push(r);
    if (this.scans.length > MAX_SCANS) this.scans.splice(0, this.scans.length - MAX_SCANS);
  }

  addUserText(text: string): void {
    this.originsSeen |= ORIGIN.user;
    const t = text.toLowerCase().replace(/\s+/g, ' ');
    this.userText = (this.userText ? `${this.userText}\n${t}` : t).slice(-MAX_USER_TEXT);
  }

  push(e: HistoryEntry): void {
    this.steps++;
    this.history.push(e);
    if (e.effect === 'deny') this.denied++;
    this.changes?.events.push(e);
  }

  /** Starts (or restarts) change tracking and returns what changed before. */
  takeChanges(): SessionChanges | undefined {
    const c = this.changes;
    this.changes = { values: new Set(), words: new Set(), events: [], evicted: false };
    return c;
  }

  /** Approximate bytes held (strings as UTF-16), for bounds reporting. */
  approxBytes(): number {
    let b = 200 + this.userText.length * 2;
    for (const table of [this.values, this.words]) for (const [k, v] of table) b += 64 + k.length * 2 + v.tools.reduce((s, t) => s + 16 + t.length * 2, 0);
    for (const e of this.history.toArray()) b += 120 + JSON.stringify(e.args ?? {}).length * 2 + JSON.stringify(e.facts ?? {}).length * 2;
    return b;
  }

  /** Everything; with `core`, without the history and value tables (the persistent store keeps those in rows). */
  toJSON(core = false): SessionJson {
    return {
      v: 1,
      id: this.id,
      agent: this.agent,
      steps: this.steps,
      seq: this.seq,
      history: core ? [] : this.history.toArray(),
      values: core ? [] : [...this.values].map(([k, o]) => [k, o.mask, o.tools, o.step]),
      words: core ? [] : [...this.words].map(([k, o]) => [k, o.mask, o.tools, o.step]),
      userText: this.userText,
      untrusted: this.untrusted,
      untrustedStep: this.untrustedStep,
      injectionStep: this.injectionStep,
      findings: this.findings,
      scans: this.scans,
      denied: this.denied,
      evicted: this.evicted,
    };
  }

  static fromJSON(j: SessionJson, limits: SessionLimits): SessionState {
    if (j.v !== 1) throw new Error(`unsupported session state version ${String(j.v)}`);
    const s = new SessionState(j.id, limits);
    s.agent = j.agent;
    s.steps = j.steps;
    s.seq = j.seq ?? 0;
    s.history = History.from(limits.maxHistory, j.history.map(storedEntry));
    s.values = new Map();
    s.words = new Map();
    for (const [k, mask, tools, step] of j.values.slice(-limits.maxValues)) {
      s.values.set(k, { mask, tools, step });
      s.originsSeen |= mask;
    }
    for (const [k, mask, tools, step] of (j.words ?? []).slice(-limits.maxValues)) {
      s.words.set(k, { mask, tools, step });
      s.originsSeen |= mask;
    }
    s.userText = j.userText.slice(-MAX_USER_TEXT);
    s.untrusted = j.untrusted;
    s.untrustedStep = j.untrustedStep;
    s.injectionStep = j.injectionStep;
    s.findings = j.findings;
    s.scans = (j.scans ?? []).slice(-MAX_SCANS);
    s.denied = j.denied;
    s.evicted = j.evicted;
    return s;
  }
}

export interface SessionJson {
  v: number;
  id: string;
  agent?: string;
  steps: number;
  seq?: number;
  history: HistoryEntry[];
  values: Array<[string, number, string[], number]>;
  words?: Array<[string, number, string[], number]>;
  userText: string;
  untrusted: number;
  untrustedStep: number;
  injectionStep: number;
  findings: FindingCounts;
  scans?: ScanRecord[];
  denied: number;
  evicted: number;
}

export interface SessionChanges {
  values: Set<string>;
  words: Set<string>;
  events: HistoryEntry[];
  /** A value was evicted: the persistent table must be trimmed too. */
  evicted: boolean;
}

export class AgentState {
  history: History;
  steps = 0;
  profile = new Profile();
  lastTool: string | undefined;
  version = 0;
  /** New history entries since the last takeEvents(), when a persistent store asked to know. */
  events: HistoryEntry[] | undefined;

  constructor(
    readonly id: string,
    readonly limits: SessionLimits,
  ) {
    this.history = new History(limits.maxAgentHistory);
  }

  push(e: HistoryEntry): void {
    this.steps++;
    this.history.push(e);
    this.events?.push(e);
  }

  takeEvents(): HistoryEntry[] | undefined {
    const e = this.events;
    this.events = [];
    return e;
  }

  toJSON(core = false): AgentJson {
    return { v: 1, id: this.id, steps: this.steps, history: core ? [] : this.history.toArray(), profile: this.profile.toJSON(), lastTool: this.lastTool };
  }

  static fromJSON(j: AgentJson, limits: SessionLimits): AgentState {
    if (j.v !== 1) throw new Error(`unsupported agent state version ${String(j.v)}`);
    const a = new AgentState(j.id, limits);
    a.steps = j.steps;
    a.history = History.from(limits.maxAgentHistory, j.history.map(storedEntry));
    a.profile = Profile.fromJSON(j.profile);
    a.lastTool = j.lastTool;
    return a;
  }
}

export interface AgentJson {
  v: number;
  id: string;
  steps: number;
  history: HistoryEntry[];
  profile: ProfileJson;
  lastTool?: string;
}

export const UNTRUSTED_MASK = ORIGIN.tool | ORIGIN.injected;
