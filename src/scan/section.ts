// The `scan:` policy section: injection thresholds and finding actions per
// point, size limits and chunking, which PII kinds to look for, extra secret
// rules (compiled with re2js at load time, so a bad regex is a located policy
// error) and built-in rules to disable. Strict schema: unknown keys are errors.
//
//   scan:
//     actions: { unicode: warn }                 # every point
//     input:    { threshold: 0.5, actions: { injection: block } }
//     response: { threshold: 0.5, actions: { injection: block, secret: redact } }
//     output:   { actions: { secret: redact, pii: redact, pii.ip: allow, canary: block } }
//     limits:   { maxBytes: 10485760, oversize: chunk, chunkBytes: 1048576 }

import { z } from 'zod';
import { RE2JS } from 're2js';
import { registerSection, getSection } from '../policy/sections.ts';
import { PII_KINDS } from './pii.ts';
import { FINDING_TYPES, SCAN_ACTIONS } from './types.ts';

const Action = z.enum(SCAN_ACTIONS as unknown as [string, ...string[]]);
const ActionKey = z.string().regex(new RegExp(`^(?:${FINDING_TYPES.join('|')})(?:\\.[a-z0-9_-]+)?$`), {
  message: `expected a finding type (${FINDING_TYPES.join(', ')}) optionally followed by .rule or .kind (e.g. pii.email, secret.jwt)`,
});
const Actions = z.record(ActionKey, Action);
const Threshold = z.number().min(0).max(1);

const PointSchema = z.strictObject({
  /** Injection score at or above which an injection finding is raised. */
  threshold: Threshold.optional(),
  actions: Actions.optional(),
});

const SecretRule = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/),
    description: z.string().max(200).optional(),
    regex: z.string().min(1).max(4096),
    keywords: z.array(z.string().min(2).max(64)).max(64).optional(),
    group: z.number().int().min(0).max(9).optional(),
    entropy: z.number().min(0).max(8).optional(),
  })
  .superRefine((r, ctx) => {
    try {
      RE2JS.compile(r.regex);
    } catch (e) {
      ctx.addIssue({ code: 'custom', path: ['regex'], message: `not a valid RE2 regex: ${(e as Error).message}` });
    }
  });

export const ScanSectionSchema = z.strictObject({
  /** Turn detectors off (all on by default). */
  detectors: z
    .strictObject({
      injection: z.boolean().optional(),
      secrets: z.boolean().optional(),
      pii: z.boolean().optional(),
      unicode: z.boolean().optional(),
      canary: z.boolean().optional(),
      decode: z.boolean().optional(),
    })
    .optional(),
  /** Default actions for every point; per-point actions override them. */
  actions: Actions.optional(),
  input: PointSchema.optional(),
  response: PointSchema.optional(),
  output: PointSchema.optional(),
  limits: z
    .strictObject({
      /** Inputs up to this size (UTF-8 bytes) are scanned whole. */
      maxBytes: z.number().int().min(1024).max(1024 * 1024 * 1024).optional(),
      /** Larger inputs: scanned in overlapping chunks, or refused (verdict block with an error). */
      oversize: z.enum(['chunk', 'refuse']).optional(),
      chunkBytes: z.number().int().min(4096).optional(),
      overlapBytes: z.number().int().min(0).optional(),
    })
    .optional(),
  pii: z.strictObject({ kinds: z.array(z.enum(PII_KINDS as unknown as [string, ...string[]])).optional() }).optional(),
  secrets: z
    .strictObject({
      rules: z.array(SecretRule).max(1000).optional(),
      disable: z.array(z.string()).optional(),
    })
    .optional(),
});

export type ScanSection = z.infer<typeof ScanSectionSchema>;

/** Later files refine earlier ones: maps merge key by key, lists concatenate. */
export function mergeScanSections(a: ScanSection, b: ScanSection): ScanSection {
  const point = (x?: z.infer<typeof PointSchema>, y?: z.infer<typeof PointSchema>) =>
    x || y ? { ...x, ...y, actions: { ...x?.actions, ...y?.actions } } : undefined;
  const out: ScanSection = {
    ...a,
    ...b,
    detectors: a.detectors || b.detectors ? { ...a.detectors, ...b.detectors } : undefined,
    actions: a.actions || b.actions ? { ...a.actions, ...b.actions } : undefined,
    input: point(a.input, b.input),
    response: point(a.response, b.response),
    output: point(a.output, b.output),
    limits: a.limits || b.limits ? { ...a.limits, ...b.limits } : undefined,
    pii: b.pii ?? a.pii,
    secrets: a.secrets || b.secrets
      ? { rules: [...(a.secrets?.rules ?? []), ...(b.secrets?.rules ?? [])], disable: [...(a.secrets?.disable ?? []), ...(b.secrets?.disable ?? [])] }
      : undefined,
  };
  for (const k of Object.keys(out) as Array<keyof ScanSection>) if (out[k] === undefined) delete out[k];
  return out;
}

if (!getSection('scan')) registerSection<ScanSection>({ key: 'scan', schema: ScanSectionSchema, merge: mergeScanSections });
