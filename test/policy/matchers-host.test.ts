// The host: and url: matchers over http and shell actions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { holds, loadError, sh } from '../helpers/facts.ts';

const http = (url: string, extra: Record<string, unknown> = {}) => ({ kind: 'http', args: { url, ...extra } });

test('class and internal, in every address spelling', async () => {
  const internal = { host: { class: ['loopback', 'private', 'link-local', 'metadata'] } };
  for (const u of ['http://127.0.0.1/', 'http://2130706433/', 'http://0x7f.1/', 'http://0177.0.0.1/', 'http://127.1/', 'http://[::ffff:127.0.0.1]/', 'http://[64:ff9b::7f00:1]/', 'http://192.168.0.1/', 'http://169.254.169.254/', 'http://metadata.google.internal/', 'http://localhost:8080/']) {
    assert.ok(await holds(internal, http(u)), u);
  }
  assert.ok(!(await holds(internal, http('https://example.com/'))));
  assert.ok(await holds({ host: { internal: true } }, sh('curl http://10.0.0.8/x')));
  assert.ok(await holds({ host: { class: 'metadata' } }, sh('wget -qO- http://169.254.169.254/latest')));
  assert.ok(await holds({ host: { class: 'internal' } }, sh('nc 10.1.1.1 80')));
});

test('domain: suffix-correct, with lists, any vs all', async () => {
  const lists = { trusted: ['example.com', '*.corp.example.net'] };
  const when = { host: { domain: '$trusted' } };
  assert.ok(await holds(when, http('https://api.example.com/x'), lists));
  assert.ok(await holds(when, http('https://example.com/x'), lists));
  assert.ok(!(await holds(when, http('https://example.com.evil.net/x'), lists)));
  assert.ok(!(await holds(when, http('https://evilexample.com/x'), lists)));
  assert.ok(await holds(when, http('https://git.corp.example.net/'), lists));
  assert.ok(!(await holds(when, http('https://corp.example.net/'), lists)));
  const all = { host: { domain: 'example.com', match: 'all' } };
  assert.ok(!(await holds(all, sh('curl https://example.com/a https://evil.net/b'))));
  assert.ok(await holds({ host: { domain: 'example.com' } }, sh('curl https://example.com/a https://evil.net/b')));
});

test('ip ranges, ports, schemes', async () => {
  assert.ok(await holds({ host: { ip: '10.0.0.0/8' } }, http('http://10.20.30.40/')));
  assert.ok(await holds({ host: { ip: '127.0.0.0/8' } }, http('http://[::ffff:7f00:1]/')));
  assert.ok(!(await holds({ host: { ip: '10.0.0.0/8' } }, http('http://11.0.0.1/'))));
  assert.ok(await holds({ host: { port: 6379 } }, http('http://x.io:6379/')));
  assert.ok(await holds({ host: { port: 443 } }, http('https://x.io/')));
  assert.ok(await holds({ url: { scheme: { not_in: ['http', 'https'] } } }, http('gopher://x.io/_')));
  assert.ok(await holds({ url: { userinfo: true } }, http('http://a:b@x.io/')));
  assert.ok(await holds({ url: { unparseable: true } }, http('http://exa mple.com/')));
  assert.ok(await holds({ url: { path: { glob: '/admin/*' } } }, http('http://x.io/admin/users')));
});

test('host conditions never hold on actions without network targets', async () => {
  assert.ok(!(await holds({ host: { internal: false } }, { kind: 'file.read', args: { path: '/x' } })));
  assert.ok(!(await holds({ host: { internal: false } }, sh('ls -la'))));
});

test('validation', async () => {
  assert.match(await loadError('{ host: { class: [intranet] } }'), /unknown host class 'intranet'/);
  assert.match(await loadError('{ host: { ip: 10.0.0.0/33 } }'), /invalid address or CIDR/);
  assert.match(await loadError('{ host: { domain: [] } }'), /non-empty list/);
  assert.match(await loadError('{ url: { schema: http } }'), /unknown key 'schema'/);
});
