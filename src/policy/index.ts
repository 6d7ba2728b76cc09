// Entry point of the policy language: turn whatever the user gives (a file,
// a directory of files, YAML text, an object, or a list of these) into one
// CompiledPolicy.

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { compilePolicy, type CompiledPolicy } from './compile.ts';
import { parsePolicyText, policyFromObject, readPolicyFile, type LoadOptions, type PolicySource } from './load.ts';
import { PolicyError } from './errors.ts';

/**
 * A policy as users give it:
 * - a path to a .yaml/.yml/.json file, or to a directory (its policy files, in name order)
 * - YAML text (any string containing a newline)
 * - a policy object ({ version: 1, rules: [...] })
 * - a list of any of these, composed into one bundle
 */
export type PolicyInput = string | Record<string, unknown> | readonly PolicyInput[];

export function policySources(input: PolicyInput, opts: LoadOptions = {}): PolicySource[] {
  if (Array.isArray(input)) return input.flatMap((i) => policySources(i as PolicyInput, opts));
  if (typeof input === 'string') {
    if (input.includes('\n')) return [parsePolicyText(input, '<inline>', opts)];
    let isDir = false;
    try {
      isDir = statSync(input).isDirectory();
    } catch {
      /* readPolicyFile reports the missing file */
    }
    if (isDir) {
      const files = readdirSync(input)
        .filter((f) => /\.(ya?ml|json)$/.test(f))
        .sort()
        .map((f) => join(input, f));
      if (files.length === 0) throw new PolicyError([{ file: input, path: [], message: 'directory holds no .yaml, .yml or .json policy files' }]);
      return files.map((f) => readPolicyFile(f, opts));
    }
    return [readPolicyFile(input, opts)];
  }
  if (input !== null && typeof input === 'object') return [policyFromObject(input)];
  throw new PolicyError([{ path: [], message: 'policy must be a file path, YAML text, a policy object or a list of these' }]);
}

export function loadPolicy(input: PolicyInput, opts: LoadOptions = {}): CompiledPolicy {
  return compilePolicy(policySources(input, opts));
}

export { compilePolicy, type CompiledPolicy, type CompiledRule } from './compile.ts';
export { decide, type DecideEnv } from './decide.ts';
export { PolicyError, formatIssue, type PolicyIssue } from './errors.ts';
export { registerMatcher, type MatcherDef, type Cond, type CompileCtx, type EvalContext, type SessionView } from './matcher.ts';
export { registerSection, type SectionDef } from './sections.ts';
