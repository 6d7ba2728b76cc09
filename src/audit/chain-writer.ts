// Appends records to the hash chain in one SQLite connection: one BEGIN
// IMMEDIATE transaction reads the chain head, links the new records to it and
// signs a checkpoint when one is due; after the commit, the latest checkpoint
// is also written to the sidecar file. Shared by the audit log on the calling
// thread and by its writer thread (audit/writer-thread.ts), so both write the
// same chain the same way.

import { renameSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sign, type KeyObject } from 'node:crypto';
import type { Db } from '../store/index.ts';
import { GENESIS, recordHash, checkpointMessage, type CheckpointContent } from './chain.ts';
import type { RecordContent } from './record.ts';

export const CHECKPOINT_FILE = 'audit.checkpoint';

/** A record ready to be chained: its indexed columns and its body (the bytes that are hashed). */
export interface PendingRecord {
  c: RecordContent;
  body: string;
}

export interface ChainWriterOptions {
  dataDir: string;
  file: string;
  privateKey: KeyObject;
  keyId: string;
  checkpointEvery: number;
  checkpointMs: number;
  now: () => number;
  /** A checkpoint file that could not be written (the records are committed; reported, not thrown). */
  onSidecarError: (message: string, file: string, code?: string) => void;
}

export class ChainWriter {
  /** Sequence number of the last record this writer committed. */
  lastSeqWritten = 0;
  /** Sequence number of the last checkpoint this writer saw or signed. */
  lastSigned = 0;
  private signed: (CheckpointContent & { signature: string }) | undefined;
  private readonly stmts;
  private readonly writeTx: (entries: readonly PendingRecord[], force: boolean) => number;

  constructor(
    private readonly db: Db,
    private readonly o: ChainWriterOptions,
  ) {
    this.stmts = {
      head: db.prepare('SELECT seq, hash FROM audit_records ORDER BY seq DESC LIMIT 1'),
      insert: db.prepare(
        'INSERT INTO audit_records (seq, ts, type, principal, session, effect, tool, rules, body, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      lastCheckpoint: db.prepare('SELECT id, seq, ts, signature, key_id FROM audit_checkpoints ORDER BY id DESC LIMIT 1'),
      insertCheckpoint: db.prepare('INSERT INTO audit_checkpoints (seq, hash, ts, prev_sig, key_id, signature) VALUES (?, ?, ?, ?, ?, ?)'),
    };
    this.writeTx = db.transaction((entries: readonly PendingRecord[], force: boolean): number => {
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
    }).immediate;
  }

  /** Commits the records (and a due or forced checkpoint) in one transaction; returns the last sequence number. Throws on failure. */
  commit(entries: readonly PendingRecord[], force: boolean): number {
    this.signed = undefined;
    const seq = this.writeTx(entries, force);
    if (entries.length > 0) this.lastSeqWritten = seq;
    // Only after the commit: the file must never name a checkpoint the database does not hold.
    if (this.signed) this.writeSidecar(this.signed);
    return seq;
  }

  /** Whether records were written since the last checkpoint (a timed checkpoint is then worth the write lock). */
  get unsigned(): boolean {
    return this.lastSeqWritten > this.lastSigned;
  }

  private checkpointIfDue(seq: number, hash: string, force: boolean): void {
    const last = this.stmts.lastCheckpoint.get() as { id: number; seq: number; ts: number; signature: string } | undefined;
    if (last && last.seq >= seq) {
      this.lastSigned = last.seq;
      return;
    }
    const now = this.o.now();
    const due = force || !last || seq - last.seq >= this.o.checkpointEvery || now - last.ts >= this.o.checkpointMs;
    if (!due) return;
    const content: CheckpointContent = { seq, hash, ts: now, prevSig: last?.signature ?? '', keyId: this.o.keyId };
    const signature = sign(null, checkpointMessage(content), this.o.privateKey).toString('base64');
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
    const file = join(this.o.dataDir, CHECKPOINT_FILE);
    try {
      const cur = JSON.parse(readFileSync(file, 'utf8')) as { seq?: number };
      if (typeof cur.seq === 'number' && cur.seq >= cp.seq) return;
    } catch {
      /* absent or unreadable: replace it */
    }
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      writeFileSync(tmp, `${JSON.stringify(cp)}\n`, { mode: 0o644 });
      renameSync(tmp, file);
    } catch (e) {
      this.o.onSidecarError(`cannot write checkpoint file ${file}: ${(e as Error).message}`, file, (e as { code?: string }).code);
    }
  }
}
