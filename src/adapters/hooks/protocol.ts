// The contract between a coding agent's hook protocol and the firewall. Each
// agent module (claude-code, codex, gemini, cursor) only translates: its stdin
// JSON -> HookRequest (actions to decide, or text to scan), and a HookVerdict
// -> its stdout JSON and exit code. It also knows its own blocking answer, used
// whenever anything goes wrong (fail closed per protocol).
//
// These modules must stay light (no engine imports): the hook client loads them
// on every call, before it knows whether a daemon will do the work.

import type { Action, Effect } from '../../action.ts';

/** What the agent is asking about: a tool call to decide, a tool output or a prompt to scan. */
export type HookPhase = 'pre' | 'post' | 'prompt' | 'ignore';

export interface HookRequest {
  agent: string;
  /** The agent's own event name (PreToolUse, BeforeTool, beforeShellExecution, ...). */
  event: string;
  phase: HookPhase;
  /** The agent's session (conversation) id: the key of persistent session state. */
  session?: string;
  cwd?: string;
  /** pre: the actions one tool call amounts to (a patch touching three files is three actions). */
  actions: Action[];
  /** post: the tool's output; prompt: the user's prompt. */
  text?: string;
  /** post: the tool whose output `text` is. */
  source?: string;
}

/** What the firewall made of a request, before the agent's wire format. */
export interface HookVerdict {
  /** pre: the decision; post/prompt: deny means block (scan verdict block). */
  effect: Effect;
  reasons: string[];
  rules: string[];
  /** A note for the model (an injection warning on a tool output). */
  context?: string;
  /** post: the output with secrets redacted, for agents that can replace it. */
  redacted?: string;
}

export interface HookReply {
  stdout: string;
  stderr?: string;
  exitCode: number;
}

export interface RenderOptions {
  /** On allow, say nothing so the agent's own permission rules still apply (instead of pre-approving). */
  deferAllow?: boolean;
}

export interface HookProtocol {
  readonly agent: string;
  /** Events the installer registers, by the agent's own names. */
  readonly events: readonly string[];
  /** Throws HookInputError on input that does not follow the protocol. */
  parse(input: unknown): HookRequest;
  render(request: HookRequest, verdict: HookVerdict, opts?: RenderOptions): HookReply;
  /** The protocol's blocking answer; `event` when known, so the answer fits the event. */
  block(reason: string, event?: string): HookReply;
}

export class HookInputError extends Error {
  override name = 'HookInputError';
}

/** Prefix of every reason the agents show, so users know who blocked. */
export const BRAND = 'AgentWall';

export function joinReasons(v: HookVerdict): string {
  const text = v.reasons.filter(Boolean).join('; ');
  return `${BRAND}: ${text || v.effect}`;
}
