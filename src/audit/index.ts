// The tamper-evident audit log: append, checkpoints, verify, query, and the firewall listener.
export { AuditLog, AuditWriteError, CHECKPOINT_FILE, type AuditOptions, type Durability } from './log.ts';
export { verifyLog, type VerifyReport, type VerifyProblem, type ProblemKind, type Anchor } from './verify.ts';
export { queryRecords, exportRecords, parseTime, type AuditQuery } from './query.ts';
export { auditDecisions, type AuditListenerOptions } from './listener.ts';
export { attachAudit } from './attach.ts';
export { redactAction, policyRedactor, SECRET_KEY, REDACTED, type Redactor } from './redact.ts';
export { AuditSectionSchema, type AuditSection } from './section.ts';
export { loadSigningKey, loadVerifyKey, KeyError, KEY_FILE, PUBLIC_KEY_FILE, type SigningKey } from './keys.ts';
export { canonicalJson } from './canonical.ts';
export { AUDIT_TYPES, type AuditInput, type AuditRecord, type AuditType } from './record.ts';
