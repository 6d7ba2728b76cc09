// Verifies an audit log: every record's hash over its full content, the chain
// links and the contiguity of sequence numbers, the indexed columns against the
// hashed content, and every checkpoint's signature with the trusted public key
// (not one found in the database). Reports each problem with where it is.
// What it can prove: any edit, deletion, insertion or reordering anywhere, and
// any truncation of records covered by a checkpoint (in the database or in the
// checkpoint file beside it). Records after the last checkpoint are chained but
// not signed; their count is reported as `unsignedTail`.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { verify as verifySig, type KeyObject } from 'node:crypto';
import type { Store } from '../store/index.ts';
import { GENESIS, recordHash, checkpointMessage } from './chain.ts';
import { CHECKPOINT_FILE } from './log.ts';

export type ProblemKind = 'edit' | 'delete' | 'chain' | 'checkpoint' | 'signature' | 'key' | 'truncation' | 'integrity' | 'anchor';

/** A (seq, hash) kept off the machine (e.g. the last line of an export): the chain up to seq must still end in hash. */
export interface Anchor {
  seq: number;
  hash: string;
}

export interface VerifyProblem {
  kind: ProblemKind;
  /** The record the problem was found at. */
  seq?: number;
  /** The checkpoint (id) the problem was found at. */
  checkpoint?: number;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  records: number;
  lastSeq: number;
  checkpoints: number;
  lastCheckpointSeq: number;
  /** Records after the last checkpoint: chained, but not yet covered by a signature. */
  unsignedTail: number;
  keyId: string;
  problems: VerifyProblem[];
  /** True when more problems were found than reported. */
  truncatedProblems: boolean;
}

interface Row {
  seq: number;
  ts: number;
  type: string;
  principal: string | null;
  session: string | null;
  effect: string | null;
  tool: string | null;
  rules: string | null;
  body: string;
  prev_hash: string;
  hash: string;
}

interface CpRow {
  id: number;
  seq: number;
  hash: string;
  ts: number;
  prev_sig: string;
  key_id: string;
  signature: string;
}

export function verifyLog(store: Store, trusted: { publicKey: KeyObject; keyId: string }, opts: { maxProblems?: number; anchor?: Anchor } = {}): VerifyReport {
  // The checkpoint file is written after its checkpoint commits, so reading it
  // before taking the snapshot guarantees the snapshot holds it, even while
  // other processes keep appending.
  const side = readSidecar(store.dataDir);
  return store.db.transaction(() => verifySnapshot(store, trusted, side, opts.maxProblems ?? 100, opts.anchor))();
}

