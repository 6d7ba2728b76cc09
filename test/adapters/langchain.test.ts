// The LangChain.js adapter against the real @langchain/core: a chat model from
// @langchain/core/utils/testing emits tool calls, the guarded tools answer them
// as ToolMessages (as ToolNode does), and the next model turn reads them.
// @langchain/core has no approval mechanism, so ask goes to the firewall's Approver.
// The model is a scripted BaseChatModel (the testing fakes of @langchain/core
// do not emit tool calls), so the real message and tool-call machinery runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AIMessage, HumanMessage, type BaseMessage, ToolMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { ChatResult } from '@langchain/core/outputs';
import { z } from 'zod';
import { createFirewall, type Approver } from '../../src/firewall.ts';
import { guardLangChainTools } from '../../src/adapters/langchain.ts';
import { ADAPTER_POLICY, INJECTED_PAGE } from './policy.ts';

function tools() {
  const ran: string[] = [];
  const list = [
    tool(async ({ city }: { city: string }) => (ran.push('get_weather'), `sunny in ${city}`), { name: 'get_weather', description: 'weather', schema: z.object({ city: z.string() }) }),
    tool(async () => (ran.push('delete_files'), 'deleted'), { name: 'delete_files', description: 'delete', schema: z.object({ path: z.string() }) }),
    tool(async ({ to }: { to: string }) => (ran.push('send_email'), `sent to ${to}`), { name: 'send_email', description: 'email', schema: z.object({ to: z.string() }) }),
    tool(async () => (ran.push('fetch_page'), INJECTED_PAGE), { name: 'fetch_page', description: 'fetch', schema: z.object({ url: z.string() }) }),
  ];
  return { ran, list };
}

class ScriptedChatModel extends BaseChatModel {
  constructor(private readonly script: AIMessage[]) {
    super({});
  }
  _llmType(): string {
    return 'scripted';
  }
  async _generate(): Promise<ChatResult> {
    const message = this.script.shift() ?? new AIMessage('done');
    return { generations: [{ message, text: typeof message.content === 'string' ? message.content : '' }] };
  }
}

/** A minimal agent loop: model turn, run its tool calls, feed the ToolMessages back. */
async function loop(calls: Array<{ name: string; args: Record<string, unknown>; id: string }>, guarded: ReturnType<typeof tools>['list']): Promise<{ final: BaseMessage; toolMessages: ToolMessage[] }> {
  const bound = new ScriptedChatModel([new AIMessage({ content: '', tool_calls: calls }), new AIMessage('done')]);
  const messages: BaseMessage[] = [new HumanMessage('go')];
  const first = await bound.invoke(messages);
  messages.push(first);
  const toolMessages: ToolMessage[] = [];
  for (const tc of first.tool_calls ?? []) {
    const t = guarded.find((x) => x.name === tc.name)!;
    const m = (await (t as unknown as { invoke(call: unknown): Promise<unknown> }).invoke({ ...tc, type: 'tool_call' })) as ToolMessage;
    toolMessages.push(m);
    messages.push(m);
  }
  const final = await bound.invoke(messages);
  return { final, toolMessages };
}

test('allowed call runs; denied call never reaches the tool and the model reads the reason', async () => {
  const fw = await createFirewall({ policy: ADAPTER_POLICY });
  const { ran, list } = tools();
  const { final, toolMessages } = await loop(
    [
      { name: 'get_weather', args: { city: 'Oslo' }, id: 'c1' },
      { name: 'delete_files', args: { path: '/' }, id: 'c2' },
    ],
    guardLangChainTools(list, fw, { session: 'lc1' }),
  );
  assert.deepEqual(ran, ['get_weather']);
  assert.equal(toolMessages[0]!.content, 'sunny in Oslo');
  assert.equal(toolMessages[1]!.tool_call_id, 'c2');
  assert.equal(toolMessages[1]!.content, 'AgentWall blocked the call to delete_files: deleting files is not allowed for this agent');
  assert.equal(final.content, 'done');
});

test('ask goes to the approver: approved runs, no approver is a deny', async () => {
  const approvals: string[] = [];
  const approver: Approver = { request: async (action) => (approvals.push(action.tool!), { effect: 'allow', reason: 'approved by alice', by: ['alice'] }) };
  const withApprover = await createFirewall({ policy: ADAPTER_POLICY, approver });
  const a = tools();
  const r1 = await loop([{ name: 'send_email', args: { to: 'boss@example.com' }, id: 'c3' }], guardLangChainTools(a.list, withApprover));
  assert.deepEqual(approvals, ['send_email']);
  assert.deepEqual(a.ran, ['send_email']);
  assert.equal(r1.toolMessages[0]!.content, 'sent to boss@example.com');

  const without = await createFirewall({ policy: ADAPTER_POLICY });
  const b = tools();
  const r2 = await loop([{ name: 'send_email', args: { to: 'boss@example.com' }, id: 'c4' }], guardLangChainTools(b.list, without));
  assert.deepEqual(b.ran, []);
  assert.match(String(r2.toolMessages[0]!.content), /sending e-mail needs a human; approval required, but no approver is configured/);
});

test('tool outputs go through the response scan: an injected page is withheld', async () => {
  const fw = await createFirewall({ policy: ADAPTER_POLICY });
  const { ran, list } = tools();
  const { toolMessages } = await loop([{ name: 'fetch_page', args: { url: 'https://docs.example.com' }, id: 'c5' }], guardLangChainTools(list, fw, { session: 'lc3' }));
  assert.deepEqual(ran, ['fetch_page']);
  assert.match(String(toolMessages[0]!.content), /AgentWall withheld the output of fetch_page/);
  assert.doesNotMatch(String(toolMessages[0]!.content), /id_rsa/);
});

test('the guarded tool keeps its name and schema for bindTools', async () => {
  const fw = await createFirewall({ policy: ADAPTER_POLICY });
  const [g] = guardLangChainTools(tools().list, fw);
  assert.equal(g!.name, 'get_weather');
  assert.ok(g!.schema);
});
