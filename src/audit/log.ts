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
// never fork the chain. With `writer: 'thread'` (batch mode), those commits
// run on a writer thread with its own connection (audit/writer-thread.ts):
// the deciding thread only serializes records; flush(), checkpoint() and
// close() still return once the thread has committed (they block on it), and
// if the thread dies its unacknowledged records are committed here instead.
// A failed write is never silent: append() throws (sync)
// or the records stay buffered and `healthy` turns false (batch); records that
// could not be kept at all are counted and reported by a 'system' record once
// writes succeed again.

import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { Store } from '../store/index.ts';
import { canonicalJson, sha256 } from './canonical.ts';
import { ChainWriter, type PendingRecord } from './chain-writer.ts';
import { KeyError, loadSigningKey, type SigningKey } from './keys.ts';
import { AUDIT_TYPES, type AuditInput, type RecordContent } from './record.ts';
import type { WriterReply, WriterRequest, WriterThreadData } from './writer-thread.ts';
import { threadEntry } from './thread-url.ts';

export { CHECKPOINT_FILE } from './chain-writer.ts';

export type Durability = 'sync' | 'batch';

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
  /** batch: 'thread' commits on a writer thread (the gateway); 'inline' (default) on the calling thread. */
  writer?: 'inline' | 'thread';
  /** thread: how long flush()/close() wait for the writer thread before failing, in ms. */
  threadTimeoutMs?: number;
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

type Entry = PendingRecord;

