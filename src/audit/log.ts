// The audit log writer: appends records to the hash chain in SQLite and signs
// checkpoints. Durability modes:
// - 'sync':  append() commits the record (its own transaction) before it
//            returns; a record append() returned for survives kill -9.
// - 'batch': append() buffers; the buffer is committed every `flushMs` or when
//            it holds `batchSize` records (next tick, in groups of 500 with a
//            yield between), or inline when it holds `maxBuffered`. Only records committed by a flush survive kill -9:
//            at most `flushMs` worth (and fewer than `maxBuffered`) are lost.
// Every commit is one BEGIN IMMEDIATE transaction that reads the chain head,
// links the new records to it and writes any due checkpoint, so several
// processes appending to one database serialize on SQLite's write lock and
// never fork the chain. A failed write is never silent: append() throws (sync)
// or the records stay buffered and `healthy` turns false (batch); records that
// could not be kept at all are counted and reported by a 'system' record once
// writes succeed again.

import { renameSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sign } from 'node:crypto';
import type { Store } from '../store/index.ts';
import { canonicalJson, sha256 } from './canonical.ts';
import { GENESIS, recordHash, checkpointMessage, type CheckpointContent } from './chain.ts';
import { KeyError, loadSigningKey, type SigningKey } from './keys.ts';
import { AUDIT_TYPES, type AuditInput, type RecordContent } from './record.ts';

export type Durability = 'sync' | 'batch';

export const CHECKPOINT_FILE = 'audit.checkpoint';

export interface AuditOptions {
  durability?: Durability;
  /** batch: flush when this many records are buffered (next tick). */
  batchSize?: number;
  /** batch: flush at least this often, in ms. */
  flushMs?: number;
  /** batch: hard bound on buffered records; reaching it flushes inline, and append throws if that fails. */
  maxBuffered?: number;
  /** Sign a checkpoint after this many records... */
  checkpointEvery?: number;
  /** ...or when the last checkpoint is this old (ms) and records were added since. */
  checkpointMs?: number;
  /** Records larger than this (bytes of canonical JSON) have their `data` replaced by a digest. */
  maxRecordBytes?: number;
  /** Called for every write failure (default: one line on stderr). */
  onError?: (e: AuditWriteError) => void;
  /** Signing key; default: the data directory's key, created on first run. */
  key?: SigningKey;
  now?: () => number;
}

export class AuditWriteError extends Error {
  override name = 'AuditWriteError';
  constructor(message: string, readonly file: string, readonly code?: string) {
    super(message);
  }
}

interface Entry {
  c: RecordContent;
  body: string;
}

const MAX_FIELD = 256;
const TX_RECORDS = 2_000;
const TICK_RECORDS = 500;
const open = new Set<AuditLog>();
let exitHookInstalled = false;

export class AuditLog {
  readonly durability: Durability;
  private readonly key: SigningKey;
  private buffer: Entry[] = [];
  private flushScheduled = false;
  private timers: NodeJS.Timeout[] = [];
  private lost = 0;
  private error: AuditWriteError | undefined;
  private closed = false;
  private lastSeqWritten = 0;
  private lastSigned = 0;
  private readonly o: Required<Omit<AuditOptions, 'key' | 'onError' | 'now' | 'durability'>>;
  private readonly onError: (e: AuditWriteError) => void;
  private readonly now: () => number;
  private readonly tx: (entries: Entry[], force: boolean) => number;
  private signed: (CheckpointContent & { signature: string }) | undefined;
  private readonly stmts;

  constructor(readonly store: Store, opts: AuditOptions = {}) {
    this.durability = opts.durability ?? 'sync';
    this.o = {
      batchSize: opts.batchSize ?? 500,
      flushMs: opts.flushMs ?? 50,
      maxBuffered: opts.maxBuffered ?? 100_000,
      checkpointEvery: opts.checkpointEvery ?? 10_000,
      checkpointMs: opts.checkpointMs ?? 60_000,
      maxRecordBytes: opts.maxRecordBytes ?? 64 * 1024,
    };
    this.onError = opts.onError ?? ((e) => process.stderr.write(`agentwall: audit: ${e.message}\n`));
    this.now = opts.now ?? Date.now;
    const db = store.db;
    this.stmts = {
      head: db.prepare('SELECT seq, hash FROM audit_records ORDER BY seq DESC LIMIT 1'),
      insert: db.prepare(
        'INSERT INTO audit_records (seq, ts, type, principal, session, effect, tool, rules, body, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      lastCheckpoint: db.prepare('SELECT id, seq, ts, signature, key_id FROM audit_checkpoints ORDER BY id DESC LIMIT 1'),
      countCheckpoints: db.prepare('SELECT count(*) AS n FROM audit_checkpoints'),
      insertCheckpoint: db.prepare('INSERT INTO audit_checkpoints (seq, hash, ts, prev_sig, key_id, signature) VALUES (?, ?, ?, ?, ?, ?)'),
    };
    this.key = opts.key ?? this.loadKey();
    const writeTx = db.transaction((entries: Entry[], force: boolean): number => {
      const head = this.stmts.head.get() as { seq: number; hash: string } | undefined;
      let seq = head?.seq ?? 0;
      let prev = head?.hash ?? GENESIS;
      for (const e of entries) {
        seq++;
        const h = recordHash(prev, seq, e.body);
        const c = e.c;
        this.stmts.insert.run(seq, c.ts, c.type, c.principal ?? null, c.session ?? null, c.effect ?? null, c.tool ?? null, c.rules ? JSON.stringify(c.rules) : null, e.body, prev, h);
        prev = h;
      }
      if (seq > 0) this.checkpointIfDue(seq, prev, force);
      return seq;
    });
    this.tx = (entries, force) => {
      this.signed = undefined;
      const seq = writeTx.immediate(entries, force);
      // Only after the commit: the file must never name a checkpoint the database does not hold.
      if (this.signed) this.writeSidecar(this.signed);
      return seq;
    };
    if (this.durability === 'batch') this.timers.push(setInterval(() => this.tryFlush(), this.o.flushMs).unref());
    this.timers.push(setInterval(() => this.tryCheckpoint(), Math.max(1000, Math.min(this.o.checkpointMs, 60_000))).unref());
    open.add(this);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      // better-sqlite3 is synchronous, so buffered records can still be committed on a normal exit.
      process.on('exit', () => {
        for (const log of open) log.close();
      });
    }
  }

