// Shared translation of coding-agent tool calls into Actions, following the
// args conventions of src/action.ts (shell {command, cwd}, file.* {path,
// content}, http {url, method}, mcp {server, tool, arguments}). Claude Code and
// Codex share tool names (Bash, mcp__server__tool); Gemini and Cursor map their
// own names onto the same helpers. Paths are resolved against the agent's cwd
// so path rules see absolute paths.

import { isAbsolute, resolve } from 'node:path';
import type { Action } from '../../action.ts';
import { HookInputError } from './protocol.ts';

export interface CallContext {
  agent: string;
  session?: string;
  cwd?: string;
  event: string;
  /** Extra context fields (model, permission mode, tool use id). */
  extra?: Record<string, unknown>;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A required string field of the agent's input, or a HookInputError naming it. */
export function need(obj: Record<string, unknown>, key: string, where = 'input'): string {
  const v = obj[key];
  if (typeof v !== 'string' || v === '') throw new HookInputError(`${where}.${key}: expected a non-empty string`);
  return v;
}

export function object(obj: Record<string, unknown>, key: string, where = 'input'): Record<string, unknown> {
  const v = obj[key];
  if (v === undefined || v === null) return {};
  if (!isRecord(v)) throw new HookInputError(`${where}.${key}: expected an object`);
  return v;
}

export function absPath(p: string, cwd?: string): string {
  if (p.startsWith('~') || isAbsolute(p) || !cwd) return p;
  return resolve(cwd, p);
}

/** Builds an action with the common fields every hook action carries. */
export function action(ctx: CallContext, kind: string, tool: string, args: Record<string, unknown>): Action {
  const context: Record<string, unknown> = { agent: ctx.agent, event: ctx.event, ...ctx.extra };
  if (ctx.cwd) context.cwd = ctx.cwd;
  const a: Action = { kind, tool, args, principal: { id: ctx.agent }, context };
  if (ctx.session) a.session = ctx.session;
  return a;
}

/** `mcp__server__tool` (Claude Code, Codex, Gemini): server and tool, or undefined when not an MCP name. */
export function splitMcpName(name: string): { server: string; tool: string } | undefined {
  if (!name.startsWith('mcp__')) return undefined;
  const rest = name.slice(5);
  const i = rest.indexOf('__');
  if (i <= 0 || i + 2 >= rest.length) return undefined;
  return { server: rest.slice(0, i), tool: rest.slice(i + 2) };
}

export function mcpAction(ctx: CallContext, server: string, tool: string, args: unknown): Action {
  const a = action(ctx, 'mcp', tool, { server, tool, arguments: isRecord(args) ? args : { value: args } });
  return a;
}

export function shellAction(ctx: CallContext, tool: string, command: string, cwd?: string): Action {
  return action(ctx, 'shell', tool, { command, cwd: cwd ?? ctx.cwd });
}

export function fileAction(ctx: CallContext, kind: 'file.read' | 'file.write' | 'file.delete', tool: string, path: string, content?: string, extra?: Record<string, unknown>): Action {
  const args: Record<string, unknown> = { path: absPath(path, ctx.cwd), ...extra };
  if (content !== undefined) args.content = content;
  return action(ctx, kind, tool, args);
}

export function httpAction(ctx: CallContext, tool: string, url: string | undefined, extra?: Record<string, unknown>): Action {
  const args: Record<string, unknown> = { method: 'GET', ...extra };
  if (url !== undefined) args.url = url;
  return action(ctx, 'http', tool, args);
}

/**
 * A web search as the request it amounts to: the query goes to the agent
 * vendor's search service. Represented as a GET with the query in the URL, so
 * host and URL rules (and exfiltration checks on query strings) apply, and a
 * policy can allow searches without allowing requests that have no URL.
 */
export function searchUrl(service: string, query: string | undefined): string {
  return `${service}?q=${encodeURIComponent(query ?? '')}`;
}

/** Every http(s) URL in a text (Gemini's web_fetch carries its URLs inside the prompt). */
export function urlsIn(text: string, max = 20): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\bhttps?:\/\/[^\s<>"'`]{1,2048}/gi)) {
    out.push(m[0].replace(/[),.;:!?\]]+$/, ''));
    if (out.length >= max) break;
  }
  return out;
}

