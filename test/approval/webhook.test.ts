// The webhook announces each new pending approval with a JSON POST, without
// the action's arguments, and a slow or dead receiver never blocks a decision.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { agent, pendingOne, setup } from './helpers.ts';

async function server(t: { after: (fn: () => void) => void }, handler: (body: string, req: IncomingMessage) => number | 'hang') {
  const received: Array<{ body: unknown; headers: IncomingMessage['headers'] }> = [];
  const srv = createServer((req, res) => {
    let b = '';
    req.on('data', (d: Buffer) => (b += d.toString()));
    req.on('end', () => {
      received.push({ body: JSON.parse(b), headers: req.headers });
      const r = handler(b, req);
      if (r !== 'hang') res.writeHead(r).end();
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.after(() => {
    srv.closeAllConnections();
    srv.close();
  });
  return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/hook?key=abc`, received };
}

test('each new pending approval is POSTed as JSON, without argument values', async (t) => {
  const s = await server(t, () => 204);
  const { fw, queue, approver } = await setup(t, { approver: { webhook: { url: s.url, headers: { 'x-route': 'ops' } } } });
  const p = fw.authorize({ kind: 'tool', tool: 'deploy', args: { env: 'prod', password: 'hunter2' }, principal: agent, session: 'S9' });
  const a = await pendingOne(queue);
  await approver.lastAnnouncement;
  assert.equal(s.received.length, 1);
  const { body, headers } = s.received[0]!;
  assert.equal(headers['content-type'], 'application/json');
  assert.equal(headers['x-route'], 'ops');
  assert.deepEqual(
    { ...(body as Record<string, unknown>), createdAt: undefined, expiresAt: undefined, reasons: undefined, policyDigest: undefined },
    { event: 'approval.pending', id: a.id, required: 1, principal: 'agent-7', session: 'S9', kind: 'tool', tool: 'deploy', rules: ['deploys-need-one'], show: `agentwall approvals show ${a.id}`, createdAt: undefined, expiresAt: undefined, reasons: undefined, policyDigest: undefined },
  );
  assert.ok(!JSON.stringify(body).includes('hunter2') && !JSON.stringify(body).includes('prod'));
  queue.approve(a.id, 'alice');
  assert.equal((await p).effect, 'allow');
});

test('a hanging receiver times out and is reported; the approval still works', async (t) => {
  const s = await server(t, () => 'hang');
  const errors: string[] = [];
  const { fw, queue, approver } = await setup(t, { approver: { webhook: { url: s.url, timeoutMs: 200 }, onError: (m) => errors.push(m) } });
  const p = fw.authorize({ kind: 'tool', tool: 'deploy', principal: agent });
  const a = await pendingOne(queue);
  queue.approve(a.id, 'alice');
  assert.equal((await p).effect, 'allow');
  await approver.lastAnnouncement;
  assert.equal(errors.length, 1);
  assert.match(errors[0]!, /timed out/);
  assert.ok(!errors[0]!.includes('key=abc'), 'the URL query (may hold a token) is never reported');
});

test('a receiver answering an error status is reported', async (t) => {
  const s = await server(t, () => 500);
  const errors: string[] = [];
  const { fw, queue, approver } = await setup(t, { approver: { webhook: { url: s.url }, onError: (m) => errors.push(m) } });
  const p = fw.authorize({ kind: 'tool', tool: 'deploy', principal: agent });
  const a = await pendingOne(queue);
  await approver.lastAnnouncement;
  assert.match(errors[0] ?? '', /answered 500/);
  queue.deny(a.id, 'alice');
  await p;
});
