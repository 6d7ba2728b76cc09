// Vercel AI SDK (v6) adapter: guards a tool set. Each tool's `needsApproval`
// asks the firewall (an `ask` decision becomes the SDK's own tool approval
// request), and its `execute` only runs when the decision allows it (or the
// SDK reports the call approved); a denied call throws, which the SDK turns
// into a tool error the model reads. Outputs go through the response scan.
//
//   const tools = guardTools({ weather, sendEmail }, firewall, { session: chatId });
//   await generateText({ model, tools, prompt });

import type { Tool, ToolSet } from 'ai';
import type { Decision } from '../action.ts';
import type { Firewall } from '../firewall.ts';
import { ToolCallBlocked, blockedMessage, decideSync, screenOutput, type AdapterOptions } from './core.ts';

type AnyTool = Tool<any, any>;
type NeedsApproval = (input: unknown, options: { toolCallId: string; messages: unknown[] }) => boolean | PromiseLike<boolean>;
type Execute = (input: unknown, options: { toolCallId: string }) => unknown;

/** Bounded memory of decisions made in needsApproval, reused by execute so one call is decided (and recorded) once. */
class DecisionCache {
  private readonly map = new Map<string, Decision>();
  set(id: string, d: Decision): void {
    if (this.map.size >= 1024) this.map.delete(this.map.keys().next().value!);
    this.map.set(id, d);
  }
  take(id: string): Decision | undefined {
    const d = this.map.get(id);
    this.map.delete(id);
    return d;
  }
}

export function guardTool<T extends AnyTool>(name: string, tool: T, firewall: Firewall, opts: AdapterOptions = {}): T {
  const execute = tool.execute as Execute | undefined;
  const original = tool.needsApproval as boolean | NeedsApproval | undefined;
  const decided = new DecisionCache();
  const needsApproval: NeedsApproval = async (input, options) => {
    const d = decideSync(firewall, name, input, opts);
    decided.set(options.toolCallId, d);
    if (d.effect === 'ask') return true;
    if (typeof original === 'function') return original(input, options);
    return original === true;
  };
  const guarded = { ...tool, needsApproval } as AnyTool;
  if (execute) {
    guarded.execute = async (input: unknown, options: { toolCallId: string }) => {
      // A decision from needsApproval in this process; otherwise (the approval
      // came back in a later request) decide now.
      const d = decided.take(options.toolCallId) ?? decideSync(firewall, name, input, opts);
      // The SDK runs execute for a call that needed approval only after a human approved it.
      if (d.effect === 'deny') throw new ToolCallBlocked(blockedMessage(name, d), d);
      const out = await execute(input, options);
      const s = await screenOutput(firewall, name, out, opts);
      if (s.blocked) throw new ToolCallBlocked(s.blocked);
      return s.output;
    };
  }
  return guarded as T;
}

export function guardTools<T extends ToolSet>(tools: T, firewall: Firewall, opts: AdapterOptions = {}): T {
  const out: Record<string, AnyTool> = {};
  for (const [name, t] of Object.entries(tools)) out[name] = guardTool(name, t as AnyTool, firewall, opts);
  return out as T;
}
