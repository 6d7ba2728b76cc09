// tools/call -> Action. An unmapped call is
//   { kind: 'mcp', tool: '<server>__<tool>', args: { server, tool, arguments } }
// and a call that a mapping of the policy's `mcp.tools` lifts is the semantic kind,
//   { kind: 'file.write', tool: '<server>__<tool>', args: { path, content }, context: { mcp: { server, tool } } }
// so the analyzers (shell, path, url, sql) and their matchers apply to it.
// Pure: the same call and mappings always give the same action.

import type { Action, Principal } from '../../action.ts';
import type { ToolMapping } from './section.ts';

export const TOOL_SEPARATOR = '__';

export interface CallContext {
  principal?: Principal;
  session?: string;
}

export function qualifiedName(server: string, tool: string): string {
  return `${server}${TOOL_SEPARATOR}${tool}`;
}

export function findMapping(mappings: readonly ToolMapping[], server: string, tool: string): ToolMapping | undefined {
  for (const m of mappings) {
    if ((m.server === '*' || m.server === server) && (m.tool === '*' || m.tool === tool)) return m;
  }
  return undefined;
}

export function toAction(server: string, tool: string, args: Record<string, unknown>, mappings: readonly ToolMapping[], ctx: CallContext = {}): Action {
  const name = qualifiedName(server, tool);
  const m = findMapping(mappings, server, tool);
  const base = { tool: name, ...(ctx.principal ? { principal: ctx.principal } : {}), ...(ctx.session !== undefined ? { session: ctx.session } : {}) };
  if (!m) return { kind: 'mcp', ...base, args: { server, tool, arguments: args } };
  const mapped: Record<string, unknown> = {};
  if (m.args) {
    for (const [target, source] of Object.entries(m.args)) {
      const v = source.startsWith('=') ? source.slice(1) : pick(args, source);
      if (v !== undefined) mapped[target] = v;
    }
  } else if (m.kind === 'tool') {
    Object.assign(mapped, args);
  }
  return { kind: m.kind, ...base, args: mapped, context: { mcp: { server, tool } } };
}

/** Own-property lookup along a dot path, so hostile arguments cannot reach prototypes. */
function pick(root: unknown, path: string): unknown {
  let cur: unknown = root;
  for (const seg of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (Array.isArray(cur)) {
      if (!/^\d+$/.test(seg)) return undefined;
      cur = cur[Number(seg)];
    } else {
      if (!Object.prototype.hasOwnProperty.call(cur, seg)) return undefined;
      cur = (cur as Record<string, unknown>)[seg];
    }
  }
  return cur;
}
