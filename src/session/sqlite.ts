// The persistent session store: SQLite (better-sqlite3) in its own file,
// `<data dir>/sessions.db`, separate from the audit/approval database so the
// two schemas evolve independently. Hook processes are short-lived: each one
// reads the session it needs, decides, and writes the change back.
//
// Concurrency: every update runs in BEGIN IMMEDIATE; if another process wrote
// the row since we read it (version differs), the latest row is loaded and the
// change is applied to it, so no process's events are lost. Reads check the
// row version (one indexed lookup) and reuse the cached state when unchanged.
// Bounds: the in-process cache is an LRU like the memory store; the table
// keeps at most maxSessions / maxAgents rows (least recently updated deleted).

import Database from 'better-sqlite3';
import { join } from 'node:path';
import { ensureDataDir } from '../store/datadir.ts';
import { AgentState, SessionState, type AgentJson, type SessionJson } from './state.ts';
import { Lru, resolveLimits, type SessionStore } from './store.ts';
import type { SessionLimits } from './types.ts';

export const SESSIONS_DB = 'sessions.db';
const SCHEMA_VERSION = 1;

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

type Table = 'sessions' | 'agents';

export class SqliteSessionStore implements SessionStore {
  readonly limits: SessionLimits;
  readonly file: string;
  private readonly db: Database.Database;
  private readonly cache: { sessions: Lru<SessionState>; agents: Lru<AgentState> };
  private readonly stmt: Record<Table, { version: Database.Statement; load: Database.Statement; save: Database.Statement; count: Database.Statement; trim: Database.Statement }>;
  private readonly listAgents: Database.Statement;
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
    this.cache = { sessions: new Lru(this.limits.maxSessions), agents: new Lru(this.limits.maxAgents) };
    const prep = (t: Table) => ({
      version: this.db.prepare(`SELECT version FROM ${t} WHERE id = ?`).pluck(),
      load: this.db.prepare(`SELECT version, state FROM ${t} WHERE id = ?`),
      save: this.db.prepare(`INSERT INTO ${t} (id, version, updated, state) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET version = excluded.version, updated = excluded.updated, state = excluded.state`),
      count: this.db.prepare(`SELECT count(*) FROM ${t}`).pluck(),
      trim: this.db.prepare(`DELETE FROM ${t} WHERE id IN (SELECT id FROM ${t} ORDER BY updated ASC, rowid ASC LIMIT ?)`),
    });
    this.stmt = { sessions: prep('sessions'), agents: prep('agents') };
    this.listAgents = this.db.prepare('SELECT id FROM agents ORDER BY updated DESC LIMIT ?').pluck();
  }

  private migrate(): void {
    const v = this.db.pragma('user_version', { simple: true }) as number;
    if (v > SCHEMA_VERSION) throw new Error(`schema version ${v} is newer than this AgentWall understands (${SCHEMA_VERSION})`);
    if (v < 1) {
      this.db.exec(`
        CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, version INTEGER NOT NULL, updated INTEGER NOT NULL, state TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS sessions_updated ON sessions(updated);
        CREATE TABLE IF NOT EXISTS agents (id TEXT PRIMARY KEY, version INTEGER NOT NULL, updated INTEGER NOT NULL, state TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS agents_updated ON agents(updated);
        PRAGMA user_version = ${SCHEMA_VERSION};
      `);
    }
  }

  private read<T extends SessionState | AgentState>(table: Table, id: string, parse: (j: string) => T): T | undefined {
    const lru = this.cache[table] as unknown as Lru<T>;
    const cached = lru.get(id);
    const version = this.stmt[table].version.get(id) as number | undefined;
    if (version === undefined) {
      if (cached) lru.delete(id);
      return undefined;
    }
    if (cached && cached.version === version) return cached;
    const row = this.stmt[table].load.get(id) as { version: number; state: string } | undefined;
    if (!row) return undefined;
    const state = parse(row.state);
    state.version = row.version;
    lru.set(id, state);
    return state;
  }

  private update<T extends SessionState | AgentState>(table: Table, id: string, fresh: () => T, parse: (j: string) => T, change: (s: T) => void): void {
    const tx = this.db.transaction(() => {
      const existing = this.read(table, id, parse);
      const s = existing ?? fresh();
      change(s);
      s.version++;
      this.stmt[table].save.run(id, s.version, Date.now(), JSON.stringify(s.toJSON()));
      (this.cache[table] as unknown as Lru<T>).set(id, s);
      // Only a new row can take the table over its bound: count (a scan) only then.
      if (!existing) {
        const max = table === 'sessions' ? this.limits.maxSessions : this.limits.maxAgents;
        const n = this.stmt[table].count.get() as number;
        if (n > max) {
          this.stmt[table].trim.run(n - max);
          this.trimmed[table] += n - max;
        }
      }
    });
    try {
      tx.immediate();
    } catch (e) {
      // The cached object may hold a half-applied change: drop it, the row is the truth.
      (this.cache[table] as unknown as Lru<T>).delete(id);
      throw new SessionStoreError(`session store write failed (${this.file}): ${(e as Error).message}`);
    }
  }

  getSession(id: string): SessionState | undefined {
    return this.read('sessions', id, (j) => SessionState.fromJSON(JSON.parse(j) as SessionJson, this.limits));
  }

  getAgent(id: string): AgentState | undefined {
    return this.read('agents', id, (j) => AgentState.fromJSON(JSON.parse(j) as AgentJson, this.limits));
  }

  updateSession(id: string, change: (s: SessionState) => void): void {
    this.update('sessions', id, () => new SessionState(id, this.limits), (j) => SessionState.fromJSON(JSON.parse(j) as SessionJson, this.limits), change);
  }

  updateAgent(id: string, change: (a: AgentState) => void): void {
    this.update('agents', id, () => new AgentState(id, this.limits), (j) => AgentState.fromJSON(JSON.parse(j) as AgentJson, this.limits), change);
  }

  agents(limit = 1000): string[] {
    return this.listAgents.all(limit) as string[];
  }

  stats() {
    return {
      sessions: this.stmt.sessions.count.get() as number,
      agents: this.stmt.agents.count.get() as number,
      evictedSessions: this.trimmed.sessions,
      evictedAgents: this.trimmed.agents,
    };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
