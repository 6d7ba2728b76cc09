// The coding agents AgentWall has hook protocols for, by the name used on the
// command line (`agentwall hook claude-code`). Light: protocol modules only.
import type { HookProtocol } from './protocol.ts';
import { claudeCode } from './claude-code.ts';
import { codex } from './codex.ts';
import { gemini } from './gemini.ts';
import { cursor } from './cursor.ts';

export const PROTOCOLS: Readonly<Record<string, HookProtocol>> = {
  'claude-code': claudeCode,
  codex,
  gemini,
  cursor,
};

export const AGENT_NAMES = Object.keys(PROTOCOLS);

export function protocolFor(agent: string): HookProtocol | undefined {
  return Object.prototype.hasOwnProperty.call(PROTOCOLS, agent) ? PROTOCOLS[agent] : undefined;
}
