// Test helpers: compile a policy from YAML text or an object and decide.
import { compilePolicy } from '../../src/policy/compile.ts';
import { parsePolicyText, policyFromObject } from '../../src/policy/load.ts';
import { decide } from '../../src/policy/decide.ts';
import type { Action, Decision } from '../../src/action.ts';
import type { CompiledPolicy } from '../../src/policy/compile.ts';

export function yamlPolicy(text: string, file = 'test.yaml'): CompiledPolicy {
  return compilePolicy([parsePolicyText(text, file)]);
}

export function objPolicy(obj: Record<string, unknown>): CompiledPolicy {
  return compilePolicy([policyFromObject(obj)]);
}

/** Decision for one action under a one-rule policy whose rule has the given `when`. */
export function matches(when: Record<string, unknown>, action: Partial<Action>, lists?: Record<string, unknown[]>): boolean {
  const p = objPolicy({ version: 1, default: 'deny', lists, rules: [{ id: 'r', effect: 'allow', when }] });
  const d = decide(p, { kind: 'tool', tool: 't', ...action } as Action);
  if (d.errors?.length) throw new Error(d.errors.join('; '));
  return d.effect === 'allow';
}

export function run(p: CompiledPolicy, action: Action, now?: number): Decision {
  return decide(p, action, { now });
}
