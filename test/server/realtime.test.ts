// Waiting callers on a real listening gateway: POST /v1/decide?wait=true, the
// long-poll and the SSE stream of one approval are all released when an
// approver answers (through the API, or from another process with the CLI),
// and the /v1/events feed streams decisions.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { server, auth } from './helpers.ts';
import { cli } from '../helpers/cli.ts';

const s = await server();
after(() => s.close());

const post = async (path: string, body: unknown, token: string) => {
  const r = await fetch(`${s.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth(token) }, body: JSON.stringify(body) });
  return { status: r.status, json: (await r.json()) as Record<string, any> };
};

async function pendingIds(): Promise<string[]> {
  const r = await fetch(`${s.url}/v1/approvals`, { headers: auth(s.keys.approver) });
  return ((await r.json()) as { approvals: Array<{ id: string }> }).approvals.map((a) => a.id);
}

async function until<T>(f: () => Promise<T | undefined>, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('decide?wait=true holds the caller until an approver approves, then answers allow', async () => {
  const before = new Set(await pendingIds());
  const waiting = post('/v1/decide?wait=true', { kind: 'tool', tool: 'trade', args: { amount: 99_999 }, session: 'w1' }, s.keys.agent);
  const id = await until(async () => (await pendingIds()).find((x) => !before.has(x)));
  let settled = false;
  void waiting.then(() => (settled = true));
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(settled, false, 'still waiting while the approval is pending');
  const vote = await post(`/v1/approvals/${id}/approve`, { comment: 'ok' }, s.keys.approver);
  assert.equal(vote.status, 200);
  const r = await waiting;
  assert.equal(r.status, 200);
  assert.equal(r.json.effect, 'allow');
  assert.ok(r.json.reasons.some((x: string) => x.includes('approved by alice')));
});

test('decide?wait=true answers deny when the approver denies', async () => {
  const before = new Set(await pendingIds());
  const waiting = post('/v1/decide?wait=1', { kind: 'tool', tool: 'trade', args: { amount: 77_777 }, session: 'w2' }, s.keys.agent);
  const id = await until(async () => (await pendingIds()).find((x) => !before.has(x)));
  await post(`/v1/approvals/${id}/deny`, { comment: 'no' }, s.keys.approver);
  const r = await waiting;
  assert.equal(r.json.effect, 'deny');
});

test('long-poll: GET /v1/approvals/:id/wait returns pending at its timeout, and the answer as soon as it is given', async () => {
  const a = await post('/v1/decide', { kind: 'tool', tool: 'trade', args: { amount: 12_345 }, session: 'lp' }, s.keys.agent);
  const id = a.json.pending.id as string;
  const t0 = Date.now();
  const quick = (await (await fetch(`${s.url}/v1/approvals/${id}/wait?timeout=1`, { headers: auth(s.keys.agent) })).json()) as Record<string, unknown>;
  assert.equal(quick.status, 'pending');
  assert.ok(Date.now() - t0 >= 900);
  const polling = fetch(`${s.url}/v1/approvals/${id}/wait?timeout=30`, { headers: auth(s.keys.agent) }).then((r) => r.json() as Promise<Record<string, unknown>>);
  await new Promise((r) => setTimeout(r, 100));
  const t1 = Date.now();
  await post(`/v1/approvals/${id}/approve`, {}, s.keys.approver);
  const got = await polling;
  assert.equal(got.status, 'approved');
  assert.equal(got.effect, 'allow');
  assert.ok(Date.now() - t1 < 2000, 'released promptly');
});

test('SSE: GET /v1/approvals/:id/events sends the status, then `resolved` when answered', async () => {
  const a = await post('/v1/decide', { kind: 'tool', tool: 'trade', args: { amount: 54_321 }, session: 'sse' }, s.keys.agent);
  const id = a.json.pending.id as string;
  const res = await fetch(`${s.url}/v1/approvals/${id}/events`, { headers: auth(s.keys.agent) });
  assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let text = '';
  const read = async (until: RegExp) => {
    while (!until.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += dec.decode(value);
    }
  };
  await read(/event: status/);
  assert.match(text, /"status":"pending"/);
  await post(`/v1/approvals/${id}/approve`, {}, s.keys.approver2);
  await read(/event: resolved[\s\S]*\n\n/);
  assert.match(text, /event: resolved\ndata: .*"effect":"allow"/);
});

test('an approval given from another process (the CLI) releases the waiting caller', async () => {
  const before = new Set(await pendingIds());
  const waiting = post('/v1/decide?wait=true', { kind: 'tool', tool: 'trade', args: { amount: 31_337 }, session: 'cli' }, s.keys.agent);
  const id = await until(async () => (await pendingIds()).find((x) => !before.has(x)));
  const r = cli(['approvals', 'approve', id, '--as', 'carol', '-d', join(s.dir, 'data')]);
  assert.equal(r.code, 0, r.stderr);
  const d = await waiting;
  assert.equal(d.json.effect, 'allow');
});

test('the /v1/events feed streams decisions to approvers; agents may not read it', async () => {
  assert.equal((await fetch(`${s.url}/v1/events`, { headers: auth(s.keys.agent) })).status, 403);
  const res = await fetch(`${s.url}/v1/events`, { headers: auth(s.keys.approver) });
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let text = '';
  while (!text.includes('event: hello')) text += dec.decode((await reader.read()).value);
  await post('/v1/decide', { kind: 'tool', tool: 'read_file', args: { path: '/etc/hosts' }, principal: { id: 'feed-bot' } }, s.keys.agent);
  while (!/event: decisions\ndata: .*feed-bot/.test(text)) text += dec.decode((await reader.read()).value);
  assert.match(text, /"effect":"deny"/);
  assert.match(text, /"rules":\["no-etc"\]/);
  await reader.cancel();
});
