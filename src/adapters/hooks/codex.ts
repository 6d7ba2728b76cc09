// Codex CLI hooks (hooks.json; schemas in openai/codex codex-rs/hooks/schema):
// the same stdin fields and reply shapes as Claude Code (session_id, turn_id,
// cwd, hook_event_name, tool_name, tool_input; hookSpecificOutput with
// permissionDecision), with Codex's own rules: a PreToolUse reply may only
// deny (permissionDecision "allow" without updatedInput, and "ask", are
// rejected as invalid and the call proceeds), so allow is an empty reply and
// ask becomes deny with the reason (fail closed: no approval channel here).
// Tool names: Bash, apply_patch (a patch, mapped to one file action per file),
// mcp__server__tool. Exit 2 with the reason on stderr blocks; other failures
// are ignored by Codex, so the fail-closed answer always exits 2.

import { blockClaudeStyle, parseClaudeStyle, renderClaudeStyle } from './claude-code.ts';
import { fileAction, isRecord, str, type CallContext } from './map.ts';
import { HookInputError, joinReasons, type HookProtocol, type HookReply, type HookRequest, type HookVerdict, type RenderOptions } from './protocol.ts';
import type { Action } from '../../action.ts';
import { patchFiles } from './map.ts';

const AGENT = 'codex';

function parse(input: unknown): HookRequest {
  if (isRecord(input) && input.hook_event_name === 'PreToolUse' && input.tool_name === 'apply_patch') {
    return { ...parseClaudeStyle({ ...input, tool_name: '__patch__', tool_input: {} }, AGENT), actions: patchActions(input) };
  }
  return parseClaudeStyle(input, AGENT);
}

function patchActions(input: Record<string, unknown>): Action[] {
  const ti = input.tool_input;
  const patch = typeof ti === 'string' ? ti : isRecord(ti) ? str(ti.command) ?? str(ti.patch) ?? str(ti.input) : undefined;
  if (patch === undefined) throw new HookInputError('tool_input: apply_patch without a patch (expected tool_input.command)');
  const ctx: CallContext = { agent: AGENT, session: str(input.session_id), cwd: str(input.cwd), event: 'PreToolUse', extra: { tool_use_id: input.tool_use_id, turn_id: input.turn_id } };
  const files = patchFiles(patch);
  // A patch we cannot read is still a write: decide it as one so the policy's default applies.
  if (files.length === 0) return [fileAction(ctx, 'file.write', 'apply_patch', ctx.cwd ?? '.', patch)];
  return files.map((f) => fileAction(ctx, f.op === 'delete' ? 'file.delete' : 'file.write', 'apply_patch', f.path, f.op === 'delete' ? undefined : f.content));
}

function render(req: HookRequest, v: HookVerdict, opts: RenderOptions = {}): HookReply {
  if (req.phase === 'pre') {
    if (v.effect === 'allow') return { stdout: '', exitCode: 0 };
    const reason = v.effect === 'ask' ? `${joinReasons(v)} (needs human approval; Codex hooks cannot ask, so the call is denied)` : joinReasons(v);
    return { stdout: `${JSON.stringify({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: reason } })}\n`, exitCode: 0 };
  }
  return renderClaudeStyle(req, v, opts);
}

export const codex: HookProtocol = {
  agent: AGENT,
  events: ['PreToolUse', 'PostToolUse', 'UserPromptSubmit'],
  parse,
  render,
  block: blockClaudeStyle,
};
