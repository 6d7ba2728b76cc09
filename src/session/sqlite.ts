// The persistent session store: SQLite (better-sqlite3) in its own file,
// `<data dir>/sessions.db`, separate from the audit/approval database so the
// two schemas evolve independently. Hook processes are short-lived: each one
// reads the session it needs, decides, and writes the change back.
//
// Layout: per session a small "core" JSON (counters, flags, user text), the
// tracked values as one JSON column (loaded with one parse, rewritten only
// when a text was ingested), and one row per history entry; per agent a core
// (profile) and history rows. A decision therefore writes two small rows and
// a core, never the whole session.
//
// Concurrency: every update runs in BEGIN IMMEDIATE; if another process wrote
// since we read (version differs), the latest state is loaded and the change
// is applied to it, so no process's events are lost. Reads check the row
// version (one indexed lookup) and reuse the cached state when unchanged.
// Bounds: the in-process cache is an LRU like the memory store; the tables
// keep at most maxSessions / maxAgents (least recently updated deleted with
// their rows), maxHistory entries and maxValues values per session.

import Database from 'better-sqlite3';
import { join } from 'node:path';
import { ensureDataDir } from '../store/datadir.ts';
import { History } from './history.ts';
import { AgentState, SessionState, storedEntry, type AgentJson, type SessionJson } from './state.ts';
import { Lru, resolveLimits, type SessionStore } from './store.ts';
import type { HistoryEntry, SessionLimits } from './types.ts';

export const SESSIONS_DB = 'sessions.db';
const SCHEMA_VERSION = 3;

export interface SqliteSessionOptions {
  /** Data directory (default: $AGENTWALL_HOME or ./.agentwall); ignored when `file` is given. */
  dataDir?: string;
  file?: string;
  limits?: Partial<SessionLimits>;
  busyTimeoutMs?: number;
}

export class SessionStoreError extends Error {
  override name = 'SessionStoreError';
}

type Stmt = Database.Statement;

export class SqliteSessionStore implements SessionStore {
  readonly limits: SessionLimits;
  readonly file: string;
  private readonly db: Database.Database;
  private readonly sessions: Lru<SessionState>;
  private readonly agentCache: Lru<AgentState>;
  private readonly q: Record<string, Stmt>;
  private trimmed = { sessions: 0, agents: 0 };

  constructor(opts: SqliteSessionOptions = {}) {
    this.limits = resolveLimits(opts.limits);
    this.file = opts.file ?? join(ensureDataDir(opts.dataDir), SESSIONS_DB);
    try {
      this.db = new Database(this.file, { timeout: opts.busyTimeoutMs ?? 10_000 });
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.migrate();
    } catch (e) {
      throw new SessionStoreError(`cannot open the session store ${this.file}: ${(e as Error).message}`);
    }
    this.sessions = new Lru(this.limits.maxSessions);
    this.agentCache = new Lru(this.limits.maxAgents);
    const p = (sql: string) => this.db.prepare(sql);
    this.q = {
      sVersion: p('SELECT version FROM sessions WHERE id = ?').pluck(),
      sLoad: p('SELECT version, core, vals FROM sessions WHERE id = ?'),
      sSave: p("INSERT INTO sessions (id, version, updated, core, vals) VALUES (?, ?, ?, ?, '[[],[]]') ON CONFLICT(id) DO UPDATE SET version = excluded.version, updated = excluded.updated, core = excluded.core"),
      sSaveVals: p('UPDATE sessions SET vals = ? WHERE id = ?'),
      sCount: p('SELECT count(*) FROM sessions').pluck(),
      sTrim: p('DELETE FROM sessions WHERE id IN (SELECT id FROM sessions ORDER BY updated ASC, rowid ASC LIMIT ?)'),
      seLoad: p('SELECT entry FROM session_events WHERE session = ? ORDER BY step DESC LIMIT ?').pluck(),
      seAdd: p('INSERT OR REPLACE INTO session_events (session, step, entry) VALUES (?, ?, ?)'),
      seTrim: p('DELETE FROM session_events WHERE session = ? AND step <= ?'),
      seOrphans: p('DELETE FROM session_events WHERE session NOT IN (SELECT id FROM sessions)'),
      aVersion: p('SELECT version FROM agents WHERE id = ?').pluck(),
      aLoad: p('SELECT version, core FROM agents WHERE id = ?'),
      aSave: p('INSERT INTO agents (id, version, updated, core) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET version = excluded.version, updated = excluded.updated, core = excluded.core'),
      aCount: p('SELECT count(*) FROM agents').pluck(),
      aTrim: p('DELETE FROM agents WHERE id IN (SELECT id FROM agents ORDER BY updated ASC, rowid ASC LIMIT ?)'),
      aeLoad: p('SELECT entry FROM agent_events WHERE agent = ? ORDER BY step DESC LIMIT ?').pluck(),
      aeAdd: p('INSERT OR REPLACE INTO agent_events (agent, step, entry) VALUES (?, ?, ?)'),
      aeTrim: p('DELETE FROM agent_events WHERE agent = ? AND step <= ?'),
      aeOrphans: p('DELETE FROM agent_events WHERE agent NOT IN (SELECT id FROM agents)'),
      aList: p('SELECT id FROM agents ORDER BY updated DESC LIMIT ?').pluck(),
    };
  }

