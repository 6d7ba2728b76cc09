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

/** The hashed content of a record: the input with its time fixed, built once at append time. */
export type RecordContent = AuditInput & { ts: number };

/** A stored record. `body` is the canonical JSON of the content (everything but seq and the hashes). */
export type AuditRecord = RecordContent & {
  seq: number;
  prevHash: string;
  hash: string;
};