function verifySnapshot(store: Store, trusted: { publicKey: KeyObject; keyId: string }, side: Sidecar | undefined, maxProblems: number, anchor: Anchor | undefined): VerifyReport {
  const max = maxProblems;
  const problems: VerifyProblem[] = [];
  let dropped = false;
  const add = (p: VerifyProblem) => {
    if (problems.length < max) problems.push(p);
    else dropped = true;
  };
  const db = store.db;

  const integrity = db.pragma('quick_check', { simple: true }) as string;
  if (integrity !== 'ok') add({ kind: 'integrity', message: `SQLite integrity check failed: ${integrity}` });

  const cps = db.prepare('SELECT id, seq, hash, ts, prev_sig, key_id, signature FROM audit_checkpoints ORDER BY id').all() as CpRow[];
  const cpSeqs = new Map<number, string>();
  for (const cp of cps) cpSeqs.set(cp.seq, '');
  let anchorHash: string | undefined;

  let expected = 1;
  let prev = GENESIS;
  let count = 0;
  let lastSeq = 0;
  for (const r of db.prepare('SELECT seq, ts, type, principal, session, effect, tool, rules, body, prev_hash, hash FROM audit_records ORDER BY seq').iterate() as IterableIterator<Row>) {
    count++;
    if (r.seq !== expected) {
      add(
        r.seq > expected
          ? { kind: 'delete', seq: r.seq, message: `records ${expected}..${r.seq - 1} are missing before record ${r.seq} (deleted)` }
          : { kind: 'chain', seq: r.seq, message: `record ${r.seq} is out of sequence (expected ${expected})` },
      );
    }
    if (r.prev_hash !== prev) {
      add({ kind: 'chain', seq: r.seq, message: `record ${r.seq} does not link to the record before it (a record was deleted, inserted or moved, or record ${r.seq - 1} was rewritten)` });
    }
    if (recordHash(r.prev_hash, r.seq, r.body) !== r.hash) {
      add({ kind: 'edit', seq: r.seq, message: `record ${r.seq} does not match its hash (content edited, or the record was moved)` });
    } else {
      const col = columnMismatch(r);
      if (col) add({ kind: 'edit', seq: r.seq, message: `record ${r.seq}: column '${col}' differs from the hashed content (edited)` });
    }
    if (cpSeqs.has(r.seq)) cpSeqs.set(r.seq, r.hash);
    if (anchor && r.seq === anchor.seq) anchorHash = r.hash;
    prev = r.hash;
    lastSeq = r.seq;
    expected = r.seq + 1;
  }

  let prevSig = '';
  let lastCp = 0;
  for (const cp of cps) {
    const where = `checkpoint #${cp.id} (seq ${cp.seq})`;
    if (cp.prev_sig !== prevSig) add({ kind: 'checkpoint', checkpoint: cp.id, seq: cp.seq, message: `${where} does not follow the checkpoint before it (a checkpoint was deleted, inserted or replaced)` });
    prevSig = cp.signature;
    if (cp.key_id !== trusted.keyId) {
      add({ kind: 'key', checkpoint: cp.id, seq: cp.seq, message: `${where} names signing key ${cp.key_id}, not the trusted key ${trusted.keyId} (key swapped?)` });
    }
    if (!checkSig(cp, trusted.publicKey)) {
      add({ kind: 'signature', checkpoint: cp.id, seq: cp.seq, message: `${where} has an invalid signature for the trusted key ${trusted.keyId} (forged, edited, or signed by another key)` });
    }
    const h = cpSeqs.get(cp.seq);
    if (cp.seq > lastSeq) {
      add({ kind: 'truncation', checkpoint: cp.id, seq: cp.seq, message: `the log ends at record ${lastSeq}, but ${where} covers records up to ${cp.seq}: records ${lastSeq + 1}..${cp.seq} were removed (truncated)` });
    } else if (!h) {
      add({ kind: 'delete', checkpoint: cp.id, seq: cp.seq, message: `record ${cp.seq} covered by ${where} is missing` });
    } else if (h !== cp.hash) {
      add({ kind: 'checkpoint', checkpoint: cp.id, seq: cp.seq, message: `record ${cp.seq} differs from the hash signed in ${where}: a record in ${lastCp + 1}..${cp.seq} was rewritten and the chain recomputed` });
    }
    if (cp.seq < lastCp) add({ kind: 'checkpoint', checkpoint: cp.id, seq: cp.seq, message: `${where} goes backwards (previous covered ${lastCp})` });
    lastCp = Math.max(lastCp, cp.seq);
  }

  if (anchor) {
    // The chain makes one hash vouch for every record before it.
    if (anchor.seq > lastSeq) add({ kind: 'truncation', seq: anchor.seq, message: `the anchor names record ${anchor.seq}, but the log ends at record ${lastSeq}: records were removed (truncated)` });
    else if (anchorHash === undefined) add({ kind: 'delete', seq: anchor.seq, message: `record ${anchor.seq} named by the anchor is missing` });
    else if (anchorHash !== anchor.hash) add({ kind: 'anchor', seq: anchor.seq, message: `record ${anchor.seq} no longer has the anchored hash: records up to ${anchor.seq} were rewritten since the anchor was taken` });
  }

  if (side) {
    const inDb = cps.find((c) => c.signature === side.signature);
    if (!inDb) {
      const valid = checkSig({ ...side, prev_sig: side.prevSig, key_id: side.keyId }, trusted.publicKey);
      if (valid && side.seq > lastCp) {
        add({ kind: 'truncation', seq: side.seq, message: `the checkpoint file ${CHECKPOINT_FILE} holds a signed checkpoint at record ${side.seq} that is missing from the database, which ends at record ${lastSeq} with its last checkpoint at ${lastCp}: records and checkpoints were removed (truncated)` });
      } else if (!valid) {
        add({ kind: 'signature', seq: side.seq, message: `the checkpoint file ${CHECKPOINT_FILE} has an invalid signature for the trusted key ${trusted.keyId}` });
      }
    }
  }

  return {
    ok: problems.length === 0,
    records: count,
    lastSeq,
    checkpoints: cps.length,
    lastCheckpointSeq: lastCp,
    unsignedTail: Math.max(0, lastSeq - lastCp),
    keyId: trusted.keyId,
    problems,
    truncatedProblems: dropped,
  };
}

function checkSig(cp: Pick<CpRow, 'seq' | 'hash' | 'ts' | 'prev_sig' | 'key_id' | 'signature'>, key: KeyObject): boolean {
  try {
    const msg = checkpointMessage({ seq: cp.seq, hash: cp.hash, ts: cp.ts, prevSig: cp.prev_sig, keyId: cp.key_id });
    return verifySig(null, msg, key, Buffer.from(cp.signature, 'base64'));
  } catch {
    return false;
  }
}

function columnMismatch(r: Row): string | undefined {
  let c: Record<string, unknown>;
  try {
    c = JSON.parse(r.body) as Record<string, unknown>;
  } catch {
    return 'body';
  }
  if (c.ts !== r.ts) return 'ts';
  if (c.type !== r.type) return 'type';
  if ((c.principal ?? null) !== r.principal) return 'principal';
  if ((c.session ?? null) !== r.session) return 'session';
  if ((c.effect ?? null) !== r.effect) return 'effect';
  if ((c.tool ?? null) !== r.tool) return 'tool';
  if ((c.rules === undefined ? null : JSON.stringify(c.rules)) !== r.rules) return 'rules';
  return undefined;
}

interface Sidecar {
  seq: number;
  hash: string;
  ts: number;
  prevSig: string;
  keyId: string;
  signature: string;
}

function readSidecar(dataDir: string): Sidecar | undefined {
  try {
    const s = JSON.parse(readFileSync(join(dataDir, CHECKPOINT_FILE), 'utf8')) as Sidecar;
    return typeof s.seq === 'number' && typeof s.signature === 'string' ? s : undefined;
  } catch {
    return undefined;
  }
}
