// Hook configuration for each coding agent, merged into the agent's existing
// settings: AgentWall's entries are added (or replace earlier AgentWall
// entries, so installing twice changes nothing), everything else is kept as
// it was. Pure functions over parsed JSON; the install command does the I/O.
//
// Where each agent reads hooks (user scope / project scope):
//   claude-code  ~/.claude/settings.json   .claude/settings.json   {hooks: {Event: [{matcher, hooks: [{type, command, timeout(s)}]}]}}
//   codex        ~/.codex/hooks.json       .codex/hooks.json       same shape (needs [features] codex_hooks = true in config.toml)
//   gemini       ~/.gemini/settings.json   .gemini/settings.json   same shape, timeout in ms
//   cursor       ~/.cursor/hooks.json      .cursor/hooks.json      {version: 1, hooks: {event: [{command, timeout(s), failClosed}]}}

import { join } from 'node:path';
import { PROTOCOLS } from './index.ts';

export type Scope = 'user' | 'project';

export interface InstallTarget {
  file: string;
  notes: string[];
}

export function settingsFile(agent: string, scope: Scope, home: string, projectDir: string): InstallTarget {
  const base = scope === 'user' ? home : projectDir;
  switch (agent) {
    case 'claude-code':
      return { file: join(base, '.claude', 'settings.json'), notes: [] };
    case 'codex':
      return { file: join(base, '.codex', 'hooks.json'), notes: ['Codex runs hooks only with `[features] codex_hooks = true` in ~/.codex/config.toml, and asks you to trust new hooks.'] };
    case 'gemini':
      return { file: join(base, '.gemini', 'settings.json'), notes: [] };
    case 'cursor':
      return { file: join(base, '.cursor', 'hooks.json'), notes: ['Restart Cursor to load the hooks.'] };
    default:
      throw new Error(`unknown agent '${agent}' (known: ${Object.keys(PROTOCOLS).join(', ')})`);
  }
}

/** POSIX shell quoting: agents run hook commands through a shell. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function hookCommand(o: { node: string; script: string; agent: string; policy?: string[]; dataDir?: string }): string {
  const parts = [o.node, o.script, o.agent, ...(o.policy ?? []).flatMap((p) => ['--policy', p]), ...(o.dataDir ? ['--data-dir', o.dataDir] : [])];
  return parts.map(shellQuote).join(' ');
}

/** Whether a configured command is one of ours (so reinstalling replaces it). */
export function isAgentWallCommand(command: unknown): boolean {
  return typeof command === 'string' && (/adapters[/\\]hooks[/\\]main\.(js|ts)/.test(command) || /\bagentwall\b.*\bhook\b/.test(command));
}

export interface MergeResult {
  settings: Record<string, unknown>;
  added: string[];
  replaced: string[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Tool events get a match-all matcher; prompt events take none. */
const TOOL_EVENTS = new Set(['PreToolUse', 'PostToolUse', 'BeforeTool', 'AfterTool']);

export function mergeHooks(agent: string, existing: unknown, command: string, timeoutS = 30): MergeResult {
  const protocol = PROTOCOLS[agent];
  if (!protocol) throw new Error(`unknown agent '${agent}'`);
  if (existing !== undefined && !isObj(existing)) throw new Error('the existing settings file is not a JSON object');
  const settings: Obj = structuredClone(existing ?? {}) as Obj;
  if (agent === 'cursor' && settings.version === undefined) settings.version = 1;
  if (settings.hooks !== undefined && !isObj(settings.hooks)) throw new Error("the existing settings have a 'hooks' entry that is not an object");
  const hooks = (settings.hooks ??= {}) as Obj;
  const added: string[] = [];
  const replaced: string[] = [];
  for (const event of protocol.events) {
    const list = hooks[event];
    if (list !== undefined && !Array.isArray(list)) throw new Error(`hooks.${event} is not a list`);
    const groups = (list ?? []) as unknown[];
    let found = false;
    const next: unknown[] = [];
    for (const g of groups) {
      if (agent === 'cursor') {
        if (isObj(g) && isAgentWallCommand(g.command)) {
          if (!found) next.push(cursorEntry(command, timeoutS));
          found = true;
        } else next.push(g);
        continue;
      }
      if (isObj(g) && Array.isArray(g.hooks) && g.hooks.some((h) => isObj(h) && isAgentWallCommand(h.command))) {
        const others = g.hooks.filter((h) => !(isObj(h) && isAgentWallCommand(h.command)));
        if (others.length) next.push({ ...g, hooks: others });
        if (!found) next.push(groupEntry(agent, event, command, timeoutS));
        found = true;
      } else next.push(g);
    }
    if (!found) next.push(agent === 'cursor' ? cursorEntry(command, timeoutS) : groupEntry(agent, event, command, timeoutS));
    (found ? replaced : added).push(event);
    hooks[event] = next;
  }
  return { settings, added, replaced };
}

function groupEntry(agent: string, event: string, command: string, timeoutS: number): Obj {
  const hook: Obj = { type: 'command', command, timeout: agent === 'gemini' ? timeoutS * 1000 : timeoutS };
  if (agent === 'gemini') hook.name = 'agentwall';
  const g: Obj = {};
  if (TOOL_EVENTS.has(event)) g.matcher = agent === 'gemini' ? '.*' : '*';
  g.hooks = [hook];
  return g;
}

function cursorEntry(command: string, timeoutS: number): Obj {
  // failClosed: a crash or timeout of the hook blocks the action instead of letting it run.
  return { command, timeout: timeoutS, failClosed: true };
}