/**
 * The files a patch in the `*** Begin Patch` format (Codex apply_patch) adds,
 * updates, deletes or moves to, each with the lines it adds as content, so
 * content rules see what would be written.
 */
export function patchFiles(patch: string): Array<{ op: 'add' | 'update' | 'delete'; path: string; content: string }> {
  const files: Array<{ op: 'add' | 'update' | 'delete'; path: string; content: string[] }> = [];
  let current: { op: 'add' | 'update' | 'delete'; path: string; content: string[] } | undefined;
  for (const line of patch.split('\n')) {
    const m = /^\*\*\* (Add|Update|Delete) File: (.+)$/.exec(line);
    const move = /^\*\*\* Move to: (.+)$/.exec(line);
    if (m) {
      current = { op: m[1]!.toLowerCase() as 'add' | 'update' | 'delete', path: m[2]!.trim(), content: [] };
      files.push(current);
    } else if (move && current) {
      // A move removes the source file and writes the destination.
      current.op = 'delete';
      current = { op: 'add', path: move[1]!.trim(), content: [] };
      files.push(current);
    } else if (current && line.startsWith('+')) {
      current.content.push(line.slice(1));
    }
  }
  return files.map((f) => ({ op: f.op, path: f.path, content: f.content.join('\n') }));
}

/**
 * Claude Code's tool names (Codex uses the same for Bash, and mcp__ for MCP).
 * Unknown tools stay `tool` actions under their own name, so a policy can still
 * allow or deny them by name (and its default applies otherwise).
 */
export function claudeToolActions(ctx: CallContext, toolName: string, input: Record<string, unknown>): Action[] {
  const mcp = splitMcpName(toolName);
  if (mcp) return [mcpAction(ctx, mcp.server, mcp.tool, input)];
  const s = (k: string) => str(input[k]);
  switch (toolName) {
    case 'Bash':
      return [shellAction(ctx, toolName, need(input, 'command', 'tool_input'))];
    case 'Read':
      return [fileAction(ctx, 'file.read', toolName, need(input, 'file_path', 'tool_input'))];
    case 'Write':
      return [fileAction(ctx, 'file.write', toolName, need(input, 'file_path', 'tool_input'), s('content') ?? '')];
    case 'Edit':
      return [fileAction(ctx, 'file.write', toolName, need(input, 'file_path', 'tool_input'), s('new_string') ?? '', { old_string: s('old_string') })];
    case 'MultiEdit': {
      const edits = Array.isArray(input.edits) ? input.edits : [];
      const content = edits.map((e) => (isRecord(e) ? str(e.new_string) ?? '' : '')).join('\n');
      return [fileAction(ctx, 'file.write', toolName, need(input, 'file_path', 'tool_input'), content)];
    }
    case 'NotebookEdit':
      return [fileAction(ctx, 'file.write', toolName, need(input, 'notebook_path', 'tool_input'), s('new_source') ?? '')];
    case 'Glob':
    case 'Grep':
    case 'LS':
      return [fileAction(ctx, 'file.read', toolName, s('path') ?? ctx.cwd ?? '.', undefined, { pattern: s('pattern') })];
    case 'WebFetch':
      return [httpAction(ctx, toolName, need(input, 'url', 'tool_input'))];
    case 'WebSearch':
      return [httpAction(ctx, toolName, searchUrl('https://api.anthropic.com/web_search', s('query')), { query: s('query'), allowed_domains: input.allowed_domains, blocked_domains: input.blocked_domains })];
    default:
      return [action(ctx, 'tool', toolName, input)];
  }
}