interface Thread {
  worker: Worker;
  port: MessagePort;
  done: Int32Array;
  nextId: number;
  /** Writes posted and not yet acknowledged as committed, oldest first (a failed one stays: the thread retries it). */
  inflight: Array<{ id: number; entries: Entry[] }>;
  inflightRecords: number;
  ready: Promise<void>;
  onReady: () => void;
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
  private readonly o: Required<Omit<AuditOptions, 'key' | 'onError' | 'now' | 'durability' | 'writer'>>;
  private readonly onError: (e: AuditWriteError) => void;
  private readonly now: () => number;
  private readonly writer: ChainWriter;
  private thread: Thread | undefined;
  private lastSeqWritten = 0;
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
      threadTimeoutMs: opts.threadTimeoutMs ?? 30_000,
    };
    this.onError = opts.onError ?? ((e) => process.stderr.write(`agentwall: audit: ${e.message}\n`));
    this.now = opts.now ?? Date.now;
    const db = store.db;
    this.stmts = {
      lastCheckpoint: db.prepare('SELECT id, seq, ts, signature, key_id FROM audit_checkpoints ORDER BY id DESC LIMIT 1'),
      countCheckpoints: db.prepare('SELECT count(*) AS n FROM audit_checkpoints'),
    };
    this.key = opts.key ?? this.loadKey();
    const chainOpts = {
      dataDir: store.dataDir,
      file: store.file,
      privateKey: this.key.privateKey,
      keyId: this.key.keyId,
      checkpointEvery: this.o.checkpointEvery,
      checkpointMs: this.o.checkpointMs,
      now: this.now,
    };
    this.writer = new ChainWriter(db, { ...chainOpts, onSidecarError: (m, f, code) => this.onError(new AuditWriteError(m, f, code)) });
    if (this.durability === 'batch' && opts.writer === 'thread') this.thread = this.startThread(chainOpts);
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
    return this.buffer.length + (this.thread?.inflightRecords ?? 0);
  }

  /** Resolves once the writer thread (if any) runs; flush() before that may commit on this thread instead. */
  ready(): Promise<void> {
    const t = this.thread;
    if (!t) return Promise.resolve();
    // The port is unref'd (it must not keep a process alive); while someone waits for the start, it must.
    t.port.ref();
    return t.ready.finally(() => t.port.unref());
  }

  /** Whether commits run on a writer thread (it falls back to this thread if the writer thread dies). */
  get threaded(): boolean {
    return this.thread !== undefined;
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
    if (this.pending >= this.o.maxBuffered) {
      try {
        this.flush();
      } catch (err) {
        this.lost++;
        throw new AuditWriteError(`audit buffer full (${this.pending} records) and the store does not accept writes: ${(err as Error).message}`, this.store.file, 'BUFFER_FULL');
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
    if (this.thread) return this.flushThread(false);
    return this.flushUpTo(Infinity);
  }

  private flushUpTo(limit: number): number {
    if (this.buffer.length === 0 && this.lost === 0) return this.lastSeqWritten;
    const entries = this.buffer.length <= limit ? this.buffer : this.buffer.slice(0, limit);
    const rest = this.buffer.length <= limit ? [] : this.buffer.slice(limit);
    if (this.lost > 0) entries.unshift(this.lossNotice());
    const lostBefore = this.lost;
    let committed = 0;
    this.buffer = rest;
    try {
      // Group commits of bounded size: one huge transaction spills SQLite's page cache and holds the write lock for long.
      for (let i = 0; i < entries.length; i += TX_RECORDS) {
        this.lastSeqWritten = this.writer.commit(entries.length <= TX_RECORDS ? entries : entries.slice(i, i + TX_RECORDS), false);
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
      throw this.failed(e);
    }
  }

  /** Signs a checkpoint now if records were added since the last one. */
  checkpoint(): void {
    if (this.thread) {
      this.flushThread(true);
      return;
    }
    this.flush();
    this.writer.commit([], true);
  }

  /** Flushes, signs a final checkpoint and stops the timers (and the writer thread). The store stays open (it may be shared). */
  close(): void {
    if (this.closed) return;
    for (const t of this.timers) clearInterval(t);
    try {
      if (this.store.db.open) this.checkpoint();
    } catch {
      /* the write error was reported through onError */
    }
    const left = this.pending + this.lost;
    if (left > 0) {
      this.onError(new AuditWriteError(`audit log closed with ${left} record(s) that could not be written to ${this.store.file}; they are lost`, this.store.file, 'LOST'));
    }
    this.stopThread();
    this.buffer = [];
    this.closed = true;
    open.delete(this);
  }

  /**
   * Background flush: commits at most one group per tick and yields between
   * groups, so decisions arriving meanwhile wait for one small commit at most.
   */
  private tryFlush(): void {
    if (this.thread) {
      this.drainReplies();
      if (this.thread && (this.buffer.length > 0 || this.lost > 0)) this.post(false);
      return;
    }
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
      if (this.thread) {
        this.drainReplies();
        if (this.thread && this.buffer.length === 0 && this.thread.inflight.length === 0) this.post(false);
        return;
      }
      if (this.buffer.length === 0 && this.writer.unsigned && this.store.db.open) this.writer.commit([], false);
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
    if (input.data === undefined) return { c, body: JSON.stringify(c) };
    // The body is hashed and stored byte for byte, and verify hashes the stored
    // bytes, so it need not be canonical: the native serializer is several times faster.
    // The entry keeps only the indexed columns (c, without data): that is what crosses to the writer thread.
    let body = JSON.stringify({ ...c, data: input.data });
    if (body.length > this.o.maxRecordBytes) {
      body = JSON.stringify({ ...c, data: { truncated: true, bytes: body.length, dataDigest: `sha256:${sha256(canonicalJson(input.data))}` } });
    }
    return { c, body };
  }

  // ---- writer thread ----------------------------------------------------

  private startThread(o: Omit<ConstructorParameters<typeof ChainWriter>[1], 'onSidecarError'>): Thread {
    const { port1, port2 } = new MessageChannel();
    // [0]: last request answered; [1]: start state (see writer-thread.ts).
    const done = new Int32Array(new SharedArrayBuffer(8));
    const url = threadEntry(import.meta.url, 'writer-thread');
    const data: WriterThreadData = { file: o.file, dataDir: o.dataDir, privateKey: o.privateKey, keyId: o.keyId, checkpointEvery: o.checkpointEvery, checkpointMs: o.checkpointMs, txRecords: TX_RECORDS, done, port: port2 };
    // A small young generation: the thread only parses bodies and runs SQLite.
    const worker = new Worker(url, { workerData: data, transferList: [port2], resourceLimits: { maxYoungGenerationSizeMb: 2 } });
    let onReady = () => {};
    const ready = new Promise<void>((resolve) => (onReady = resolve));
    const t: Thread = { worker, port: port1, done, nextId: 1, inflight: [], inflightRecords: 0, ready, onReady };
    worker.on('error', (e) => this.threadDied(t, `failed: ${e.message}`));
    worker.on('exit', (code) => this.threadDied(t, `exited with code ${code}`));
    port1.on('message', (r: WriterReply) => this.handleReply(t, r));
    // Neither keeps the process alive: the exit hook commits what is left.
    worker.unref();
    port1.unref();
    return t;
  }

  /** Hands the buffer (and a loss notice, if records were lost) to the writer thread; returns the request id. */
  private post(force: boolean): number {
    const t = this.thread!;
    const entries = this.buffer;
    this.buffer = [];
    if (this.lost > 0) {
      entries.unshift(this.lossNotice());
      this.lost = 0;
    }
    const id = t.nextId++;
    t.inflight.push({ id, entries });
    t.inflightRecords += entries.length;
    const bodies = new Array<string>(entries.length);
    for (let i = 0; i < entries.length; i++) bodies[i] = entries[i]!.body;
    t.port.postMessage({ op: 'write', id, bodies, force } satisfies WriterRequest);
    return id;
  }

  private flushThread(force: boolean): number {
    const t = this.thread!;
    const id = this.post(force);
    this.waitFor(t, id);
    if (this.thread !== t) return this.flushUpTo(Infinity); // the thread died while we waited: commit here
    if (this.error) throw this.error;
    return this.lastSeqWritten;
  }

  /** Blocks until the writer thread answered request `id` (bounded by threadTimeoutMs), then applies its answers. */
  private waitFor(t: Thread, id: number): void {
    if (Atomics.load(t.done, 1) === 0) {
      // Still starting. A thread normally starts on its own; where its loading
      // needs this thread's event loop (a module loader hook, as under tsx), it
      // cannot while we block: give it up (0 -> 2) and commit here instead.
      Atomics.wait(t.done, 1, 0, Math.min(this.o.threadTimeoutMs, 5000));
      if (Atomics.compareExchange(t.done, 1, 0, 2) === 0) {
        this.threadDied(t, 'did not start in time');
        return;
      }
    }
    const deadline = Date.now() + this.o.threadTimeoutMs;
    for (let cur = Atomics.load(t.done, 0); cur < id; cur = Atomics.load(t.done, 0)) {
      const left = deadline - Date.now();
      if (left <= 0) {
        this.threadDied(t, `did not answer within ${this.o.threadTimeoutMs} ms`);
        return;
      }
      Atomics.wait(t.done, 0, cur, Math.min(left, 1000));
    }
    this.drainReplies();
  }

  private drainReplies(): void {
    const t = this.thread;
    if (!t) return;
    for (let m = receiveMessageOnPort(t.port); m !== undefined; m = receiveMessageOnPort(t.port)) this.handleReply(t, m.message as WriterReply);
  }

  private handleReply(t: Thread, r: WriterReply): void {
    if (this.thread !== t) return;
    if (r.ready) {
      t.onReady();
      return;
    }
    for (const m of r.sidecarErrors ?? []) this.onError(new AuditWriteError(m, this.store.dataDir, 'CHECKPOINT_FILE'));
    if (r.closed) return;
    // Records of requests up to r.id that the thread no longer holds are committed: drop them, oldest first.
    let upTo = 0;
    for (const x of t.inflight) if (x.id <= r.id) upTo += x.entries.length;
    let drop = upTo - (r.error ? (r.backlog ?? upTo) : 0);
    while (drop > 0 && t.inflight.length > 0 && t.inflight[0]!.id <= r.id) {
      const head = t.inflight[0]!;
      if (head.entries.length <= drop) {
        drop -= head.entries.length;
        t.inflightRecords -= head.entries.length;
        t.inflight.shift();
      } else {
        head.entries = head.entries.slice(drop);
        t.inflightRecords -= drop;
        drop = 0;
      }
    }
    if (r.error) {
      this.failed(Object.assign(new Error(r.error.message), { code: r.error.code }));
      return;
    }
    if (r.seq !== undefined && r.seq > 0) this.lastSeqWritten = r.seq;
    this.error = undefined;
  }

  /** The writer thread is gone: what it had not acknowledged goes back to the buffer, committed on this thread from now on. */
  private threadDied(t: Thread, why: string): void {
    if (this.thread !== t) return;
    this.drainReplies();
    this.thread = undefined;
    this.buffer = t.inflight.flatMap((x) => x.entries).concat(this.buffer);
    t.port.close();
    void t.worker.terminate();
    t.onReady();
    if (!this.closed) this.onError(new AuditWriteError(`audit writer thread ${why}; committing on the main thread from now on`, this.store.file, 'WRITER_THREAD'));
  }

  private stopThread(): void {
    const t = this.thread;
    if (!t) return;
    if (Atomics.compareExchange(t.done, 1, 0, 2) === 0) {
      // Never started (and now never will): nothing was written by it.
      this.threadDied(t, 'stopped before it started');
      return;
    }
    const id = t.nextId++;
    t.port.postMessage({ op: 'close', id } satisfies WriterRequest);
    this.waitFor(t, id);
    if (this.thread !== t) return;
    this.thread = undefined;
    t.port.close();
    void t.worker.terminate();
  }

  private lossNotice(): Entry {
    return this.entry({ type: 'system', data: { event: 'records-lost', count: this.lost, reason: this.error?.message } });
  }

  private failed(e: unknown): AuditWriteError {
    const err = this.writeError(e);
    this.error = err;
    this.onError(err);
    return err;
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
