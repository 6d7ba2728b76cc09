// Hostile and broken requests against a real listening gateway: each gets a
// 4xx with a JSON error, and the server keeps answering afterwards.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { server, auth } from './helpers.ts';

const s = await server();
after(() => s.close());

async function post(path: string, body: string, headers: Record<string, string> = {}) {
  const r = await fetch(`${s.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth(s.keys.agent), ...headers }, body });
  const text = await r.text();
  let j: { error?: { code: string; message: string } } = {};
  try {
    j = JSON.parse(text);
  } catch {
    /* asserted below */
  }
  return { status: r.status, json: j, text };
}

async function stillUp() {
  const r = await post('/v1/decide', JSON.stringify({ kind: 'tool', tool: 'read_file' }));
  assert.equal(r.status, 200);
  assert.equal((r.json as { effect?: string }).effect, 'allow');
}

test('malformed JSON: 400 invalid_json', async () => {
  for (const body of ['{"kind":', '{kind: "tool"}', 'null', '"just a string"', '[1,2]', '']) {
    const r = await post('/v1/decide', body);
    assert.ok(r.status === 400, `${body}: ${r.status} ${r.text}`);
    assert.ok(r.json.error?.code, `${body}: JSON error body`);
  }
  await stillUp();
});

test('wrong or missing content type: 415', async () => {
  for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x']) {
    const r = await post('/v1/decide', 'kind=tool', { 'content-type': ct });
    assert.equal(r.status, 415, `${ct}: ${r.text}`);
    assert.equal(r.json.error?.code, 'unsupported_media_type');
  }
  await stillUp();
});

test('unknown fields and wrong types: 400 naming the field', async () => {
  const r = await post('/v1/decide', JSON.stringify({ kind: 'tool', tool: 'read_file', agrs: { path: 'x' } }));
  assert.equal(r.status, 400);
  assert.equal(r.json.error?.code, 'invalid_request');
  assert.match(r.json.error!.message, /unknown field 'agrs'/);
  const t = await post('/v1/decide', JSON.stringify({ kind: 5 }));
  assert.equal(t.status, 400);
  assert.match(t.json.error!.message, /kind/);
  const p = await post('/v1/decide', JSON.stringify({ kind: 'tool', principal: { id: 'a', admin: true } }));
  assert.equal(p.status, 400);
  const q = await post('/v1/decide?wait=maybe', JSON.stringify({ kind: 'tool' }));
  assert.equal(q.status, 400);
});

test('prototype poisoning is refused', async () => {
  const r = await post('/v1/decide', '{"kind":"tool","args":{"__proto__":{"admin":true}}}');
  assert.equal(r.status, 400);
  assert.ok(r.json.error?.code);
  await stillUp();
});

test('deep nesting: 400 from the action bounds, no crash', async () => {
  const deep = `{"kind":"tool","tool":"read_file","args":{"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`;
  const r = await post('/v1/decide', deep);
  assert.ok(r.status === 400 || (r.status === 200 && (r.json as { effect?: string }).effect === 'deny'), `${r.status} ${r.text.slice(0, 200)}`);
  const deepObj = `{"kind":"tool","tool":"read_file","args":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`;
  const r2 = await post('/v1/decide', deepObj);
  assert.ok(r2.status === 400 || (r2.json as { effect?: string }).effect === 'deny', `${r2.status}`);
  await stillUp();
});

test('a 50 MB body: 413 body_too_large, without reading it all', async () => {
  const big = Buffer.alloc(50 * 1024 * 1024, 0x20);
  const status = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const u = new URL(`${s.url}/v1/decide`);
    const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(big.length), ...auth(s.keys.agent) } }, (res) => {
      let b = '';
      res.on('data', (c) => (b += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: b }));
    });
    req.on('error', (e) => (e as { code?: string }).code === 'EPIPE' || (e as { code?: string }).code === 'ECONNRESET' ? undefined : reject(e));
    req.end(big);
  });
  assert.equal(status.status, 413);
  assert.equal(JSON.parse(status.body).error.code, 'body_too_large');
  // Chunked (no content-length): the limit applies while reading.
  const chunked = await fetch(`${s.url}/v1/decide`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth(s.keys.agent) },
    body: new ReadableStream({
      start(c) {
        for (let i = 0; i < 4; i++) c.enqueue(new Uint8Array(1024 * 1024).fill(0x20));
        c.close();
      },
    }),
    duplex: 'half',
  } as RequestInit).catch((e: Error) => e);
  if (!(chunked instanceof Error)) assert.equal(chunked.status, 413);
  // The scan route takes up to 10 MB.
  const scan = await post('/v1/scan', JSON.stringify({ text: 'x'.repeat(11 * 1024 * 1024), point: 'input' }));
  assert.equal(scan.status, 413);
  await stillUp();
});

test('missing or wrong keys on every protected route: 401 JSON', async () => {
  for (const [method, path] of [['POST', '/v1/decide'], ['POST', '/v1/scan'], ['GET', '/v1/approvals'], ['GET', '/v1/audit'], ['GET', '/v1/audit/verify'], ['GET', '/v1/policy'], ['POST', '/v1/policy/reload'], ['GET', '/v1/keys'], ['GET', '/metrics'], ['GET', '/v1/events'], ['GET', '/v1/approvals/abc/wait']] as const) {
    const r = await fetch(`${s.url}${path}`, { method, headers: { 'content-type': 'application/json', authorization: 'Bearer aw_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }, ...(method === 'POST' ? { body: '{}' } : {}) });
    assert.equal(r.status, 401, `${method} ${path}`);
    assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'unauthorized');
  }
  await stillUp();
});
