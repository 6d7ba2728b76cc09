// Reading the audit log: filtered queries (agent, effect, rule, tool, type,
// session, time range) for `agentwall audit query`, and JSON-lines export.
// Read-only; streams rows so a large log never has to fit in memory.

import type { Store } from '../store/index.ts';
import type { AuditRecord, AuditType } from './record.ts';

export interface AuditQuery {
  agent?: string;
  effect?: string;
  rule?: string;
  tool?: string;
  type?: AuditType;
  session?: string;
  /** ms since epoch, inclusive. */
  since?: number;
  /** ms since epoch, exclusive. */
  until?: number;
  afterSeq?: number;
  limit?: number;
  /** Newest first. */
  desc?: boolean;
}

interface Row {
  seq: number;
  body: string;
  prev_hash: string;
  hash: string;
}

export function* queryRecords(store: Store, q: AuditQuery = {}): Generator<AuditRecord> {
  const where: string[] = [];
  const params: unknown[] = [];
  const eq = (col: string, v: unknown) => {
    if (v === undefined) return;
    where.push(`${col} = ?`);
    params.push(v);
  };
  eq('principal', q.agent);
  eq('effect', q.effect);
  eq('tool', q.tool);
  eq('type', q.type);
  eq('session', q.session);
  if (q.rule !== undefined) {
    where.push('EXISTS (SELECT 1 FROM json_each(audit_records.rules) WHERE value = ?)');
    params.push(q.rule);
  }
  if (q.since !== undefined) {
    where.push('ts >= ?');
    params.push(q.since);
  }
  if (q.until !== undefined) {
    where.push('ts < ?');
    params.push(q.until);
  }
  if (q.afterSeq !== undefined) {
    where.push('seq > ?');
    params.push(q.afterSeq);
  }
  let sql = `SELECT seq, body, prev_hash, hash FROM audit_records${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY seq ${q.desc ? 'DESC' : 'ASC'}`;
  if (q.limit !== undefined) {
    sql += ' LIMIT ?';
    params.push(Math.max(0, Math.floor(q.limit)));
  }
  for (const r of store.db.prepare(sql).iterate(...params) as IterableIterator<Row>) {
    yield toRecord(r);
  }
}

export function toRecord(r: Row): AuditRecord {
  const c = JSON.parse(r.body) as Omit<AuditRecord, 'seq' | 'prevHash' | 'hash'>;
  return { seq: r.seq, ...c, prevHash: r.prev_hash, hash: r.hash };
}

/** Writes matching records as JSON lines; returns how many. */
export function exportRecords(store: Store, q: AuditQuery, write: (line: string) => void): number {
  let n = 0;
  for (const r of queryRecords(store, q)) {
    write(`${JSON.stringify(r)}\n`);
    n++;
  }
  return n;
}

/** Parses a time bound: ISO 8601, ms since epoch, or a duration ago ("15m", "2h", "7d"). */
export function parseTime(s: string, now = Date.now()): number {
  const rel = /^(\d+)(s|m|h|d)$/.exec(s.trim());
  if (rel) return now - Number(rel[1]) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[rel[2] as 's' | 'm' | 'h' | 'd'];
  if (/^\d{10,}$/.test(s)) return Number(s);
  const t = Date.parse(s);
  if (Number.isNaN(t)) throw new Error(`cannot read time '${s}' (expected ISO 8601 like 2026-01-31T12:00:00Z, ms since epoch, or a duration ago like 15m, 2h, 7d)`);
  return t;
}
