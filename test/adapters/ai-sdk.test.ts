// The AI SDK adapter against the real `ai` package (v6) with its MockLanguageModelV3:
// a denied call never reaches the tool and the model reads the reason; an ask
// becomes the SDK's tool approval request and runs only once approved; tool
// outputs go through the response scan.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateText, stepCountIs, tool, type ModelMessage } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { z } from 'zod';
import { createFirewall } from '../../src/firewall.ts';
import { guardTools } from '../../src/adapters/ai-sdk.ts';
import { ADAPTER_POLICY, INJECTED_PAGE } from './policy.ts';

const usage = { inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 1, text: 1, reasoning: 0 } };
const call = (toolName: string, input: unknown, id = 'call-1') => ({
  content: [{ type: 'tool-call' as const, toolCallId: id, toolName, input: JSON.stringify(input) }],
  finishReason: { unified: 'tool-calls' as const, raw: 'tool_calls' },
  usage,
  warnings: [],
});
const text = (t: string) => ({ content: [{ type: 'text' as const, text: t }], finishReason: { unified: 'stop' as const, raw: 'stop' }, usage, warnings: [] });

function toolsWithSpies() {
  const ran: string[] = [];
  const tools = {
    get_weather: tool({ description: 'weather', inputSchema: z.object({ city: z.string() }), execute: async ({ city }) => (ran.push('get_weather'), `sunny in ${city}`) }),
    delete_files: tool({ description: 'delete', inputSchema: z.object({ path: z.string() }), execute: async () => (ran.push('delete_files'), 'deleted') }),
    send_email: tool({ description: 'email', inputSchema: z.object({ to: z.string() }), execute: async ({ to }) => (ran.push('send_email'), `sent to ${to}`) }),
    fetch_page: tool({ description: 'fetch', inputSchema: z.object({ url: z.string() }), execute: async () => (ran.push('fetch_page'), INJECTED_PAGE) }),
  };
  return { ran, tools };
}

/** Everything the model was sent as tool results in its later calls. */
function toolResultsSeen(model: MockLanguageModelV3): string {
  return JSON.stringify(model.doGenerateCalls.slice(1).map((c) => c.prompt.filter((m) => m.role === 'tool')));
}

test('allowed call runs; denied call never reaches the tool and the model reads the reason', async () => {
  const fw = await createFirewall({ policy: ADAPTER_POLICY });
  const { ran, tools } = toolsWithSpies();
  const model = new MockLanguageModelV3({ doGenerate: [call('get_weather', { city: 'Oslo' }, 'c1'), call('delete_files', { path: '/' }, 'c2'), text('done')] });
  const r = await generateText({ model, tools: guardTools(tools, fw, { session: 's1' }), prompt: 'go', stopWhen: stepCountIs(5) });
  assert.deepEqual(ran, ['get_weather']);
  assert.equal(r.text, 'done');
  const seen = toolResultsSeen(model);
  assert.match(seen, /sunny in Oslo/);
  assert.match(seen, /AgentWall blocked the call to delete_files: deleting files is not allowed for this agent/);
});

test('ask maps onto the SDK approval request; the tool runs only after approval', async () => {
  const fw = await createFirewall({ policy: ADAPTER_POLICY });
  const { ran, tools } = toolsWithSpies();
  const guarded = guardTools(tools, fw, { session: 's2' });
  const model = new MockLanguageModelV3({ doGenerate: [call('send_email', { to: 'boss@example.com' }, 'c3'), text('sent')] });
  const first = await generateText({ model, tools: guarded, prompt: 'mail the boss', stopWhen: stepCountIs(5) });
  const request = first.content.find((p) => p.type === 'tool-approval-request');
  assert.ok(request, 'the SDK surfaced an approval request');
  assert.deepEqual(ran, [], 'nothing ran before approval');

  const messages: ModelMessage[] = [
    { role: 'user', content: 'mail the boss' },
    ...first.response.messages,
    { role: 'tool', content: [{ type: 'tool-approval-response', approvalId: (request as { approvalId: string }).approvalId, approved: true }] },
  ];
  const second = await generateText({ model, tools: guarded, messages, stopWhen: stepCountIs(5) });
  assert.deepEqual(ran, ['send_email']);
  assert.equal(second.text, 'sent');
});

test('a rejected approval never runs the tool', async () => {
  const fw = await createFirewall({ policy: ADAPTER_POLICY });
  const { ran, tools } = toolsWithSpies();
  const guarded = guardTools(tools, fw);
  const model = new MockLanguageModelV3({ doGenerate: [call('send_email', { to: 'x@example.com' }, 'c4'), text('ok, not sent')] });
  const first = await generateText({ model, tools: guarded, prompt: 'mail', stopWhen: stepCountIs(5) });
  const request = first.content.find((p) => p.type === 'tool-approval-request') as { approvalId: string };
  const messages: ModelMessage[] = [
    { role: 'user', content: 'mail' },
    ...first.response.messages,
    { role: 'tool', content: [{ type: 'tool-approval-response', approvalId: request.approvalId, approved: false, reason: 'no' }] },
  ];
  await generateText({ model, tools: guarded, messages, stopWhen: stepCountIs(5) });
  assert.deepEqual(ran, []);
});

test('tool outputs go through the response scan: an injected page is withheld from the model', async () => {
  const fw = await createFirewall({ policy: ADAPTER_POLICY });
  const { ran, tools } = toolsWithSpies();
  const model = new MockLanguageModelV3({ doGenerate: [call('fetch_page', { url: 'https://docs.example.com' }, 'c5'), text('ok')] });
  await generateText({ model, tools: guardTools(tools, fw, { session: 's5' }), prompt: 'read', stopWhen: stepCountIs(5) });
  assert.deepEqual(ran, ['fetch_page']);
  const seen = toolResultsSeen(model);
  assert.match(seen, /AgentWall withheld the output of fetch_page/);
  assert.doesNotMatch(seen, /id_rsa/);
});