  private migrate(): void {
    if ((this.db.pragma('user_version', { simple: true }) as number) === SCHEMA_VERSION) return;
    // Decide under the write lock: several processes may open a new file at once,
    // and only the first may create (or replace) the schema.
    this.db.transaction(() => {
      const v = this.db.pragma('user_version', { simple: true }) as number;
      if (v > SCHEMA_VERSION) throw new Error(`schema version ${v} is newer than this AgentWall understands (${SCHEMA_VERSION})`);
      if (v === SCHEMA_VERSION) return;
      this.db.exec(`
        -- Earlier layouts (development versions) are not carried over: session state is short-lived.
        DROP TABLE IF EXISTS sessions;
        DROP TABLE IF EXISTS agents;
        DROP TABLE IF EXISTS session_events;
        DROP TABLE IF EXISTS session_values;
        DROP TABLE IF EXISTS agent_events;
        CREATE TABLE sessions (id TEXT PRIMARY KEY, version INTEGER NOT NULL, updated INTEGER NOT NULL, core TEXT NOT NULL, vals TEXT NOT NULL);
        CREATE INDEX sessions_updated ON sessions(updated);
        CREATE TABLE session_events (session TEXT NOT NULL, step INTEGER NOT NULL, entry TEXT NOT NULL, PRIMARY KEY (session, step)) WITHOUT ROWID;
        CREATE TABLE agents (id TEXT PRIMARY KEY, version INTEGER NOT NULL, updated INTEGER NOT NULL, core TEXT NOT NULL);
        CREATE INDEX agents_updated ON agents(updated);
        CREATE TABLE agent_events (agent TEXT NOT NULL, step INTEGER NOT NULL, entry TEXT NOT NULL, PRIMARY KEY (agent, step)) WITHOUT ROWID;
        PRAGMA user_version = ${SCHEMA_VERSION};
      `);
    }).immediate();
  }

  // ---- sessions ----------------------------------------------------------

  getSession(id: string): SessionState | undefined {
    const cached = this.sessions.get(id);
    const version = this.q.sVersion!.get(id) as number | undefined;
    if (version === undefined) {
      if (cached) this.sessions.delete(id);
      return undefined;
    }
    if (cached && cached.version === version) return cached;
    return this.loadSession(id);
  }

  private loadSession(id: string): SessionState | undefined {
    const row = this.q.sLoad!.get(id) as { version: number; core: string; vals: string } | undefined;
    if (!row) return undefined;
    const [values, words] = JSON.parse(row.vals) as [SessionJson['values'], SessionJson['values']];
    const s = SessionState.fromJSON({ ...(JSON.parse(row.core) as SessionJson), values, words }, this.limits);
    const entries = (this.q.seLoad!.all(id, this.limits.maxHistory) as string[]).reverse().map((e) => storedEntry(JSON.parse(e) as HistoryEntry));
    s.history = History.from(this.limits.maxHistory, entries);
    s.version = row.version;
    this.sessions.set(id, s);
    return s;
  }

