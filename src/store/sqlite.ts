// Opens the embedded SQLite store: WAL (readers never block the writer, and a
// committed transaction survives kill -9 of the process), a busy timeout so
// several processes can share the file, and schema migrations. Any failure
// becomes a StoreError naming the file and what to do.

import Database from 'better-sqlite3';
import { chmodSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DB_FILE, ensureDataDir } from './datadir.ts';
import { StoreError } from './errors.ts';
import { MIGRATIONS } from './migrations.ts';

export type Db = Database.Database;

export interface StoreOptions {
  /** Data directory (see resolveDataDir); ignored when `file` is given. */
  dataDir?: string;
  /** Explicit database file. */
  file?: string;
  /** 'normal' survives a process crash; 'full' also survives power loss (slower). */
  synchronous?: 'normal' | 'full';
  /** How long a writer waits for another process's write lock, in ms. */
  busyTimeoutMs?: number;
  readonly?: boolean;
  /** Refuse to create a new database (commands that only read or answer). */
  mustExist?: boolean;
}

export interface Store {
  readonly db: Db;
  readonly file: string;
  readonly dataDir: string;
  close(): void;
}

export function openStore(opts: StoreOptions = {}): Store {
  const dataDir = opts.file ? dirname(opts.file) : ensureDataDir(opts.dataDir);
  const file = opts.file ?? join(dataDir, DB_FILE);
  if ((opts.readonly || opts.mustExist) && !existsSync(file)) {
    throw new StoreError(`no AgentWall database at ${file} (use --data-dir or $AGENTWALL_HOME to point at the data directory)`, file, 'ENOENT');
  }
  const fresh = !opts.readonly && !existsSync(file);
  let db: Db;
  try {
    db = new Database(file, { readonly: opts.readonly ?? false, timeout: opts.busyTimeoutMs ?? 10_000 });
  } catch (e) {
    throw wrap(e, file, 'cannot open');
  }
  try {
    if (!opts.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${opts.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
      // Resident memory per connection. A gateway's group commits (every 20 ms) touch far less;
      // a 2,000-record commit may spill some pages to the WAL before it commits, which is safe.
      db.pragma('cache_size = -2048');
    }
    db.pragma('foreign_keys = ON');
    // Reading the schema touches the header and the schema pages: a file that is
    // not a database, or whose first pages are damaged, fails here, at open.
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    migrate(db, file, opts.readonly ?? false);
    // Owner-only: it holds what agents did (redacted) and pending approvals. SQLite gives its -wal and -shm files the same mode.
    if (fresh && process.platform !== 'win32') chmodSync(file, 0o600);
  } catch (e) {
    db.close();
    throw e instanceof StoreError ? e : wrap(e, file, 'cannot read');
  }
  return { db, file, dataDir, close: () => db.open && db.close() };
}

function migrate(db: Db, file: string, readonly: boolean): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new StoreError(`${file} has schema version ${version}, newer than this AgentWall (${MIGRATIONS.length}); upgrade AgentWall`, file, 'SCHEMA');
  }
  if (version === MIGRATIONS.length) return;
  if (readonly) throw new StoreError(`${file} needs a schema migration; open it once without read-only mode`, file, 'SCHEMA');
  // IMMEDIATE, then re-read: two processes opening a fresh file migrate once.
  db.transaction(() => {
    const v = db.pragma('user_version', { simple: true }) as number;
    for (let i = v; i < MIGRATIONS.length; i++) {
      db.exec(MIGRATIONS[i]!);
      db.pragma(`user_version = ${i + 1}`);
    }
  }).immediate();
}

function wrap(e: unknown, file: string, what: string): StoreError {
  const err = e as { code?: string; message?: string };
  const code = err.code ?? 'UNKNOWN';
  const hint =
    code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT'
      ? ': the file is corrupted or is not an AgentWall database; restore it from a backup or move it aside'
      : code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY' || code === 'SQLITE_PERM'
        ? ': check that the file and its directory exist and are writable'
        : code === 'SQLITE_FULL'
          ? ': the disk is full'
          : '';
  return new StoreError(`${what} database ${file}: ${err.message ?? String(e)}${hint}`, file, code);
}
