// The path: matcher: within/outside/workspace/glob/access/protected, any vs
// all, symlinks, and validation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { holds, loadError, sh } from '../helpers/facts.ts';

const W = '/home/dev/project';
const write = (path: string, cwd = W) => ({ kind: 'file.write', args: { path, cwd } });

test('within and glob (minimatch, dot files included, name-only patterns match the basename)', async () => {
  const when = { kind: 'file.write', path: { within: '/tmp', glob: '*.tmp', match: 'all' } };
  assert.ok(await holds(when, write('/tmp/a.tmp')));
  assert.ok(await holds(when, write('/tmp/.hidden.tmp')));
  assert.ok(await holds(when, write('/tmp/x/y/z.tmp')));
  assert.ok(!(await holds(when, write('/tmp/a.txt'))));
  assert.ok(!(await holds(when, write('/tmpx/a.tmp'))));
  assert.ok(!(await holds(when, write('/tmp/../etc/a.tmp'))));
  assert.ok(await holds({ path: { glob: '/etc/**' } }, { kind: 'file.read', args: { path: '/etc/ssh/sshd_config' } }));
  assert.ok(await holds({ path: { glob: 'src/**/*.ts' } }, { kind: 'file.read', args: { path: 'src/a/b.ts', cwd: W } }));
});

test('symlinks: a link inside /tmp that points out is not within /tmp', async () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'aw-m-')));
  symlinkSync('/etc', join(dir, 'out'));
  assert.ok(!(await holds({ path: { within: dir } }, write(join(dir, 'out', 'passwd.tmp')))));
  assert.ok(await holds({ path: { within: '/etc' } }, write(join(dir, 'out', 'passwd.tmp'))));
});

test('workspace, outside, access', async () => {
  assert.ok(await holds({ path: { workspace: true } }, write('src/x.ts')));
  assert.ok(await holds({ path: { workspace: false } }, write('../other/x.ts')));
  assert.ok(await holds({ path: { outside: ['/tmp', '~'] } }, write('/etc/x')));
  assert.ok(!(await holds({ path: { outside: ['/tmp'] } }, write('/tmp/x'))));
  assert.ok(await holds({ path: { access: 'delete' } }, sh('rm -f a.txt')));
  assert.ok(!(await holds({ path: { access: 'write' } }, sh('cat a.txt'))));
});

test('protected: true or categories, from file actions and from shell lines', async () => {
  assert.ok(await holds({ path: { protected: true } }, sh('cat ~/.ssh/id_rsa')));
  assert.ok(await holds({ path: { protected: ['ssh'] } }, sh('cp ~/.ssh/id_rsa /tmp/k')));
  assert.ok(await holds({ path: { protected: ['env'] } }, { kind: 'file.read', args: { path: 'app/.env.local', cwd: W } }));
  assert.ok(await holds({ path: { protected: ['agentwall'] } }, sh('echo x >> .agentwall/audit.log')));
  assert.ok(!(await holds({ path: { protected: true } }, sh('cat README.md'))));
});

test('any (default) vs all', async () => {
  const any = { path: { within: '/tmp' } };
  const all = { path: { within: '/tmp', match: 'all' } };
  const line = sh('cp /tmp/a /etc/b');
  assert.ok(await holds(any, line));
  assert.ok(!(await holds(all, line)));
  assert.ok(!(await holds(any, sh('ls'))), 'no paths: nothing holds');
  assert.ok(!(await holds(all, sh('ls'))));
});

test('unresolved paths', async () => {
  assert.ok(await holds({ path: { unresolved: true } }, sh('rm -rf "$TARGET"/*')));
  assert.ok(await holds({ path: { unresolved: true } }, { kind: 'file.read', args: {} }));
});

test('validation', async () => {
  assert.match(await loadError('{ path: { within: tmp } }'), /absolute path/);
  assert.match(await loadError('{ path: { protected: [keys] } }'), /unknown protected category 'keys'/);
  assert.match(await loadError('{ path: { access: modify } }'), /expected one of read, write, delete, exec, touch/);
  assert.match(await loadError('{ path: { inside: /tmp } }'), /unknown key 'inside'/);
});
