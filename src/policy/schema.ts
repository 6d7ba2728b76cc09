// The shape of a policy file, as a zod schema. Only structure lives here;
// conditions are validated by the compiler (they need the operator and matcher
// registries), and registered sections (scan:, audit:, ...) add their own schemas.

import { z } from 'zod';
import { getSection, sectionKeys } from './sections.ts';

export const EffectSchema = z.enum(['allow', 'deny', 'ask']);
export const ModeSchema = z.enum(['enforce', 'monitor']);

/** "250ms", "30s", "10m", "2h", "1d" or a number of seconds. */
export const DurationSchema = z.union([
  z.number().positive(),
  z.string().regex(/^\d+(\.\d+)?(ms|s|m|h|d)$/, 'expected a duration such as 30s, 10m, 2h'),
]);

export function durationMs(d: z.infer<typeof DurationSchema>): number {
  if (typeof d === 'number') return d * 1000;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(d)!;
  const n = Number(m[1]);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return n * unit;
}

const Conditions = z.record(z.string(), z.unknown(), { error: 'expected a map of conditions' });

export const RuleSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,127}$/, 'expected an id of letters, digits and _ . : / - (at most 128)'),
  effect: EffectSchema,
  description: z.string().max(4096).optional(),
  reason: z.string().max(4096).optional(),
  mode: ModeSchema.optional(),
  enabled: z.boolean().optional(),
  tags: z.array(z.string()).optional(),
  when: Conditions.optional(),
  unless: Conditions.optional(),
  approval: z
    .strictObject({
      approvers: z.number().int().min(1).max(100).optional(),
      timeout: DurationSchema.optional(),
    })
    .optional(),
});

const ListName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'expected a list name of letters, digits, _ and -');

function baseShape() {
  return {
    version: z.literal(1, { error: 'expected version: 1' }),
    name: z.string().max(256).optional(),
    description: z.string().max(4096).optional(),
    default: EffectSchema.optional(),
    mode: ModeSchema.optional(),
    lists: z.record(ListName, z.array(z.union([z.string(), z.number(), z.boolean()]))).optional(),
    rules: z.array(RuleSchema).optional(),
  };
}

/** Built on demand so sections registered after import are included. */
export function policySchema() {
  const shape: Record<string, z.ZodType> = baseShape();
  for (const key of sectionKeys()) shape[key] = getSection(key)!.schema.optional();
  return z.strictObject(shape);
}

export type RuleDoc = z.infer<typeof RuleSchema>;
export interface PolicyDoc {
  version: 1;
  name?: string;
  description?: string;
  default?: z.infer<typeof EffectSchema>;
  mode?: z.infer<typeof ModeSchema>;
  lists?: Record<string, Array<string | number | boolean>>;
  rules?: RuleDoc[];
  [section: string]: unknown;
}
