// The gateway's commands through the built binary: `agentwall serve` prints
// the URL and the bootstrap admin key once and serves until SIGINT (flushing
// the audit log); `agentwall keys` creates, lists and revokes keys;
// `agentwall demo` replays the rogue agent through a gateway and exits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { BIN, ROOT, cli, ensureBuilt } from '../helpers/cli.ts';
import { tempDir } from './helpers.ts';
import { writeFileSync as require_write } from 'node:fs';

function startServe(args: string[]): Promise<{ out: () => string; url: string; key?: string; stop: () => Promise<number | null> }> {
  ensureBuilt();
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`serve did not start:\n${out}`)), 30_000);
    child.stdout.on('data', () => {
      if (!out.includes('Press Ctrl-C')) return;
      clearTimeout(t);
      resolve({
        out: () => out,
        url: /listening on (http:\/\/\S+)/.exec(out)![1]!,
        key: /^\s+(aw_[a-z0-9]{12}_[A-Za-z0-9_-]{43})$/m.exec(out)?.[1],
        stop: () =>
          new Promise((res) => {
            child.once('exit', (code) => res(code));
            child.kill('SIGINT');
          }),
      });
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${out}`)));
  });
}

test('serve: prints the URL and the bootstrap admin key once, serves, stops on SIGINT with the audit log flushed', async () => {
  const { dir, policyFile } = tempDir('aw-serve-');
  const data = join(dir, 'data');
  const s = await startServe(['-p', policyFile, '-d', data, '--port', '0']);
  assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+$/, 'loopback by default');
  assert.ok(s.key, `bootstrap key printed:\n${s.out()}`);
  const r = await fetch(`${s.url}/v1/decide`, { method: 'POST', headers: { authorization: `Bearer ${s.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'tool', tool: 'read_file', args: { path: '/etc/passwd' } }) });
  assert.equal(((await r.json()) as { effect: string }).effect, 'deny');
  assert.equal(await s.stop(), 0);
  const q = cli(['audit', 'query', '-d', data, '--json', '--effect', 'deny']);
  assert.equal(q.code, 0, q.stderr);
  assert.equal(JSON.parse(q.stdout).length, 1, 'the decision was flushed to the audit log on SIGINT');
  assert.equal(cli(['audit', 'verify', '-d', data]).code, 0);

  const again = await startServe(['-p', policyFile, '-d', data, '--port', '0']);
  assert.equal(again.key, undefined, 'the bootstrap key is shown only on first start');
  assert.doesNotMatch(again.out(), /aw_[a-z0-9]{12}_/);
  assert.equal(await again.stop(), 0);
});

test('serve: a policy that does not load is an error (exit 3) with its location', () => {
  const { dir } = tempDir('aw-serve-bad-');
  const bad = join(dir, 'bad.yaml');
  require_write(bad, 'version: 1\nrules:\n  - id: x\n    effect: perhaps\n');
  const r = cli(['serve', '-p', bad, '-d', join(dir, 'data'), '--port', '0']);
  assert.equal(r.code, 3);
  assert.match(r.stderr, /bad\.yaml:4:\d+/);
});

test('keys: create, list (no secrets), revoke', () => {
  const { dir } = tempDir('aw-keys-');
  const d = join(dir, 'data');
  const c = cli(['keys', 'create', '--role', 'approver', '--name', 'alice', '-d', d, '--json']);
  assert.equal(c.code, 0, c.stderr);
  const k = JSON.parse(c.stdout) as { token: string; id: string };
  assert.match(k.token, /^aw_/);
  const l = cli(['keys', 'list', '-d', d]);
  assert.match(l.stdout, new RegExp(`${k.id}\\s+approver\\s+alice`));
  assert.ok(!l.stdout.includes(k.token.split('_')[2]!));
  assert.equal(cli(['keys', 'revoke', k.id, '-d', d]).code, 0);
  assert.match(cli(['keys', 'list', '-d', d]).stdout, /REVOKED/);
  assert.equal(cli(['keys', 'create', '--role', 'root', '--name', 'x', '-d', d]).code, 3);
  assert.equal(cli(['keys', 'revoke', 'nope', '-d', d]).code, 3);
});

test('demo: replays the rogue agent through the HTTP API, prints what was blocked and why, and exits', () => {
  const r = cli(['demo']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /gateway: http:\/\/127\.0\.0\.1:\d+/);
  assert.match(r.stdout, /DENY\s+the agent reads the \.env file/);
  assert.match(r.stdout, /DENY\s+the agent exfiltrates the secrets with curl/);
  assert.match(r.stdout, /DENY\s+the agent wipes the disk/);
  assert.match(r.stdout, /ALLOW\s+the agent runs the tests/);
  assert.match(r.stdout, /prompt injection/);
  assert.match(r.stdout, /why: .+\[no-secret-access\]/);
  assert.match(r.stdout, /dashboard/i);
});


