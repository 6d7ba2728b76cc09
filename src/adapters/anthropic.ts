// Anthropic SDK (@anthropic-ai/sdk) adapter: guards the runnable tools of the
// tool runner (betaZodTool, betaTool: objects with `run` and `parse`). A
// denied call throws before `run`, which the tool runner turns into an
// is_error tool_result the model reads; the tool never runs. The tool runner
// has no approval mechanism, so an `ask` goes to the firewall's Approver
// (firewall.authorize; without one it is denied). Outputs go through the
// response scan.
//
//   const runner = client.beta.messages.toolRunner({ model, max_tokens, messages,
//     tools: guardRunnableTools([getWeather, sendEmail], firewall, { session }) });

import type { BetaRunnableTool } from '@anthropic-ai/sdk/lib/tools/BetaRunnableTool';
import type { Firewall } from '../firewall.ts';
import { ToolCallBlocked, authorizeCall, blockedMessage, screenOutput, type AdapterOptions } from './core.ts';

type Content = Awaited<ReturnType<BetaRunnableTool['run']>>;

export function guardRunnableTool<T extends BetaRunnableTool>(tool: T, firewall: Firewall, opts: AdapterOptions = {}): T {
  const name = tool.name;
  const run = tool.run.bind(tool);
  return {
    ...tool,
    async run(args: unknown, context?: Parameters<T['run']>[1]): Promise<Content> {
      const d = await authorizeCall(firewall, name, args, opts);
      if (d.effect !== 'allow') throw new ToolCallBlocked(blockedMessage(name, d), d);
      const out = await run(args, context);
      const s = await screenOutput(firewall, name, out, opts);
      if (s.blocked) throw new ToolCallBlocked(s.blocked);
      return s.output as Content;
    },
  };
}

export function guardRunnableTools<T extends BetaRunnableTool>(tools: T[], firewall: Firewall, opts: AdapterOptions = {}): T[] {
  return tools.map((t) => guardRunnableTool(t, firewall, opts));
}
