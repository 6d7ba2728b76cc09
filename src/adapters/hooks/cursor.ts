// Cursor hooks (.cursor/hooks.json, https://cursor.com/docs/agent/hooks): JSON
// on stdin with conversation_id, generation_id, hook_event_name and
// workspace_roots, plus per event: beforeShellExecution {command, cwd},
// beforeMCPExecution {tool_name, tool_input, url | command}, beforeReadFile
// {file_path, content}, beforeSubmitPrompt {prompt}, afterShellExecution
// {command, output}, afterMCPExecution {tool_name, result_json}. Replies:
// {permission: allow | deny | ask, user_message, agent_message} before an
// action, {continue, user_message} before a prompt, {} after an action (those
// are observe-only, used here to scan outputs and record taint).
// Exit 2 blocks (with the deny reply on stdout); the installer also sets
// failClosed so a crash or timeout blocks.

import type { Action } from '../../action.ts';
import { textOf } from './claude-code.ts';
import { action, fileAction, isRecord, mcpAction, need, shellAction, str, type CallContext } from './map.ts';
import { BRAND, HookInputError, joinReasons, type HookProtocol, type HookReply, type HookRequest, type HookVerdict } from './protocol.ts';

const AGENT = 'cursor';

function mcpOf(ctx: CallContext, input: Record<string, unknown>): Action {
  const name = need(input, 'tool_name');
  let args: unknown = input.tool_input;
  if (typeof args === 'string') {
    try {
      args = JSON.parse(args);
    } catch {
      throw new HookInputError('tool_input: a string that is not JSON');
    }
  }
  const m = /^MCP:([^:]+):(.+)$/.exec(name);
  const server = m?.[1] ?? str(input.server_name) ?? str(input.url) ?? str(input.command) ?? 'unknown';
  const a = mcpAction(ctx, server, m?.[2] ?? name, args ?? {});
  for (const k of ['url', 'command'] as const) if (typeof input[k] === 'string') a.args![k] = input[k];
  return a;
}

function parse(input: unknown): HookRequest {
  if (!isRecord(input)) throw new HookInputError('input: expected a JSON object');
  const event = need(input, 'hook_event_name');
  const session = str(input.conversation_id);
  const roots = Array.isArray(input.workspace_roots) ? input.workspace_roots.filter((r): r is string => typeof r === 'string') : [];
  const cwd = str(input.cwd) ?? roots[0];
  const ctx: CallContext = { agent: AGENT, session, cwd, event, extra: typeof input.generation_id === 'string' ? { generation_id: input.generation_id } : undefined };
  const base = { agent: AGENT, event, session, cwd, actions: [] };
  switch (event) {
    case 'beforeShellExecution':
      return { ...base, phase: 'pre', actions: [shellAction(ctx, 'shell', need(input, 'command'), cwd)] };
    case 'beforeMCPExecution':
      return { ...base, phase: 'pre', actions: [mcpOf(ctx, input)] };
    case 'beforeReadFile':
      return { ...base, phase: 'pre', actions: [fileAction(ctx, 'file.read', 'read_file', need(input, 'file_path'))] };
    case 'beforeSubmitPrompt':
      return { ...base, phase: 'prompt', text: str(input.prompt) ?? '' };
    case 'afterShellExecution':
      return { ...base, phase: 'post', source: 'shell', text: textOf(input.output) };
    case 'afterMCPExecution':
      return { ...base, phase: 'post', source: str(input.tool_name) ?? 'mcp', text: textOf(input.result_json) };
    default:
      if (event === 'preToolUse' && typeof input.tool_name === 'string') {
        return { ...base, phase: 'pre', actions: [action(ctx, 'tool', input.tool_name, isRecord(input.tool_input) ? input.tool_input : {})] };
      }
      throw new HookInputError(`hook_event_name: '${event.slice(0, 40)}' is not an event AgentWall handles`);
  }
}

function json(value: unknown, exitCode = 0, stderr?: string): HookReply {
  return { stdout: `${JSON.stringify(value)}\n`, exitCode, stderr };
}

/** Both spellings: current Cursor reads snake_case, 1.7 read camelCase. */
function messages(text: string): Record<string, string> {
  return { user_message: text, agent_message: text, userMessage: text, agentMessage: text };
}

function render(req: HookRequest, v: HookVerdict): HookReply {
  const reason = joinReasons(v);
  if (req.phase === 'pre') {
    if (req.event === 'beforeReadFile') return json({ permission: v.effect === 'ask' ? 'deny' : v.effect });
    return json({ permission: v.effect, ...messages(reason) });
  }
  if (req.phase === 'prompt') return json(v.effect === 'allow' ? { continue: true } : { continue: false, user_message: reason, userMessage: reason });
  return json({});
}

function block(reason: string, event?: string): HookReply {
  const text = `${BRAND}: ${reason}`;
  const body = event === 'beforeSubmitPrompt' ? { continue: false, user_message: text, userMessage: text } : { permission: 'deny', ...messages(text) };
  return json(body, 2, `${text}\n`);
}

export const cursor: HookProtocol = {
  agent: AGENT,
  events: ['beforeShellExecution', 'beforeMCPExecution', 'beforeReadFile', 'beforeSubmitPrompt', 'afterShellExecution', 'afterMCPExecution'],
  parse,
  render,
  block,
};
