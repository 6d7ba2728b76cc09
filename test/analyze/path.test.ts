// Path analysis: normalization, symlinks of the existing prefix, the protected
// set, the workspace, and paths from shell commands.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, symlinkSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPathAnalyzer, normalizePath, realpathPrefix, within, factFor, protectedCategories } from '../../src/analyze/path.ts';
import { loadShellAnalyzer } from '../../src/analyze/shell/index.ts';

const shell = await loadShellAnalyzer();
const paths = createPathAnalyzer(shell);
const HOME = '/home/u';

test('normalization: relative, ., .., ~, $HOME, repeated slashes', () => {
  assert.equal(normalizePath('a/b/../c', '/w', HOME), '/w/a/c');
  assert.equal(normalizePath('./x//y/./z/', '/w', HOME), '/w/x/y/z');
  assert.equal(normalizePath('../../../../etc/passwd', '/w/p', HOME), '/etc/passwd');
  assert.equal(normalizePath('~', '/w', HOME), '/home/u');
  assert.equal(normalizePath('~/.ssh/id_rsa', '/w', HOME), '/home/u/.ssh/id_rsa');
  assert.equal(normalizePath('$HOME/.aws/credentials', '/w', HOME), '/home/u/.aws/credentials');
  assert.equal(normalizePath('${HOME}/.aws', '/w', HOME), '/home/u/.aws');
  assert.equal(normalizePath('//etc///passwd', '/w', HOME), '/etc/passwd');
  assert.equal(normalizePath('~bob/x', '/w', HOME), '/home/bob/x');
});

test('within is segment-correct', () => {
  assert.ok(within('/tmp/a', '/tmp'));
  assert.ok(within('/tmp', '/tmp'));
  assert.ok(!within('/tmpfoo', '/tmp'));
  assert.ok(within('/anything', '/'));
});

test('symlinks of the existing prefix are resolved', () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'aw-path-')));
  mkdirSync(join(dir, 'real'));
  writeFileSync(join(dir, 'real', 'f.txt'), 'x');
  symlinkSync(join(dir, 'real'), join(dir, 'link'));
  symlinkSync('/etc', join(dir, 'etc-link'));
  assert.equal(realpathPrefix(join(dir, 'link', 'f.txt')), join(dir, 'real', 'f.txt'));
  assert.equal(realpathPrefix(join(dir, 'link', 'new', 'file')), join(dir, 'real', 'new', 'file'), 'non-existing rest kept');
  const f = factFor('etc-link/passwd', 'read', 'cat', dir, HOME);
  assert.equal(f.path, `${realpathSync('/etc')}/passwd`);
  assert.equal(f.inWorkspace, false, 'a symlink out of the workspace is outside');
  assert.equal(f.lexical, join(dir, 'etc-link', 'passwd'));
});

test('default protected set', () => {
  const cat = (p: string) => protectedCategories([p], '/w', HOME);
  assert.deepEqual(cat('/home/u/.ssh/id_rsa'), ['ssh']);
  assert.deepEqual(cat('/home/u/.aws/credentials'), ['cloud']);
  assert.deepEqual(cat('/w/.env'), ['env']);
  assert.deepEqual(cat('/w/app/.env.production'), ['env']);
  assert.deepEqual(cat('/w/.env.example'), []);
  assert.deepEqual(cat('/home/u/.bashrc'), ['shell-rc']);
  assert.deepEqual(cat('/w/.git/hooks/pre-commit'), ['git-hooks']);
  assert.deepEqual(cat('/w/.claude/settings.json'), ['agent-config']);
  assert.deepEqual(cat('/w/.agentwall/audit.log'), ['agentwall']);
  assert.deepEqual(cat('/w/policies/coding-agent.yaml'), ['agentwall']);
  assert.deepEqual(cat('/w/agentwall.yaml'), ['agentwall']);
  assert.deepEqual(cat('/etc/shadow'), ['credentials']);
  assert.deepEqual(cat('/w/src/index.ts'), []);
});

test('file actions: one path with the kind as access; missing path is unresolved', () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'aw-ws-')));
  const f = paths.analyze({ kind: 'file.write', args: { path: 'out/../x.tmp', cwd: dir } });
  assert.equal(f.paths.length, 1);
  assert.equal(f.paths[0]!.path, join(dir, 'x.tmp'));
  assert.equal(f.paths[0]!.access, 'write');
  assert.ok(f.paths[0]!.inWorkspace);
  assert.ok(paths.analyze({ kind: 'file.read', args: {} }).unresolved);
  assert.deepEqual(paths.analyze({ kind: 'http', args: { url: 'x' } }).paths, []);
});

test('shell actions: every path the commands touch, normalized', () => {
  const f = paths.analyze({ kind: 'shell', args: { command: 'cat ../../etc/passwd > ~/out.txt', cwd: '/srv/app' } });
  const got = f.paths.map((p) => `${p.access} ${p.lexical}`).sort();
  assert.ok(got.includes('read /etc/passwd'));
  assert.ok(got.some((g) => g.startsWith('write ') && g.endsWith('/out.txt')));
  const dyn = paths.analyze({ kind: 'shell', args: { command: 'rm -rf "$DIR"/*', cwd: '/srv/app' } });
  assert.ok(dyn.unresolved);
});

test('bad input: NUL bytes and huge paths do not crash', () => {
  const f = paths.analyze({ kind: 'file.read', args: { path: `/tmp/a\u0000b${'x'.repeat(10000)}` } });
  assert.equal(f.paths.length, 1);
  assert.ok(f.paths[0]!.dynamic);
});
