// Tool-call translation shared by the hook protocols: MCP names, Codex patches,
// URLs inside Gemini's web_fetch prompt, paths resolved against the agent's cwd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { claudeToolActions, patchFiles, splitMcpName, urlsIn } from '../../src/adapters/hooks/map.ts';
import { codex } from '../../src/adapters/hooks/codex.ts';
import { gemini } from '../../src/adapters/hooks/gemini.ts';
import { HookInputError } from '../../src/adapters/hooks/protocol.ts';

const ctx = { agent: 'claude-code', session: 's', cwd: '/home/dev/project', event: 'PreToolUse' };

test('mcp__server__tool names: server may contain single underscores, the tool keeps the rest', () => {
  assert.deepEqual(splitMcpName('mcp__github__get_issue'), { server: 'github', tool: 'get_issue' });
  assert.deepEqual(splitMcpName('mcp__my_db__run__query'), { server: 'my_db', tool: 'run__query' });
  assert.equal(splitMcpName('mcp__broken'), undefined);
  assert.equal(splitMcpName('Bash'), undefined);
});

test('Claude Code tools: relative paths resolve against cwd; MCP becomes an mcp action', () => {
  const [read] = claudeToolActions(ctx, 'Read', { file_path: 'src/a.ts' });
  assert.equal(read!.kind, 'file.read');
  assert.equal(read!.args!.path, '/home/dev/project/src/a.ts');
  assert.equal(read!.session, 's');
  assert.equal(read!.context!.cwd, '/home/dev/project');
  const [m] = claudeToolActions(ctx, 'mcp__github__create_issue', { title: 't' });
  assert.deepEqual({ kind: m!.kind, tool: m!.tool, args: m!.args }, { kind: 'mcp', tool: 'create_issue', args: { server: 'github', tool: 'create_issue', arguments: { title: 't' } } });
  const [sh] = claudeToolActions(ctx, 'Bash', { command: 'ls' });
  assert.deepEqual(sh!.args, { command: 'ls', cwd: '/home/dev/project' });
  assert.throws(() => claudeToolActions(ctx, 'Write', { content: 'x' }), HookInputError);
});

test('Codex patches: one action per file, adds/updates carry added lines, a move deletes its source', () => {
  const files = patchFiles('*** Begin Patch\n*** Add File: a.txt\n+hello\n*** Delete File: old.txt\n*** Update File: b.txt\n*** Move to: c.txt\n@@\n-x\n+y\n*** End Patch');
  assert.deepEqual(files, [
    { op: 'add', path: 'a.txt', content: 'hello' },
    { op: 'delete', path: 'old.txt', content: '' },
    { op: 'delete', path: 'b.txt', content: '' },
    { op: 'add', path: 'c.txt', content: 'y' },
  ]);
  const req = codex.parse({ session_id: 's', cwd: '/w', hook_event_name: 'PreToolUse', tool_name: 'apply_patch', tool_input: { command: '*** Begin Patch\n*** Delete File: x.rs\n*** End Patch' } });
  assert.deepEqual(req.actions.map((a) => [a.kind, a.args!.path]), [['file.delete', '/w/x.rs']]);
});

test('Gemini web_fetch: every URL in the prompt is decided', () => {
  assert.deepEqual(urlsIn('see https://a.example/x, and (http://169.254.169.254/latest).'), ['https://a.example/x', 'http://169.254.169.254/latest']);
  const req = gemini.parse({ session_id: 'g', cwd: '/w', hook_event_name: 'BeforeTool', tool_name: 'web_fetch', tool_input: { prompt: 'compare https://a.example and https://b.example' } });
  assert.deepEqual(req.actions.map((a) => a.args!.url), ['https://a.example', 'https://b.example']);
});
