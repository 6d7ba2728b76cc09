// The `audit:` policy section: how actions are redacted in the audit log.
// Strict schema, so a typo is a located policy error.
//
//   audit:
//     redact_keys: [ssn, card_number, iban]   # also mask values of keys containing these (case-insensitive)
//     store_args: false                       # keep no argument values at all (kind, tool, who, when, decision only)
//     max_string: 512                         # cut strings longer than this

import { z } from 'zod';
import { registerSection, getSection } from '../policy/sections.ts';

export const AuditSectionSchema = z.strictObject({
  redact_keys: z.array(z.string().min(1).max(100)).max(200).optional(),
  store_args: z.boolean().optional(),
  max_string: z.number().int().min(0).max(1_000_000).optional(),
});

export type AuditSection = z.infer<typeof AuditSectionSchema>;

/** Several files of one bundle: the union of keys, and the stricter of each setting. */
function merge(a: AuditSection, b: AuditSection): AuditSection {
  const out: AuditSection = {};
  const keys = [...(a.redact_keys ?? []), ...(b.redact_keys ?? [])];
  if (keys.length > 0) out.redact_keys = [...new Set(keys)];
  if (a.store_args !== undefined || b.store_args !== undefined) out.store_args = a.store_args !== false && b.store_args !== false;
  const ms = [a.max_string, b.max_string].filter((x): x is number => x !== undefined);
  if (ms.length > 0) out.max_string = Math.min(...ms);
  return out;
}

if (!getSection('audit')) registerSection<AuditSection>({ key: 'audit', schema: AuditSectionSchema, merge });
