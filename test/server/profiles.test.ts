// Agent profiles through the gateway when the session layer is present:
// GET /v1/profiles lists agents, GET /v1/profiles/:agent shows what the agent
// usually does and its recent actions with anomaly scores; the dashboard page
// renders them.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { harness, json, auth } from './helpers.ts';

const h = await harness({ extensions: true });
after(() => h.close());

test('profiles: agents seen through /v1/decide get a profile with recent actions', async (t) => {
  if (!h.gw.ext.session) return t.skip('no session layer in this build');
  for (let i = 0; i < 30; i++) {
    await h.app.inject({ method: 'POST', url: '/v1/decide', ...json({ kind: 'tool', tool: 'read_file', args: { path: `docs/${i % 3}.md` }, principal: { id: 'reader' }, session: 'p1' }, h.keys.agent) });
  }
  await h.app.inject({ method: 'POST', url: '/v1/decide', ...json({ kind: 'tool', tool: 'trade', args: { amount: 5 }, principal: { id: 'reader' }, session: 'p1' }, h.keys.agent) });
  const list = await h.app.inject({ url: '/v1/profiles', headers: auth(h.keys.approver) });
  assert.equal(list.statusCode, 200);
  assert.ok(list.json().agents.some((a: { id: string; steps: number }) => a.id === 'reader' && a.steps === 31));
  const p = await h.app.inject({ url: '/v1/profiles/reader', headers: auth(h.keys.approver) });
  assert.equal(p.statusCode, 200);
  const body = p.json();
  assert.equal(body.tools[0][0], 'read_file');
  assert.equal(body.recent[0].tool, 'trade');
  assert.ok(body.recent[0].anomaly === undefined || typeof body.recent[0].anomaly.score === 'number');
  assert.equal((await h.app.inject({ url: '/v1/profiles/nobody', headers: auth(h.keys.approver) })).statusCode, 404);
  assert.equal((await h.app.inject({ url: '/v1/profiles', headers: auth(h.keys.agent) })).statusCode, 403);
});

test('the dashboard Agents page renders profiles and anomaly scores for a signed-in approver', async (t) => {
  if (!h.gw.ext.session) return t.skip('no session layer in this build');
  const login = await h.app.inject({ method: 'POST', url: '/dashboard/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `key=${encodeURIComponent(h.keys.approver)}` });
  assert.equal(login.statusCode, 303);
  const cookie = String(login.headers['set-cookie']).split(';')[0]!;
  assert.match(String(login.headers['set-cookie']), /HttpOnly; SameSite=Strict/);
  const page = await h.app.inject({ url: '/dashboard/profiles?agent=reader', headers: { cookie } });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Recent actions and anomaly scores/);
  assert.match(page.body, /read_file/);
  assert.match(String(page.headers['content-security-policy']), /script-src 'nonce-/);
  const anon = await h.app.inject({ url: '/dashboard/profiles' });
  assert.equal(anon.statusCode, 302);
  // A cookie session may read but not change anything without the CSRF token.
  const vote = await h.app.inject({ method: 'POST', url: '/v1/approvals/x/approve', headers: { cookie, 'content-type': 'application/json' }, payload: '{}' });
  assert.equal(vote.statusCode, 403);
  assert.equal(vote.json().error.code, 'csrf');
});
