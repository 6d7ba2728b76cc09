// Bad input on both sides of the stdio proxy: malformed JSON-RPC and
// oversized messages from the client get clear JSON-RPC errors; an upstream
// that hangs, crashes, floods or answers too big gets the client a clear
// error; the proxy stays up and forwards nothing that was not decided.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LoggingMessageNotificationSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import { CLI, ROOT, fixtureCommand, proxied, tempDir, text, until, writePolicy } from './helpers.ts';

const POLICY = `version: 1
default: deny
rules:
  - id: fixture
    effect: allow
    when: { kind: mcp, args.server: fixture }
  - id: no-write
    effect: deny
    when: { kind: mcp, tool: fixture__write }
mcp:
  limits: { maxMessageBytes: 65536, callTimeout: 1500ms }
`;
const SLOW_OK = POLICY.replace('callTimeout: 1500ms', 'callTimeout: 20s');
const HANG = POLICY.replace('callTimeout: 1500ms', 'callTimeout: 3s');

/** The proxy over raw pipes: write any bytes, read every line it answers. */
function raw(t: Parameters<typeof tempDir>[0], dir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'mcp', '-p', writePolicy(dir, POLICY), '-d', join(dir, 'home'), '--name', 'fixture', '--', ...fixtureCommand()], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  t.after(() => child.kill('SIGKILL'));
  const lines: Array<Record<string, unknown>> = [];
  let buf = '';
  child.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) !== -1) {
      lines.push(JSON.parse(buf.slice(0, i)) as Record<string, unknown>);
      buf = buf.slice(i + 1);
    }
  });
  const send = (s: string) => child.stdin.write(s.endsWith('\n') ? s : `${s}\n`);
  const reply = async (id: unknown) => {
    await until(() => lines.some((l) => l.id === id), 20_000, `a reply to ${JSON.stringify(id)}`);
    return lines.find((l) => l.id === id)!;
  };
  return { child, lines, send, reply };
}

test('malformed JSON-RPC and oversized messages get clear errors; the proxy stays up', async (t) => {
  const dir = tempDir(t);
  const p = raw(t, dir);
  p.send('this is not json');
  p.send('{"jsonrpc":"2.0","id":7,"method":5}');
  p.send('[{"jsonrpc":"2.0","id":8,"method":"ping"}]');
  p.send(`{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"write","arguments":{"path":"${'a'.repeat(100_000)}"}}}`);
  await until(() => p.lines.length >= 4, 20_000, 'four error answers');
  const [parse, invalid, batch, big] = p.lines as Array<{ id: unknown; error: { code: number; message: string } }>;
  assert.deepEqual([parse!.id, parse!.error.code], [null, -32700]);
  assert.match(parse!.error.message, /^Parse error/);
  assert.deepEqual([invalid!.id, invalid!.error.code], [7, -32600]);
  assert.deepEqual([batch!.error.code], [-32600]);
  assert.match(batch!.error.message, /batches are not supported/);
  assert.deepEqual([big!.id, big!.error.code], [9, -32011]);
  assert.match(big!.error.message, /exceeds the limit of 65536 bytes .*not forwarded/);

  // Still alive and transparent.
  p.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }));
  const init = (await p.reply(1)) as { result: { serverInfo: { name: string } } };
  assert.equal(init.result.serverInfo.name, 'fixture');
  p.send('{"jsonrpc":"2.0","method":"notifications/initialized"}');
  p.send('{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"add","arguments":{"a":20,"b":22}}}');
  const add = (await p.reply(2)) as { result: { content: Array<{ text: string }> } };
  assert.equal(add.result.content[0]!.text, '42');
  // A denied call with a client-chosen string id: the answer keeps the id.
  p.send(`{"jsonrpc":"2.0","id":"w","method":"tools/call","params":{"name":"write","arguments":{"path":${JSON.stringify(join(dir, 'm'))}}}}`);
  const w = (await p.reply('w')) as { result: { isError: boolean; content: Array<{ text: string }> } };
  assert.equal(w.result.isError, true);
  assert.match(w.result.content[0]!.text, /AgentWall blocked fixture\/write/);
  assert.equal(existsSync(join(dir, 'm')), false);
});

