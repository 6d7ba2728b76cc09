// Where session and agent state lives. The interface is narrow: read the
// current state (never creating it), or update it through a function, which
// lets a persistent store apply the change to the latest state under a lock
// when several processes share it. MemorySessionStore keeps everything in
// LRU maps bounded by maxSessions / maxAgents (the least recently used is evicted).

import { AgentState, SessionState } from './state.ts';
import { DEFAULT_LIMITS, type SessionLimits } from './types.ts';

export interface SessionStore {
  readonly limits: SessionLimits;
  /** Current state of a session, or undefined when it has none yet. Throws when the store cannot be read (the decision then fails closed). */
  getSession(id: string): SessionState | undefined;
  getAgent(id: string): AgentState | undefined;
  /** Applies `change` to the latest state of the session (created if absent) and keeps the result. */
  updateSession(id: string, change: (s: SessionState) => void): void;
  updateAgent(id: string, change: (a: AgentState) => void): void;
  /** Known agent ids, most recently used first (at most `limit`). */
  agents(limit?: number): string[];
  stats(): { sessions: number; agents: number; evictedSessions: number; evictedAgents: number };
  close(): void;
}

/** A Map used as an LRU: get() moves the key to the newest end, set() evicts the oldest beyond `max`. */
export class Lru<V> {
  private readonly map = new Map<string, V>();
  evicted = 0;
  constructor(private readonly max: number) {}
  get size(): number {
    return this.map.size;
  }
  get(k: string): V | undefined {
    const v = this.map.get(k);
    if (v !== undefined) {
      this.map.delete(k);
      this.map.set(k, v);
    }
    return v;
  }
  set(k: string, v: V): void {
    this.map.delete(k);
    this.map.set(k, v);
    while (this.map.size > this.max) {
      const oldest = this.map.keys().next();
      if (oldest.done) break;
      this.map.delete(oldest.value);
      this.evicted++;
    }
  }
  delete(k: string): void {
    this.map.delete(k);
  }
  keysNewestFirst(limit: number): string[] {
    const all = [...this.map.keys()];
    return all.reverse().slice(0, limit);
  }
}

export function resolveLimits(partial: Partial<SessionLimits> = {}): SessionLimits {
  const l = { ...DEFAULT_LIMITS, ...partial };
  for (const [k, v] of Object.entries(l)) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`session limit ${k} must be a positive integer, got ${String(v)}`);
  }
  return l;
}

export class MemorySessionStore implements SessionStore {
  readonly limits: SessionLimits;
  private readonly sessions: Lru<SessionState>;
  private readonly agentMap: Lru<AgentState>;

  constructor(limits: Partial<SessionLimits> = {}) {
    this.limits = resolveLimits(limits);
    this.sessions = new Lru(this.limits.maxSessions);
    this.agentMap = new Lru(this.limits.maxAgents);
  }

  getSession(id: string): SessionState | undefined {
    return this.sessions.get(id);
  }

  getAgent(id: string): AgentState | undefined {
    return this.agentMap.get(id);
  }

  updateSession(id: string, change: (s: SessionState) => void): void {
    let s = this.sessions.get(id);
    if (!s) this.sessions.set(id, (s = new SessionState(id, this.limits)));
    change(s);
    s.version++;
  }

  updateAgent(id: string, change: (a: AgentState) => void): void {
    let a = this.agentMap.get(id);
    if (!a) this.agentMap.set(id, (a = new AgentState(id, this.limits)));
    change(a);
    a.version++;
  }

  agents(limit = 1000): string[] {
    return this.agentMap.keysNewestFirst(limit);
  }

  stats() {
    return { sessions: this.sessions.size, agents: this.agentMap.size, evictedSessions: this.sessions.evicted, evictedAgents: this.agentMap.evicted };
  }

  close(): void {}
}
