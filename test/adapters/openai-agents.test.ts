// The OpenAI Agents adapter against the real @openai/agents with a local fake
// Model (no network): a denied call is rejected by the tool input guardrail
// (the tool never runs, the model reads the reason); an ask becomes the run's
// approval interruption and the tool runs only after state.approve; the tool
// output guardrail rejects an output the response scan blocks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, run, setTracingDisabled, tool, Usage, type Model, type ModelRequest, type ModelResponse } from '@openai/agents';
import { z } from 'zod';
import { createFirewall } from '../../src/firewall.ts';
import { guardAgentTools } from '../../src/adapters/openai-agents.ts';
import { ADAPTER_POLICY, INJECTED_PAGE } from './policy.ts';

setTracingDisabled(true);

type Step = { call: { name: string; args: unknown; id: string } } | { text: string };

class FakeModel implements Model {
  readonly requests: ModelRequest[] = [];
  constructor(private readonly steps: Step[]) {}
  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    this.requests.push(request);
    const step = this.steps.shift() ?? { text: 'done' };
    const output =
      'call' in step
        ? [{ type: 'function_call' as const, callId: step.call.id, name: step.call.name, arguments: JSON.stringify(step.call.args), status: 'completed' as const }]
        : [{ type: 'message' as const, role: 'assistant' as const, status: 'completed' as const, content: [{ type: 'output_text' as const, text: step.text }] }];
    return { usage: new Usage(), output, responseId: `r${this.requests.length}` };
  }
  // eslint-disable-next-line require-yield
  async *getStreamedResponse(): AsyncIterable<never> {
    throw new Error('not used');
  }
  /** What the model was sent after its first turn (tool outputs included). */
  seen(): string {
    return JSON.stringify(this.requests.slice(1).map((r) => r.input));
  }
}

function tools() {
  const ran: string[] = [];
  const list = [
    tool({ name: 'get_weather', description: 'weather', parameters: z.object({ city: z.string() }), execute: async ({ city }) => (ran.push('get_weather'), `sunny in ${city}`) }),
    tool({ name: 'delete_files', description: 'delete', parameters: z.object({ path: z.string() }), execute: async () => (ran.push('delete_files'), 'deleted') }),
    tool({ name: 'send_email', description: 'email', parameters: z.object({ to: z.string() }), execute: async ({ to }) => (ran.push('send_email'), `sent to ${to}`) }),
    tool({ name: 'fetch_page', description: 'fetch', parameters: z.object({ url: z.string() }), execute: async () => (ran.push('fetch_page'), INJECTED_PAGE) }),
  ];
  return { ran, list };
}

test('allowed call runs; denied call never reaches the tool and the model reads the reason', async () => {
  const fw = await createFirewall({ policy: ADAPTER_POLICY });
  const { ran, list } = tools();
  const model = new FakeModel([{ call: { name: 'get_weather', args: { city: 'Oslo' }, id: 'c1' } }, { call: { name: 'delete_files', args: { path: '/' }, id: 'c2' } }, { text: 'done' }]);
  const agent = new Agent({ name: 'a', model, tools: guardAgentTools(list, fw, { session: 'oa1' }) });
  const r = await run(agent, 'go');
  assert.equal(r.finalOutput, 'done');
  assert.deepEqual(ran, ['get_weather']);
  assert.match(model.seen(), /sunny in Oslo/);
  assert.match(model.seen(), /AgentWall blocked the call to delete_files: deleting files is not allowed for this agent/);
});

test('ask becomes the run interruption; the tool runs only after state.approve', async () => {
  const fw = await createFirewall({ policy: ADAPTER_POLICY });
  const { ran, list } = tools();
  const model = new FakeModel([{ call: { name: 'send_email', args: { to: 'boss@example.com' }, id: 'c3' } }, { text: 'sent' }]);
  const agent = new Agent({ name: 'a', model, tools: guardAgentTools(list, fw) });
  const first = await run(agent, 'mail the boss');
  assert.equal(first.interruptions?.length, 1);
  assert.deepEqual(ran, []);
  first.state.approve(first.interruptions![0]!);
  const second = await run(agent, first.state);
  assert.deepEqual(ran, ['send_email']);
  assert.equal(second.finalOutput, 'sent');
});

test('a rejected approval never runs the tool', async () => {
  const fw = await createFirewall({ policy: ADAPTER_POLICY });
  const { ran, list } = tools();
  const model = new FakeModel([{ call: { name: 'send_email', args: { to: 'x@example.com' }, id: 'c4' } }, { text: 'not sent' }]);
  const agent = new Agent({ name: 'a', model, tools: guardAgentTools(list, fw) });
  const first = await run(agent, 'mail');
  first.state.reject(first.interruptions![0]!);
  await run(agent, first.state);
  assert.deepEqual(ran, []);
});

test('tool outputs go through the response scan: an injected page is withheld', async () => {
  const fw = await createFirewall({ policy: ADAPTER_POLICY });
  const { ran, list } = tools();
  const model = new FakeModel([{ call: { name: 'fetch_page', args: { url: 'https://docs.example.com' }, id: 'c5' } }, { text: 'ok' }]);
  const agent = new Agent({ name: 'a', model, tools: guardAgentTools(list, fw, { session: 'oa4' }) });
  await run(agent, 'read');
  assert.deepEqual(ran, ['fetch_page']);
  assert.match(model.seen(), /AgentWall withheld the output of fetch_page/);
  assert.doesNotMatch(model.seen(), /id_rsa/);
});
