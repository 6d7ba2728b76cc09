// The stdio proxy in front of the real filesystem server from npm, driven by
// the SDK's Client over stdio: transparent listing and calls, mapped tools
// decided as file.write by path, deny answered as a tool error with the
// reason while the upstream never sees the call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { CLI, ROOT, fsCommand, proxied, tempDir, text, writePolicy } from './helpers.ts';

function fsPolicy(data: string): string {
  return `version: 1
default: deny
rules:
  - id: fs-read
    effect: allow
    when: { kind: mcp, tool: [filesystem__list_directory, filesystem__read_text_file, filesystem__list_allowed_directories] }
  - id: fs-write-inside
    effect: allow
    when: { kind: file.write, path: { within: ${JSON.stringify(join(data, 'inside'))} } }
    reason: writes inside the project
mcp:
  tools:
    - { server: filesystem, tool: write_file, kind: file.write, args: { path: path, content: content } }
`;
}

test('stdio proxy: real filesystem server, allow, mapped write, deny with reason, upstream untouched', async (t) => {
  const dir = tempDir(t);
  const data = join(dir, 'data');
  mkdirSync(join(data, 'inside'), { recursive: true });
  writeFileSync(join(data, 'hello.txt'), 'hello world\n');
  const policy = writePolicy(dir, fsPolicy(data));
  const p = await proxied(t, { policy, dataDir: join(dir, 'home'), name: 'filesystem', server: fsCommand(data) });

  // initialize went through: the server's identity and capabilities reach the client.
  assert.match(p.client.getServerVersion()?.name ?? '', /filesystem/i);
  assert.ok(p.client.getServerCapabilities()?.tools, 'tools capability forwarded');

  const { tools } = await p.client.listTools();
  const names = tools.map((x) => x.name);
  for (const n of ['read_text_file', 'write_file', 'list_directory', 'move_file']) assert.ok(names.includes(n), `${n} listed: ${names.join(',')}`);

  const read = await p.client.callTool({ name: 'read_text_file', arguments: { path: join(data, 'hello.txt') } });
  assert.equal(read.isError, undefined);
  assert.equal(text(read), 'hello world\n');

  const ok = await p.client.callTool({ name: 'write_file', arguments: { path: join(data, 'inside', 'a.txt'), content: 'A' } });
  assert.ok(!ok.isError, text(ok));
  assert.equal(readFileSync(join(data, 'inside', 'a.txt'), 'utf8'), 'A');

  const denied = await p.client.callTool({ name: 'write_file', arguments: { path: join(data, 'outside.txt'), content: 'B' } });
  assert.equal(denied.isError, true);
  assert.match(text(denied), /AgentWall blocked filesystem\/write_file: .*default is deny/);
  assert.equal(existsSync(join(data, 'outside.txt')), false, 'the upstream never saw the denied call');

  const traversal = await p.client.callTool({ name: 'write_file', arguments: { path: join(data, 'inside', '..', 'escape.txt'), content: 'C' } });
  assert.equal(traversal.isError, true, 'path analyzer resolves .. before the within test');
  assert.equal(existsSync(join(data, 'escape.txt')), false);

  const unmapped = await p.client.callTool({ name: 'move_file', arguments: { source: join(data, 'hello.txt'), destination: join(data, 'moved.txt') } });
  assert.equal(unmapped.isError, true);
  assert.ok(existsSync(join(data, 'hello.txt')) && !existsSync(join(data, 'moved.txt')));
  assert.match(p.stderr(), /filesystem\/move_file: deny/);

  // Every decision is in the data dir's audit log.
  await p.close();
  const q = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'audit', 'query', '-d', join(dir, 'home'), '--json'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(q.status, 0, q.stderr);
  for (const s of ['filesystem__read_text_file', 'filesystem__write_file', 'filesystem__move_file', 'fs-write-inside']) assert.ok(q.stdout.includes(s), `audit lacks ${s}`);
});

test('stdio proxy: a call to a tool it has not reviewed is listed first, then decided', async (t) => {
  const dir = tempDir(t);
  const data = join(dir, 'data');
  mkdirSync(join(data, 'inside'), { recursive: true });
  writeFileSync(join(data, 'x.txt'), 'x');
  const policy = writePolicy(dir, fsPolicy(data));
  const p = await proxied(t, { policy, dataDir: join(dir, 'home'), name: 'filesystem', server: fsCommand(data) });
  // No tools/list from the client: the proxy lists by itself before deciding.
  const r = await p.client.callTool({ name: 'read_text_file', arguments: { path: join(data, 'x.txt') } });
  assert.equal(text(r), 'x');
  const unknown = await p.client.callTool({ name: 'no_such_tool', arguments: {} });
  assert.equal(unknown.isError, true);
  assert.match(text(unknown), /unknown tool 'no_such_tool'/);
});
