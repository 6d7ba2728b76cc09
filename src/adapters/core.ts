// What the SDK adapters share: how a tool call becomes an Action, the message
// a model gets when a call is blocked, and the response scan of a tool's
// output. Translation only: every decision is the firewall's.

import type { Action, Decision, Principal } from '../action.ts';
import type { Firewall } from '../firewall.ts';
import { describeFindings, scannerOf } from './scan.ts';

/** Thrown by a guarded tool instead of running a blocked call (SDKs that report thrown errors to the model); its message is what the model reads. */
export class ToolCallBlocked extends Error {
  override name = 'ToolCallBlocked';
  constructor(
    message: string,
    readonly decision?: Decision,
  ) {
    super(message);
  }
}

export interface AdapterOptions {
  /** Session id for every call (history, rates, taint). */
  session?: string;
  principal?: Principal;
  context?: Record<string, unknown>;
  /** Builds the action for a call; default `{ kind: 'tool', tool: name, args: input }`. */
  describe?: (tool: string, input: unknown) => Action;
  /** Scan tool outputs at point 'response' (default: true, when the firewall has scanners). */
  scanOutputs?: boolean;
}

export function actionFor(tool: string, input: unknown, o: AdapterOptions = {}): Action {
  if (o.describe) return o.describe(tool, input);
  const args = input !== null && typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, unknown>) : { input };
  const a: Action = { kind: 'tool', tool, args };
  if (o.session) a.session = o.session;
  if (o.principal) a.principal = o.principal;
  if (o.context) a.context = o.context;
  return a;
}

/** What the model reads when a call is not allowed: the firewall's reasons, so it can correct itself. */
export function blockedMessage(tool: string, d: Decision): string {
  const why = d.reasons.length ? d.reasons.join('; ') : d.effect;
  return `AgentWall blocked the call to ${tool}: ${why}`;
}

/** Decides a call, describing it first; a describe function that throws is a deny. */
export function decideSync(firewall: Firewall, tool: string, input: unknown, o: AdapterOptions): Decision {
  let action: Action;
  try {
    action = actionFor(tool, input, o);
  } catch (e) {
    return { effect: 'deny', rules: [], reasons: [`could not describe the call: ${(e as Error).message}`], policyDigest: firewall.policy.digest, evalNs: 0 };
  }
  return firewall.guard(action);
}

export async function authorizeCall(firewall: Firewall, tool: string, input: unknown, o: AdapterOptions): Promise<Decision> {
  let action: Action;
  try {
    action = actionFor(tool, input, o);
  } catch (e) {
    return { effect: 'deny', rules: [], reasons: [`could not describe the call: ${(e as Error).message}`], policyDigest: firewall.policy.digest, evalNs: 0 };
  }
  return firewall.authorize(action);
}

export interface Screened<T> {
  /** The output to hand to the model (redacted when the scan redacted it). */
  output: T | string;
  /** Set when the scan blocked the output: the message to give the model instead. */
  blocked?: string;
}

function textOf(v: unknown): string {
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Passes a tool's output through the response scan (which also records it in the session as untrusted). */
export async function screenOutput<T>(firewall: Firewall, tool: string, output: T, o: AdapterOptions): Promise<Screened<T>> {
  const scan = o.scanOutputs === false ? undefined : scannerOf(firewall);
  if (!scan) return { output };
  const r = await scan(textOf(output), { point: 'response', session: o.session, source: tool });
  if (r.verdict === 'block') return { output, blocked: `AgentWall withheld the output of ${tool}: ${describeFindings(r, tool)}` };
  if (r.verdict === 'redact' && r.redacted !== undefined) {
    if (typeof output === 'string') return { output: r.redacted };
    try {
      return { output: JSON.parse(r.redacted) as T };
    } catch {
      return { output: r.redacted };
    }
  }
  return { output };
}
