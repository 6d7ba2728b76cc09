// LangChain.js (@langchain/core) adapter: guards StructuredTool instances
// (tool(), DynamicStructuredTool, subclasses). The guarded tool is the same
// tool with its `_call` wrapped, so schemas, names and bindTools keep working.
// A denied call returns the reason as the tool's result (the ToolMessage the
// model reads) and never runs the tool. @langchain/core has no approval
// mechanism of its own, so an `ask` goes to the firewall's Approver
// (firewall.authorize; without one it is denied). Outputs go through the
// response scan.
//
//   const tools = guardLangChainTools([search, sendEmail], firewall, { session });
//   const model = chatModel.bindTools(tools);

import type { StructuredToolInterface } from '@langchain/core/tools';
import type { Firewall } from '../firewall.ts';
import { authorizeCall, blockedMessage, screenOutput, type AdapterOptions } from './core.ts';

type Call = (arg: unknown, runManager?: unknown, config?: unknown) => Promise<unknown>;

export function guardLangChainTool<T extends StructuredToolInterface>(tool: T, firewall: Firewall, opts: AdapterOptions = {}): T {
  const original = (tool as unknown as { _call: Call })._call;
  if (typeof original !== 'function') throw new TypeError(`tool ${tool.name} has no _call to guard`);
  const artifact = (tool as unknown as { responseFormat?: string }).responseFormat === 'content_and_artifact';
  const guarded = Object.create(tool) as T & { _call: Call };
  guarded._call = async function (this: unknown, arg, runManager, config) {
    const d = await authorizeCall(firewall, tool.name, arg, opts);
    if (d.effect !== 'allow') {
      const msg = blockedMessage(tool.name, d);
      return artifact ? [msg, { agentwall: { effect: d.effect, rules: d.rules } }] : msg;
    }
    const out = await original.call(this, arg, runManager, config);
    const content = artifact && Array.isArray(out) ? out[0] : out;
    const s = await screenOutput(firewall, tool.name, content, opts);
    const next = s.blocked ?? s.output;
    return artifact && Array.isArray(out) ? [next, out[1]] : next;
  };
  return guarded;
}

export function guardLangChainTools<T extends StructuredToolInterface>(tools: T[], firewall: Firewall, opts: AdapterOptions = {}): T[] {
  return tools.map((t) => guardLangChainTool(t, firewall, opts));
}