test('upstream hang: timeout error, cancellation sent upstream, next call works', async (t) => {
  const dir = tempDir(t);
  const p = await proxied(t, { policy: writePolicy(dir, HANG), dataDir: join(dir, 'home'), name: 'fixture', server: fixtureCommand() });
  const t0 = Date.now();
  await assert.rejects(p.client.callTool({ name: 'sleep', arguments: {} }, undefined, { timeout: 20_000 }), (e: unknown) => {
    assert.ok(e instanceof McpError && e.code === -32001 && /did not answer tools\/call within 3s/.test(e.message), `unexpected: ${String(e)}\n${p.stderr()}`);
    return true;
  });
  assert.ok(Date.now() - t0 < 20_000, `timeout took ${Date.now() - t0} ms`);
  assert.equal(text(await p.client.callTool({ name: 'add', arguments: { a: 1, b: 1 } })), '2');
  // A long call that reports progress is not cut at the timeout: progress restarts it.
  let progress = 0;
  const slow = await p.client.callTool({ name: 'slow', arguments: { steps: 12 } }, undefined, { timeout: 60_000, onprogress: () => void progress++ });
  assert.equal(text(slow), 'done after 12 steps', 'about 4.8s in all, longer than the 3s timeout');
  // The SDK client may drop a progress notification that arrives in the same chunk as the result.
  assert.ok(progress >= 10, `progress notifications relayed: ${progress}`);
});

test('upstream flood and oversized answer: the client gets the answer or a clear error', async (t) => {
  const dir = tempDir(t);
  const p = await proxied(t, { policy: writePolicy(dir, SLOW_OK), dataDir: join(dir, 'home'), name: 'fixture', server: fixtureCommand() });
  let logs = 0;
  p.client.setNotificationHandler(LoggingMessageNotificationSchema, () => void logs++);
  const r = await p.client.callTool({ name: 'flood', arguments: { count: 20_000 } });
  assert.equal(text(r), 'sent 20000');
  assert.ok(logs > 0, 'notifications forwarded');
  await assert.rejects(p.client.callTool({ name: 'big', arguments: { bytes: 200_000 } }), (e: unknown) => e instanceof McpError && /larger than 65536 bytes and was dropped/.test(e.message));
  assert.equal(text(await p.client.callTool({ name: 'add', arguments: { a: 2, b: 2 } })), '4');
});

test('upstream crash: pending call gets an error naming the exit, later calls a clear error, then the server is restarted', async (t) => {
  const dir = tempDir(t);
  const p = await proxied(t, { policy: writePolicy(dir, POLICY), dataDir: join(dir, 'home'), name: 'fixture', server: fixtureCommand() });
  await p.client.listTools();
  await assert.rejects(p.client.callTool({ name: 'crash', arguments: {} }), (e: unknown) => e instanceof McpError && e.code === -32000 && /exited with code 3 before answering tools\/call/.test(e.message));
  await assert.rejects(p.client.callTool({ name: 'add', arguments: { a: 1, b: 1 } }), (e: unknown) => e instanceof McpError && /upstream server fixture exited with code 3/.test(e.message));
  await assert.rejects(p.client.listTools(), (e: unknown) => e instanceof McpError && e.code === -32000);
  // The proxy itself is still running and answering.
  assert.ok(p.transport.pid && process.kill(p.transport.pid, 0));
  // After the backoff, the next request restarts the server and replays the client's initialize.
  await new Promise((r) => setTimeout(r, 2100));
  assert.equal(text(await p.client.callTool({ name: 'add', arguments: { a: 1, b: 1 } })), '2');
  assert.match(p.stderr(), /restarting upstream fixture/);
  void readFileSync;
});
