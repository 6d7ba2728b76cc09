// Test helpers for the fact matchers: decide with the built-in analyzers.
import { createFirewall, type Firewall } from '../../src/firewall.ts';
import { PolicyError } from '../../src/policy/errors.ts';
import type { Action } from '../../src/action.ts';

/** A firewall whose policy has one allow rule with the given `when` (default deny). */
export async function ruleFirewall(when: Record<string, unknown>, lists?: Record<string, unknown[]>, unless?: Record<string, unknown>): Promise<Firewall> {
  return createFirewall({ policy: { version: 1, default: 'deny', ...(lists ? { lists } : {}), rules: [{ id: 'r', effect: 'allow', when, ...(unless ? { unless } : {}) }] } });
}

/** Does the rule match the action? Throws when the decision carries evaluation errors. */
export async function holds(when: Record<string, unknown>, action: Action, lists?: Record<string, unknown[]>): Promise<boolean> {
  const d = (await ruleFirewall(when, lists)).guard(action);
  if (d.errors?.length) throw new Error(d.errors.join('; '));
  return d.effect === 'allow';
}

/** The load error for a rule with the given `when` (file:line:column and path in the message). */
export async function loadError(yamlWhen: string): Promise<string> {
  const text = `version: 1\nrules:\n  - id: r\n    effect: deny\n    when: ${yamlWhen}\n`;
  try {
    await createFirewall({ policy: text });
  } catch (e) {
    if (e instanceof PolicyError) return e.message;
    throw e;
  }
  return '';
}

export const sh = (command: string, cwd = '/home/dev/project'): Action => ({ kind: 'shell', args: { command, cwd } });
