// The audit log's writer thread (AuditOptions.writer 'thread', batch mode):
// its own SQLite connection and a ChainWriter, so hashing records and the
// group commits run beside the thread that decides, not on it. Messages on
// the port, answered in order:
//   { op: 'write', id, bodies, force } -> { id, seq } or { id, error, backlog }
// Only the record bodies cross (an array of strings copies cheaply; objects
// would be serialized field by field on the deciding thread): the indexed
// columns are read back from each body here.
//   { op: 'close', id }                 -> { id, closed: true }
// A failed write keeps its records (backlog) and retries them first on the
// next write, so the chain keeps the order records were appended in. After
// each answer the thread stores `id` in the shared counter and notifies, so a
// caller that must wait (flush, close, the exit hook) blocks on Atomics.wait.
// done[1] is the start state: 0 starting, 1 running, 2 abandoned. The thread
// moves it 0 -> 1 once loaded; a caller that cannot wait any longer for the
// start moves it 0 -> 2 and commits inline, and a thread that finds 2 quits
// without writing, so no record is committed twice.

import { workerData, type MessagePort } from 'node:worker_threads';
import type { KeyObject } from 'node:crypto';
import { openStore } from '../store/index.ts';
import { ChainWriter, type PendingRecord } from './chain-writer.ts';
import type { RecordContent } from './record.ts';

export interface WriterThreadData {
  file: string;
  dataDir: string;
  privateKey: KeyObject;
  keyId: string;
  checkpointEvery: number;
  checkpointMs: number;
  txRecords: number;
  done: Int32Array;
  port: MessagePort;
}

export type WriterRequest = { op: 'write'; id: number; bodies: string[]; force: boolean } | { op: 'close'; id: number };
export type WriterReply = { id: number; ready?: boolean; seq?: number; error?: { message: string; code?: string }; backlog?: number; closed?: boolean; sidecarErrors?: string[] };

const d = workerData as WriterThreadData;
const store = openStore({ file: d.file });
let sidecarErrors: string[] = [];
const writer = new ChainWriter(store.db, {
  dataDir: d.dataDir,
  file: d.file,
  privateKey: d.privateKey,
  keyId: d.keyId,
  checkpointEvery: d.checkpointEvery,
  checkpointMs: d.checkpointMs,
  now: Date.now,
  onSidecarError: (m) => sidecarErrors.push(m),
});
let backlog: PendingRecord[] = [];

function answer(r: WriterReply): void {
  if (sidecarErrors.length > 0) {
    r.sidecarErrors = sidecarErrors;
    sidecarErrors = [];
  }
  d.port.postMessage(r);
  Atomics.store(d.done, 0, r.id);
  Atomics.notify(d.done, 0);
}

/** A record body (JSON of RecordContent, written by AuditLog) with its indexed columns read back. */
function recordOf(body: string): PendingRecord {
  const r = JSON.parse(body) as RecordContent;
  const c: RecordContent = { ts: r.ts, type: r.type };
  if (r.principal !== undefined) c.principal = r.principal;
  if (r.session !== undefined) c.session = r.session;
  if (r.effect !== undefined) c.effect = r.effect;
  if (r.tool !== undefined) c.tool = r.tool;
  if (r.rules !== undefined) c.rules = r.rules;
  return { c, body };
}

function write(id: number, bodies: string[], force: boolean): void {
  const entries = bodies.map(recordOf);
  const all = backlog.length > 0 ? backlog.concat(entries) : entries;
  let committed = 0;
  try {
    for (let i = 0; i < all.length; i += d.txRecords) {
      writer.commit(all.length <= d.txRecords ? all : all.slice(i, i + d.txRecords), false);
      committed = Math.min(all.length, i + d.txRecords);
    }
    if (force || (all.length === 0 && writer.unsigned)) writer.commit([], force);
    backlog = [];
    answer({ id, seq: writer.lastSeqWritten });
  } catch (e) {
    backlog = all.slice(committed);
    const err = e as { message?: string; code?: string };
    answer({ id, error: { message: err.message ?? String(e), code: err.code }, backlog: backlog.length });
  }
}

if (Atomics.compareExchange(d.done, 1, 0, 1) !== 0) {
  // The log gave up waiting for this thread and commits on its own thread.
  store.close();
  d.port.close();
} else {
  Atomics.notify(d.done, 1);
  d.port.postMessage({ id: 0, ready: true } satisfies WriterReply);
}

d.port.on('message', (m: WriterRequest) => {
  if (m.op === 'write') write(m.id, m.bodies, m.force);
  else if (m.op === 'close') {
    store.close();
    answer({ id: m.id, closed: true, backlog: backlog.length });
    d.port.close();
  }
});
