// The Anthropic SDK adapter against the real @anthropic-ai/sdk tool runner,
// with a local HTTP server on 127.0.0.1 answering /v1/messages (no network):
// a denied call never runs and the model's next request carries the reason as
// an is_error tool_result; ask goes to the firewall's Approver (the tool
// runner has no approval mechanism); outputs go through the response scan.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import { betaZodTool } from '@anthropic-ai/sdk/helpers/beta/zod';
import { z } from 'zod';
import { createFirewall, type Approver } from '../../src/firewall.ts';
import { guardRunnableTools } from '../../src/adapters/anthropic.ts';
import { ADAPTER_POLICY, INJECTED_PAGE } from './policy.ts';

type Turn = { tool: string; input: Record<string, unknown> } | { text: string };
let script: Turn[] = [];
const requests: Array<{ messages: Array<{ role: string; content: unknown }> }> = [];
let server: Server;
let baseURL = '';

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests.push(JSON.parse(body));
      const turn = script.shift() ?? { text: 'done' };
      const n = requests.length;
      const content = 'tool' in turn ? [{ type: 'tool_use', id: `toolu_${n}`, name: turn.tool, input: turn.input }] : [{ type: 'text', text: turn.text }];
      res.writeHead(200, { 'content-type': 'application/json', 'request-id': `req_${n}` });
      res.end(
        JSON.stringify({
          id: `msg_${n}`,
          type: 'message',
          role: 'assistant',
          model: 'claude-test',
          content,
          stop_reason: 'tool' in turn ? 'tool_use' : 'end_turn',
          stop_sequence: null,
          usage: { input_tokens: 1, output_tokens: 1 },
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

function tools() {
  const ran: string[] = [];
  const list = [
    betaZodTool({ name: 'get_weather', description: 'weather', inputSchema: z.object({ city: z.string() }), run: async ({ city }) => (ran.push('get_weather'), `sunny in ${city}`) }),
    betaZodTool({ name: 'delete_files', description: 'delete', inputSchema: z.object({ path: z.string() }), run: async () => (ran.push('delete_files'), 'deleted') }),
    betaZodTool({ name: 'send_email', description: 'email', inputSchema: z.object({ to: z.string() }), run: async ({ to }) => (ran.push('send_email'), `sent to ${to}`) }),
    betaZodTool({ name: 'fetch_page', description: 'fetch', inputSchema: z.object({ url: z.string() }), run: async () => (ran.push('fetch_page'), INJECTED_PAGE) }),
  ];
  return { ran, list };
}

async function runWith(turns: Turn[], guarded: ReturnType<typeof tools>['list']) {
  script = [...turns];
  requests.length = 0;
  const client = new Anthropic({ apiKey: 'test-key', baseURL, maxRetries: 0 });
  const final = await client.beta.messages.toolRunner({ model: 'claude-test', max_tokens: 64, messages: [{ role: 'user', content: 'go' }], tools: guarded });
  const toolResults = requests.slice(1).flatMap((r) => r.messages.filter((m) => m.role === 'user' && Array.isArray(m.content)).flatMap((m) => m.content as Array<Record<string, unknown>>)).filter((b) => b.type === 'tool_result');
  return { final, toolResults };
}

test('allowed call runs; denied call never runs and the model gets the reason as an error result', async () => {
  const fw = await createFirewall({ policy: ADAPTER_POLICY });
  const { ran, list } = tools();
  const { final, toolResults } = await runWith([{ tool: 'get_weather', input: { city: 'Oslo' } }, { tool: 'delete_files', input: { path: '/' } }, { text: 'done' }], guardRunnableTools(list, fw, { session: 'an1' }));
  assert.deepEqual(ran, ['get_weather']);
  assert.equal((final.content[0] as { text: string }).text, 'done');
  const text = JSON.stringify(toolResults);
  assert.match(text, /sunny in Oslo/);
  const denied = toolResults.find((r) => JSON.stringify(r).includes('delete_files'));
  assert.ok(denied, text);
  assert.equal(denied.is_error, true);
  assert.match(JSON.stringify(denied), /AgentWall blocked the call to delete_files: deleting files is not allowed for this agent/);
});

test('ask goes to the approver: approved runs, no approver is a deny', async () => {
  const approver: Approver = { request: async () => ({ effect: 'allow', reason: 'approved', by: ['bob'] }) };
  const a = tools();
  await runWith([{ tool: 'send_email', input: { to: 'boss@example.com' } }, { text: 'sent' }], guardRunnableTools(a.list, await createFirewall({ policy: ADAPTER_POLICY, approver })));
  assert.deepEqual(a.ran, ['send_email']);
  const b = tools();
  const r = await runWith([{ tool: 'send_email', input: { to: 'boss@example.com' } }, { text: 'not sent' }], guardRunnableTools(b.list, await createFirewall({ policy: ADAPTER_POLICY })));
  assert.deepEqual(b.ran, []);
  assert.match(JSON.stringify(r.toolResults), /no approver is configured/);
});

test('tool outputs go through the response scan: an injected page is withheld', async () => {
  const fw = await createFirewall({ policy: ADAPTER_POLICY });
  const { ran, list } = tools();
  const { toolResults } = await runWith([{ tool: 'fetch_page', input: { url: 'https://docs.example.com' } }, { text: 'ok' }], guardRunnableTools(list, fw, { session: 'an3' }));
  assert.deepEqual(ran, ['fetch_page']);
  const text = JSON.stringify(toolResults);
  assert.match(text, /AgentWall withheld the output of fetch_page/);
  assert.doesNotMatch(text, /id_rsa/);
});
