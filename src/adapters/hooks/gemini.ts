// Gemini CLI hooks (https://geminicli.com/docs/hooks/reference): JSON on stdin
// with session_id, cwd, hook_event_name, tool_name, tool_input (tool_response
// on AfterTool, prompt on BeforeAgent); replies are JSON with decision
// "allow" | "deny" and reason (sent to the agent as the tool error). Gemini has
// no ask from hooks, so ask is denied with the reason (fail closed). Exit 2
// blocks with stderr as the reason; other exit codes only warn, so the
// fail-closed answer always exits 2.

import type { Action } from '../../action.ts';
import { textOf } from './claude-code.ts';
import { absPath, action, fileAction, httpAction, isRecord, mcpAction, need, object, searchUrl, shellAction, splitMcpName, str, urlsIn, type CallContext } from './map.ts';
import { BRAND, HookInputError, joinReasons, type HookProtocol, type HookReply, type HookRequest, type HookVerdict, type RenderOptions } from './protocol.ts';

const AGENT = 'gemini';

function toolActions(ctx: CallContext, name: string, input: Record<string, unknown>, mcpContext: Record<string, unknown>): Action[] {
  const s = (...keys: string[]) => keys.map((k) => str(input[k])).find((v) => v !== undefined);
  const server = str(mcpContext.server_name);
  if (server) return [mcpAction(ctx, server, str(mcpContext.tool_name) ?? splitMcpName(name)?.tool ?? name, input)];
  const mcp = splitMcpName(name);
  if (mcp) return [mcpAction(ctx, mcp.server, mcp.tool, input)];
  const path = () => {
    const p = s('file_path', 'absolute_path', 'path');
    if (!p) throw new HookInputError(`tool_input.file_path: expected a non-empty string for ${name}`);
    return p;
  };
  switch (name) {
    case 'run_shell_command':
    {
      const dir = s('dir_path', 'directory');
      return [shellAction(ctx, name, need(input, 'command', 'tool_input'), dir ? absPath(dir, ctx.cwd) : undefined)];
    }
    case 'read_file':
      return [fileAction(ctx, 'file.read', name, path())];
    case 'read_many_files': {
      const list = [...(Array.isArray(input.paths) ? input.paths : []), ...(Array.isArray(input.include) ? input.include : [])].filter((p): p is string => typeof p === 'string');
      if (list.length === 0) return [fileAction(ctx, 'file.read', name, ctx.cwd ?? '.')];
      return list.slice(0, 64).map((p) => fileAction(ctx, 'file.read', name, p));
    }
    case 'write_file':
      return [fileAction(ctx, 'file.write', name, path(), s('content') ?? '')];
    case 'replace':
    case 'edit':
      return [fileAction(ctx, 'file.write', name, path(), s('new_string') ?? '', { old_string: s('old_string') })];
    case 'glob':
    case 'search_file_content':
    case 'grep':
    case 'list_directory':
      return [fileAction(ctx, 'file.read', name, s('dir_path', 'path', 'directory') ?? ctx.cwd ?? '.', undefined, { pattern: s('pattern') })];
    case 'web_fetch': {
      const urls = [...new Set([...(s('url') ? [s('url')!] : []), ...urlsIn(s('prompt') ?? '')])];
      // No URL to check is still a fetch: decide it so the policy's rules for http apply.
      if (urls.length === 0) return [httpAction(ctx, name, undefined, { prompt: s('prompt') })];
      return urls.map((u) => httpAction(ctx, name, u));
    }
    case 'google_web_search':
      return [httpAction(ctx, name, searchUrl('https://www.google.com/search', s('query')), { query: s('query') })];
    default:
      return [action(ctx, 'tool', name, input)];
  }
}

function parse(input: unknown): HookRequest {
  if (!isRecord(input)) throw new HookInputError('input: expected a JSON object');
  const event = need(input, 'hook_event_name');
  const session = str(input.session_id);
  const cwd = str(input.cwd);
  const ctx: CallContext = { agent: AGENT, session, cwd, event };
  const base = { agent: AGENT, event, session, cwd, actions: [] };
  switch (event) {
    case 'BeforeTool':
      return { ...base, phase: 'pre', actions: toolActions(ctx, need(input, 'tool_name'), object(input, 'tool_input'), object(input, 'mcp_context')) };
    case 'AfterTool': {
      const resp = input.tool_response;
      const text = isRecord(resp) && resp.llmContent !== undefined ? textOf(resp.llmContent) : textOf(resp);
      return { ...base, phase: 'post', source: need(input, 'tool_name'), text };
    }
    case 'BeforeAgent':
      return { ...base, phase: 'prompt', text: str(input.prompt) ?? '' };
    default:
      throw new HookInputError(`hook_event_name: '${event.slice(0, 40)}' is not an event AgentWall handles (BeforeTool, AfterTool, BeforeAgent)`);
  }
}

function json(value: unknown, exitCode = 0, stderr?: string): HookReply {
  return { stdout: `${JSON.stringify(value)}\n`, exitCode, stderr };
}

function render(req: HookRequest, v: HookVerdict, opts: RenderOptions = {}): HookReply {
  const hookEventName = req.event;
  if (req.phase === 'pre') {
    if (v.effect === 'allow') return json(opts.deferAllow ? {} : { decision: 'allow' });
    const reason = v.effect === 'ask' ? `${joinReasons(v)} (needs human approval; Gemini CLI hooks cannot ask, so the call is denied)` : joinReasons(v);
    return json({ decision: 'deny', reason });
  }
  const out: Record<string, unknown> = {};
  if (v.effect !== 'allow') {
    out.decision = 'deny';
    out.reason = joinReasons(v);
  }
  if (v.context) out.hookSpecificOutput = { hookEventName, additionalContext: v.context };
  return json(out);
}

function block(reason: string): HookReply {
  const text = `${BRAND}: ${reason}`;
  return json({ decision: 'deny', reason: text }, 2, `${text}\n`);
}

export const gemini: HookProtocol = {
  agent: AGENT,
  events: ['BeforeTool', 'AfterTool', 'BeforeAgent'],
  parse,
  render,
  block,
};
