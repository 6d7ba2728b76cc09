// The records of the audit log: what callers append (AuditInput) and what the
// log stores and returns (AuditRecord). Every field of a stored record is
// covered by its hash; the indexed columns are copies checked by verify.

export type AuditType = 'decision' | 'scan' | 'approval' | 'policy' | 'system';
export const AUDIT_TYPES: readonly AuditType[] = ['decision', 'scan', 'approval', 'policy', 'system'];

/** What a caller appends. `type` and the indexed fields are optional except type; `data` is free-form (bounded). */
export interface AuditInput {
  type: AuditType;
  /** Milliseconds since epoch; defaults to now. */
  ts?: number;
  principal?: string;
  session?: string;
  /** For decisions (and approvals): the final effect. */
  effect?: string;
  tool?: string;
  rules?: string[];
  /** Everything else: redacted action, facts digest, reasons, policy digest, latency, findings, ... */
  data?: Record<string, unknown>;
}

/** A stored record. `body` is the canonical JSON of the content (everything but seq and the hashes). */
export interface AuditRecord {
  seq: number;
  ts: number;
  type: AuditType;
  principal?: string;
  session?: string;
  effect?: string;
  tool?: string;
  rules?: string[];
  data?: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

/** The hashed content of a record: built once at append time. */
export interface RecordContent {
  ts: number;
  type: AuditType;
  principal?: string;
  session?: string;
  effect?: string;
  tool?: string;
  rules?: string[];
  data?: Record<string, unknown>;
}
