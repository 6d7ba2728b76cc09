// /mcp on the gateway: an MCP client with an agent key reaches the configured
// upstreams through the gateway; tools/call is decided by the gateway's
// firewall (allowed calls run, denied ones come back as a blocked result) and
// lands in its audit log; without a key, 401; without --mcp, 501.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startServer } from '../../src/server/serve.ts';
import { tempDir, auth } from './helpers.ts';
import { FIXTURE, ROOT } from '../mcp/helpers.ts';

const { dir } = tempDir('aw-gw-mcp-');
const policy = join(dir, 'mcp-policy.yaml');
writeFileSync(policy, `version: 1
default: deny
rules:
  - id: echo-ok
    effect: allow
    when: { kind: mcp, tool: fixture__echo }
`);
const cfg = join(dir, 'mcp.yaml');
writeFileSync(cfg, `upstreams:\n  fixture: { command: ${JSON.stringify(process.execPath)}, args: [--import, tsx, ${JSON.stringify(FIXTURE)}], cwd: ${JSON.stringify(ROOT)} }\n`);
const s = await startServer({ policy: [policy], dataDir: join(dir, 'data'), port: 0, watchKeys: false, extensions: false, mcpConfig: cfg });
const agentKey = s.gateway.keys.create({ name: 'mcp-agent', role: 'agent' }).token;
const approverKey = s.gateway.keys.create({ name: 'alice', role: 'approver' }).token;
after(() => s.close());

test('an MCP client with an agent key lists and calls tools through /mcp; the firewall decides each call', async () => {
  const client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${s.url}/mcp`), { requestInit: { headers: auth(agentKey) } }));
  try {
    const tools = await client.listTools();
    const names = tools.tools.map((t) => t.name);
    assert.ok(names.includes('fixture__echo'), names.join(', '));
    const ok = (await client.callTool({ name: 'fixture__echo', arguments: { text: 'hello' } })) as { content: Array<{ text: string }>; isError?: boolean };
    assert.ok(!ok.isError, JSON.stringify(ok));
    assert.match(ok.content[0]!.text, /hello/);
    const no = (await client.callTool({ name: 'fixture__add', arguments: { a: 1, b: 2 } })) as { content: Array<{ text: string }>; isError?: boolean };
    assert.equal(no.isError, true);
    assert.match(no.content[0]!.text, /AgentWall|blocked|denied/i);
  } finally {
    await client.close();
  }
  s.gateway.log.flush();
  const rec = (await (await fetch(`${s.url}/v1/audit?type=decision&limit=20`, { headers: auth(approverKey) })).json()) as { records: Array<{ tool?: string; effect?: string }> };
  assert.ok(rec.records.some((r) => r.tool === 'fixture__add' && r.effect === 'deny'), JSON.stringify(rec.records.map((r) => [r.tool, r.effect])));
});

test('/mcp needs a key with the agent (or admin) role', async () => {
  const r = await fetch(`${s.url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }) });
  assert.equal(r.status, 401);
  const a = await fetch(`${s.url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth(approverKey) }, body: '{}' });
  assert.equal(a.status, 403);
});
