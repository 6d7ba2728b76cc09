// Claude Code hooks (https://code.claude.com/docs/en/hooks): JSON on stdin with
// session_id, cwd, hook_event_name, tool_name, tool_input (tool_response after
// the call, prompt on UserPromptSubmit). Answers are JSON on stdout with exit 0:
// PreToolUse hookSpecificOutput.permissionDecision allow | deny | ask with
// permissionDecisionReason; PostToolUse / UserPromptSubmit decision "block" with
// a reason, or hookSpecificOutput.additionalContext for the model.
// Exit 2 is Claude Code's blocking error (stderr goes to Claude) and is used
// only for the fail-closed answer: any other non-zero exit would be ignored.

import { claudeToolActions, isRecord, need, object, str, type CallContext } from './map.ts';
import { HookInputError, joinReasons, type HookProtocol, type HookReply, type HookRequest, type HookVerdict, type RenderOptions } from './protocol.ts';

const AGENT = 'claude-code';

/** Parses the fields Claude Code and Codex share; `agent` names who sent them. */
export function parseClaudeStyle(input: unknown, agent: string): HookRequest {
  if (!isRecord(input)) throw new HookInputError('input: expected a JSON object');
  const event = need(input, 'hook_event_name');
  const session = str(input.session_id);
  const cwd = str(input.cwd);
  const extra: Record<string, unknown> = {};
  for (const k of ['permission_mode', 'model', 'tool_use_id', 'turn_id'] as const) if (typeof input[k] === 'string') extra[k] = input[k];
  const ctx: CallContext = { agent, session, cwd, event, extra };
  const base = { agent, event, session, cwd, actions: [] };
  switch (event) {
    case 'PreToolUse':
      return { ...base, phase: 'pre', actions: claudeToolActions(ctx, need(input, 'tool_name'), object(input, 'tool_input')) };
    case 'PostToolUse':
      return { ...base, phase: 'post', source: need(input, 'tool_name'), text: textOf(input.tool_response) };
    case 'UserPromptSubmit':
      return { ...base, phase: 'prompt', text: str(input.prompt) ?? '' };
    default:
      throw new HookInputError(`hook_event_name: '${event.slice(0, 40)}' is not an event AgentWall handles (PreToolUse, PostToolUse, UserPromptSubmit)`);
  }
}

/** A tool response as text for the scanners: strings as is, structured output as JSON. */
export function textOf(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

function json(value: unknown, exitCode = 0, stderr?: string): HookReply {
  return { stdout: `${JSON.stringify(value)}\n`, exitCode, stderr };
}

/** Claude Code's answer shapes; Codex reuses them with its own restrictions. */
export function renderClaudeStyle(req: HookRequest, v: HookVerdict, opts: RenderOptions = {}): HookReply {
  const reason = joinReasons(v);
  if (req.phase === 'pre') {
    if (v.effect === 'allow' && opts.deferAllow) return json({});
    const out: Record<string, unknown> = { hookEventName: 'PreToolUse', permissionDecision: v.effect, permissionDecisionReason: reason };
    if (v.context) out.additionalContext = v.context;
    return json({ hookSpecificOutput: out });
  }
  const hookEventName = req.phase === 'post' ? 'PostToolUse' : 'UserPromptSubmit';
  const out: Record<string, unknown> = {};
  if (v.effect !== 'allow') {
    out.decision = 'block';
    out.reason = reason;
  }
  if (v.context) out.hookSpecificOutput = { hookEventName, additionalContext: v.context };
  return json(out);
}

export function blockClaudeStyle(reason: string, event?: string): HookReply {
  const text = `AgentWall: ${reason}`;
  const body =
    event === 'PostToolUse' || event === 'UserPromptSubmit'
      ? { decision: 'block', reason: text }
      : { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: text } };
  return json(body, 2, `${text}\n`);
}

export const claudeCode: HookProtocol = {
  agent: AGENT,
  events: ['PreToolUse', 'PostToolUse', 'UserPromptSubmit'],
  parse: (input) => parseClaudeStyle(input, AGENT),
  render: renderClaudeStyle,
  block: blockClaudeStyle,
};