  updateSession(id: string, change: (s: SessionState) => void): void {
    this.write('sessions', id, () => {
      const existing = this.getSession(id);
      const s = existing ?? new SessionState(id, this.limits);
      s.takeChanges();
      change(s);
      const c = s.takeChanges();
      s.changes = undefined;
      s.version++;
      const now = Date.now();
      this.q.sSave!.run(id, s.version, now, JSON.stringify(s.toJSON(true)));
      for (const e of c?.events ?? []) this.q.seAdd!.run(id, e.step, JSON.stringify(e));
      if (c && c.events.length > 0 && s.steps > this.limits.maxHistory) this.q.seTrim!.run(id, s.steps - this.limits.maxHistory);
      if (c && (c.values.size > 0 || c.words.size > 0)) {
        const j = s.toJSON();
        this.q.sSaveVals!.run(JSON.stringify([j.values, j.words]), id);
      }
      this.sessions.set(id, s);
      if (!existing) this.trim('sessions');
    });
  }

  // ---- agents ------------------------------------------------------------

  getAgent(id: string): AgentState | undefined {
    const cached = this.agentCache.get(id);
    const version = this.q.aVersion!.get(id) as number | undefined;
    if (version === undefined) {
      if (cached) this.agentCache.delete(id);
      return undefined;
    }
    if (cached && cached.version === version) return cached;
    const row = this.q.aLoad!.get(id) as { version: number; core: string } | undefined;
    if (!row) return undefined;
    const a = AgentState.fromJSON(JSON.parse(row.core) as AgentJson, this.limits);
    const entries = (this.q.aeLoad!.all(id, this.limits.maxAgentHistory) as string[]).reverse().map((e) => storedEntry(JSON.parse(e) as HistoryEntry));
    a.history = History.from(this.limits.maxAgentHistory, entries);
    a.version = row.version;
    this.agentCache.set(id, a);
    return a;
  }

  updateAgent(id: string, change: (a: AgentState) => void): void {
    this.write('agents', id, () => {
      const existing = this.getAgent(id);
      const a = existing ?? new AgentState(id, this.limits);
      a.takeEvents();
      change(a);
      const events = a.takeEvents() ?? [];
      a.events = undefined;
      a.version++;
      this.q.aSave!.run(id, a.version, Date.now(), JSON.stringify(a.toJSON(true)));
      for (const e of events) this.q.aeAdd!.run(id, e.step, JSON.stringify(e));
      if (events.length > 0 && a.steps > this.limits.maxAgentHistory) this.q.aeTrim!.run(id, a.steps - this.limits.maxAgentHistory);
      this.agentCache.set(id, a);
      if (!existing) this.trim('agents');
    });
  }

  // ---- shared ------------------------------------------------------------

  /** Runs one update in BEGIN IMMEDIATE; on failure the cached object (possibly half-changed) is dropped. */
  private write(table: 'sessions' | 'agents', id: string, body: () => void): void {
    try {
      this.db.transaction(body).immediate();
    } catch (e) {
      (table === 'sessions' ? this.sessions : this.agentCache).delete(id);
      throw new SessionStoreError(`session store write failed (${this.file}): ${(e as Error).message}`);
    }
  }

  /** Only a new row can take a table over its bound: count (a scan) only then. */
  private trim(table: 'sessions' | 'agents'): void {
    const max = table === 'sessions' ? this.limits.maxSessions : this.limits.maxAgents;
    const n = (table === 'sessions' ? this.q.sCount : this.q.aCount)!.get() as number;
    if (n <= max) return;
    if (table === 'sessions') {
      this.q.sTrim!.run(n - max);
      this.q.seOrphans!.run();
    } else {
      this.q.aTrim!.run(n - max);
      this.q.aeOrphans!.run();
    }
    this.trimmed[table] += n - max;
  }

  agents(limit = 1000): string[] {
    return this.q.aList!.all(limit) as string[];
  }

  stats() {
    return {
      sessions: this.q.sCount!.get() as number,
      agents: this.q.aCount!.get() as number,
      evictedSessions: this.trimmed.sessions,
      evictedAgents: this.trimmed.agents,
    };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
