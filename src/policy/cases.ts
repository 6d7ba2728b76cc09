// Policy tests, in the spirit of `opa test`: a YAML file of actions with the
// effect each must get. Used by `agentwall policy test` and by the unit test
// that runs every policies/*.test.yaml.
//
//   policy: coding-agent.yaml          # optional, relative to this file
//   cases:
//     - name: recursive force delete is denied
//       action: { kind: shell, args: { command: "rm -rf /" } }
//       expect: deny                   # allow | deny | ask
//       rules: [no-recursive-force-delete]   # optional: each must be among the deciding rules
//       now: "2026-01-05T10:00:00Z"    # optional decision time

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import type { Decision } from '../action.ts';
import { parsePolicyText } from './load.ts';
import { PolicyError } from './errors.ts';

const CaseSchema = z.strictObject({
  name: z.string().min(1),
  action: z.record(z.string(), z.unknown()),
  expect: z.enum(['allow', 'deny', 'ask']),
  rules: z.array(z.string()).optional(),
  now: z.string().optional(),
});

const CasesSchema = z.strictObject({
  policy: z.union([z.string(), z.array(z.string())]).optional(),
  cases: z.array(CaseSchema).min(1),
});

export type PolicyCase = z.infer<typeof CaseSchema>;

export interface CaseFile {
  file: string;
  /** Policy paths named by the file, resolved against its directory. */
  policy: string[];
  cases: Array<PolicyCase & { line?: number }>;
}

export interface CaseResult {
  name: string;
  ok: boolean;
  expected: string;
  got: Decision;
  /** What did not match, for failures. */
  problem?: string;
  line?: number;
}

export function readCaseFile(file: string): CaseFile {
  const src = parsePolicyText(readFileSync(file, 'utf8'), file);
  const r = CasesSchema.safeParse(src.doc);
  if (!r.success) {
    throw new PolicyError(
      r.error.issues.map((i) => {
        const path = i.path.filter((p): p is string | number => typeof p !== 'symbol');
        return { file, path, message: i.code === 'unrecognized_keys' ? `unknown key(s) ${i.keys.join(', ')}` : i.message, ...src.locate(path) };
      }),
    );
  }
  const base = dirname(file);
  const policy = r.data.policy === undefined ? [] : (Array.isArray(r.data.policy) ? r.data.policy : [r.data.policy]).map((p) => resolve(base, p));
  return {
    file,
    policy,
    cases: r.data.cases.map((c, i) => ({ ...c, line: src.locate(['cases', i])?.line })),
  };
}

/** Runs cases with a decide function (so the caller chooses analyzers, clock, session). */
export function runCases(cf: CaseFile, decideAt: (action: PolicyCase['action'], now: number | undefined) => Decision): CaseResult[] {
  return cf.cases.map((c) => {
    const now = c.now !== undefined ? Date.parse(c.now) : undefined;
    if (now !== undefined && Number.isNaN(now)) {
      const got = { effect: 'deny', rules: [], reasons: [], policyDigest: '', evalNs: 0 } as Decision;
      return { name: c.name, ok: false, expected: c.expect, got, problem: `invalid 'now': ${c.now}`, line: c.line };
    }
    const got = decideAt(c.action, now);
    let problem: string | undefined;
    if (got.effect !== c.expect) problem = `expected ${c.expect}, got ${got.effect} (${got.reasons.join('; ')})`;
    else if (c.rules) {
      const missing = c.rules.filter((r) => !got.rules.includes(r));
      if (missing.length > 0) problem = `expected rules ${missing.join(', ')} among [${got.rules.join(', ')}]`;
    }
    return { name: c.name, ok: problem === undefined, expected: c.expect, got, problem, line: c.line };
  });
}