  /** Whether the last write succeeded (batch mode: false while flushes fail). */
  get healthy(): boolean {
    return this.error === undefined;
  }

  get lastError(): AuditWriteError | undefined {
    return this.error;
  }

  /** Records appended but not yet committed (batch mode). */
  get pending(): number {
    return this.buffer.length;
  }

  /** The public key id checkpoints are signed with. */
  get keyId(): string {
    return this.key.keyId;
  }

  /**
   * Appends one record. Sync mode: returns its sequence number once committed,
   * or throws AuditWriteError. Batch mode: returns undefined (see flush()).
   */
  append(input: AuditInput): number | undefined {
    if (this.closed) throw new AuditWriteError('audit log is closed', this.store.file, 'CLOSED');
    const e = this.entry(input);
    if (this.durability === 'sync') {
      this.buffer.push(e);
      return this.flush();
    }
    if (this.buffer.length >= this.o.maxBuffered) {
      try {
        this.flush();
      } catch (err) {
        this.lost++;
        throw new AuditWriteError(`audit buffer full (${this.buffer.length} records) and the store does not accept writes: ${(err as Error).message}`, this.store.file, 'BUFFER_FULL');
      }
    }
    this.buffer.push(e);
    if (this.buffer.length >= this.o.batchSize && !this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        this.tryFlush();
      });
    }
    return undefined;
  }

  /** Commits every buffered record; returns the sequence number of the last one this log wrote. Throws AuditWriteError. */
  flush(): number {
    return this.flushUpTo(Infinity);
  }

  private flushUpTo(limit: number): number {
    if (this.buffer.length === 0 && this.lost === 0) return this.lastSeqWritten;
    const entries = this.buffer.length <= limit ? this.buffer : this.buffer.slice(0, limit);
    const rest = this.buffer.length <= limit ? [] : this.buffer.slice(limit);
    if (this.lost > 0) entries.unshift(this.entry({ type: 'system', data: { event: 'records-lost', count: this.lost, reason: this.error?.message } }));
    const lostBefore = this.lost;
    let committed = 0;
    this.buffer = rest;
    try {
      // Group commits of bounded size: one huge transaction spills SQLite's page cache and holds the write lock for long.
      for (let i = 0; i < entries.length; i += TX_RECORDS) {
        this.lastSeqWritten = this.tx(entries.length <= TX_RECORDS ? entries : entries.slice(i, i + TX_RECORDS), false);
        committed = i + TX_RECORDS;
      }
      this.lost = 0;
      this.error = undefined;
      return this.lastSeqWritten;
    } catch (e) {
      // Keep the uncommitted records (minus the loss notice, rebuilt next time) for the next attempt.
      const left = entries.slice(committed);
      this.buffer = (lostBefore > 0 && committed === 0 ? left.slice(1) : left).concat(this.buffer);
      if (committed > 0) this.lost = 0;
      if (this.durability === 'sync') {
        this.buffer = [];
        this.lost++;
      }
      const err = this.writeError(e);
      this.error = err;
      this.onError(err);
      throw err;
    }
  }

  /** Signs a checkpoint now if records were added since the last one. */
  checkpoint(): void {
    this.flush();
    this.tx([], true);
  }

  /** Flushes, signs a final checkpoint and stops the timers. The store stays open (it may be shared). */
  close(): void {
    if (this.closed) return;
    for (const t of this.timers) clearInterval(t);
    try {
      if (this.store.db.open) this.checkpoint();
    } catch {
      /* the write error was reported through onError */
    }
    const left = this.buffer.length + this.lost;
    if (left > 0) {
      this.onError(new AuditWriteError(`audit log closed with ${left} record(s) that could not be written to ${this.store.file}; they are lost`, this.store.file, 'LOST'));
    }
    this.buffer = [];
    this.closed = true;
    open.delete(this);
  }

  /**
   * Background flush: commits at most one group per tick and yields between
   * groups, so decisions arriving meanwhile wait for one small commit at most.
   */
  private tryFlush(): void {
    try {
      this.flushUpTo(TICK_RECORDS);
      if (this.buffer.length > 0 && !this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => {
          this.flushScheduled = false;
          this.tryFlush();
        });
      }
    } catch {
      /* reported through onError; retried on the next timer tick */
    }
  }

  private tryCheckpoint(): void {
    try {
      // Only a log that wrote since its last checkpoint takes the write lock for a timed checkpoint.
      if (this.buffer.length === 0 && this.lastSeqWritten > this.lastSigned && this.store.db.open) this.tx([], false);
    } catch (e) {
      this.onError(this.writeError(e));
    }
  }

  private entry(input: AuditInput): Entry {
    if (!AUDIT_TYPES.includes(input.type)) throw new AuditWriteError(`unknown audit record type '${String(input.type)}'`, this.store.file, 'BAD_RECORD');
    const c: RecordContent = { ts: input.ts ?? this.now(), type: input.type };
    if (input.principal !== undefined) c.principal = clip(String(input.principal));
    if (input.session !== undefined) c.session = clip(String(input.session));
    if (input.effect !== undefined) c.effect = clip(String(input.effect));
    if (input.tool !== undefined) c.tool = clip(String(input.tool));
    if (input.rules !== undefined) c.rules = input.rules.slice(0, 64).map((r) => clip(String(r)));
    if (input.data !== undefined) c.data = input.data;
    // The body is hashed and stored byte for byte, and verify hashes the stored
    // bytes, so it need not be canonical: the native serializer is several times faster.
    let body = JSON.stringify(c);
    if (body.length > this.o.maxRecordBytes && c.data) {
      c.data = { truncated: true, bytes: body.length, dataDigest: `sha256:${sha256(canonicalJson(c.data))}` };
      body = JSON.stringify(c);
    }
    return { c, body };
  }

  private checkpointIfDue(seq: number, hash: string, force: boolean): void {
    const last = this.stmts.lastCheckpoint.get() as { id: number; seq: number; ts: number; signature: string } | undefined;
    if (last && last.seq >= seq) {
      this.lastSigned = last.seq;
      return;
    }
    const now = this.now();
    const due = force || !last || seq - last.seq >= this.o.checkpointEvery || now - last.ts >= this.o.checkpointMs;
    if (!due) return;
    const content: CheckpointContent = { seq, hash, ts: now, prevSig: last?.signature ?? '', keyId: this.key.keyId };
    const signature = sign(null, checkpointMessage(content), this.key.privateKey).toString('base64');
    this.stmts.insertCheckpoint.run(seq, hash, now, content.prevSig, content.keyId, signature);
    this.signed = { ...content, signature };
    this.lastSigned = seq;
  }

  /**
   * The latest checkpoint is also kept in a file next to the database, so that
   * deleting records together with their checkpoints from the database is
   * still detected by verify.
   */
  private writeSidecar(cp: CheckpointContent & { signature: string }): void {
    const file = join(this.store.dataDir, CHECKPOINT_FILE);
    try {
      const cur = JSON.parse(readFileSync(file, 'utf8')) as { seq?: number };
      if (typeof cur.seq === 'number' && cur.seq >= cp.seq) return;
    } catch {
      /* absent or unreadable: replace it */
    }
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, `${JSON.stringify(cp)}\n`, { mode: 0o644 });
      renameSync(tmp, file);
    } catch (e) {
      this.onError(new AuditWriteError(`cannot write checkpoint file ${file}: ${(e as Error).message}`, file, (e as { code?: string }).code));
    }
  }

  private loadKey(): SigningKey {
    const last = this.stmts.lastCheckpoint.get() as { key_id: string } | undefined;
    let key: SigningKey;
    try {
      key = loadSigningKey(this.store.dataDir, { create: last === undefined });
    } catch (e) {
      if (e instanceof KeyError && last) {
        const n = (this.stmts.countCheckpoints.get() as { n: number }).n;
        throw new KeyError(`${e.message} (the audit log in ${this.store.file} has ${n} checkpoints signed by key ${last.key_id})`, e.path);
      }
      throw e;
    }
    if (last && last.key_id !== key.keyId) {
      throw new KeyError(
        `audit signing key ${key.file} (key id ${key.keyId}) is not the key that signed the log's checkpoints (key id ${last.key_id}); the key was replaced: restore the original key`,
        key.file,
      );
    }
    return key;
  }

  private writeError(e: unknown): AuditWriteError {
    if (e instanceof AuditWriteError) return e;
    const err = e as { code?: string; message?: string };
    const full = err.code === 'SQLITE_FULL' ? ' (disk full)' : '';
    return new AuditWriteError(`cannot write audit log ${this.store.file}${full}: ${err.message ?? String(e)}`, this.store.file, err.code);
  }
}

function clip(s: string): string {
  return s.length > MAX_FIELD ? `${s.slice(0, MAX_FIELD)}…` : s;
}
