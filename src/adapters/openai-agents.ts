// OpenAI Agents JS (@openai/agents) adapter: guards a FunctionTool with the
// SDK's own mechanisms. `needsApproval` asks the firewall (an `ask` becomes
// the run's approval interruption, resolved with state.approve/reject); a
// tool input guardrail rejects a denied call with the reason as the content
// the model reads (the tool never runs); a tool output guardrail rejects an
// output the response scan blocks.
//
//   const agent = new Agent({ tools: guardAgentTools([sendEmail, search], firewall, { session }) });

import type { FunctionTool, RunContext, ToolGuardrailFunctionOutput, ToolInputGuardrailDefinition, ToolOutputGuardrailDefinition } from '@openai/agents';
import type { Decision } from '../action.ts';
import type { Firewall } from '../firewall.ts';
import { blockedMessage, decideSync, screenOutput, type AdapterOptions } from './core.ts';

type AnyFunctionTool = FunctionTool<any, any, any>;

const allow = (): ToolGuardrailFunctionOutput => ({ behavior: { type: 'allow' } });
const reject = (message: string, outputInfo?: unknown): ToolGuardrailFunctionOutput => ({ behavior: { type: 'rejectContent', message }, outputInfo });

function parseArgs(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return { arguments: raw };
  }
}

export function guardAgentTool<T extends AnyFunctionTool>(tool: T, firewall: Firewall, opts: AdapterOptions = {}): T {
  const name = tool.name;
  // Decisions made in needsApproval, reused by the input guardrail so one call is decided (and recorded) once.
  const decided = new Map<string, Decision>();
  const remember = (id: string | undefined, d: Decision) => {
    if (!id) return;
    if (decided.size >= 1024) decided.delete(decided.keys().next().value!);
    decided.set(id, d);
  };
  const original = tool.needsApproval;

  const needsApproval = async (ctx: RunContext, input: unknown, callId?: string): Promise<boolean> => {
    const d = decideSync(firewall, name, input, opts);
    remember(callId, d);
    if (d.effect === 'ask') return true;
    return original(ctx, input as never, callId);
  };

  const inputGuard: ToolInputGuardrailDefinition = {
    type: 'tool_input',
    name: 'agentwall',
    async run({ context, toolCall }) {
      const id = toolCall.callId;
      const d = decided.get(id) ?? decideSync(firewall, name, parseArgs(toolCall.arguments), opts);
      decided.delete(id);
      if (d.effect === 'allow') return allow();
      // An ask is settled by the SDK's approval: approved calls run, anything else is refused.
      if (d.effect === 'ask' && context.isToolApproved({ toolName: name, callId: id }) === true) return allow();
      return reject(blockedMessage(name, d), { decision: d });
    },
  };

  const outputGuard: ToolOutputGuardrailDefinition = {
    type: 'tool_output',
    name: 'agentwall-response-scan',
    async run({ output }) {
      const s = await screenOutput(firewall, name, output, opts);
      return s.blocked ? reject(s.blocked) : allow();
    },
  };

  return {
    ...tool,
    needsApproval,
    inputGuardrails: [inputGuard, ...(tool.inputGuardrails ?? [])],
    outputGuardrails: [outputGuard, ...(tool.outputGuardrails ?? [])],
  } as T;
}

export function guardAgentTools<T extends AnyFunctionTool>(tools: T[], firewall: Firewall, opts: AdapterOptions = {}): T[] {
  return tools.map((t) => guardAgentTool(t, firewall, opts));
}
