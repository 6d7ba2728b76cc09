// Host classification and URL analysis: numeric IPv4 spellings, IPv4 inside
// IPv6, metadata endpoints, suffix-correct domains, lenient URL readings, DNS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { classifyHost, domainMatches, parseIPv4Loose } from '../../src/analyze/host.ts';
import { analyzeUrl } from '../../src/analyze/url.ts';
import { resolveAndCheck } from '../../src/analyze/dns.ts';

test('every numeric IPv4 spelling of 127.0.0.1', () => {
  for (const s of ['127.0.0.1', '2130706433', '0x7f000001', '0x7f.1', '0177.0.0.1', '0177.0.0.01', '127.1', '127.0.1', '0x7f.0.0.1', '0x7F.0x0.0x0.0x1', '017700000001', '127.000.000.001', '0o177.0.0.1', 'o177.0.0.1', '127.0.0.1.']) {
    assert.equal(parseIPv4Loose(s), '127.0.0.1', s);
    const h = classifyHost(s);
    assert.ok(h.classes.includes('loopback') && h.internal, s);
  }
  assert.equal(parseIPv4Loose('3232235521'), '192.168.0.1');
  assert.equal(parseIPv4Loose('2852039166'), '169.254.169.254');
  assert.equal(parseIPv4Loose('0xa9fea9fe'), '169.254.169.254');
  assert.equal(parseIPv4Loose('256.1.1.1'), undefined);
  assert.equal(parseIPv4Loose('1.2.3.4.5'), undefined);
});

test('fast-check: any uint32 in decimal, hex or octal classifies like its dotted form', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => {
      const dotted = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
      const want = classifyHost(dotted).internal;
      return [String(n), `0x${n.toString(16)}`, `0${n.toString(8)}`].every((s) => parseIPv4Loose(s) === dotted && classifyHost(s).internal === want);
    }),
    { numRuns: 300 },
  );
});

test('address classes', () => {
  const cls = (h: string) => classifyHost(h).classes;
  assert.ok(cls('10.1.2.3').includes('private'));
  assert.ok(cls('172.16.0.1').includes('private'));
  assert.ok(cls('192.168.1.1').includes('private'));
  assert.ok(cls('169.254.1.1').includes('link-local'));
  assert.ok(cls('100.64.0.1').includes('cgnat'));
  assert.ok(cls('fd12::1').includes('unique-local'));
  assert.ok(cls('fe80::1').includes('link-local'));
  assert.ok(cls('224.0.0.1').includes('multicast'));
  assert.ok(cls('ff02::1').includes('multicast'));
  assert.ok(cls('0.0.0.0').includes('unspecified'));
  assert.ok(cls('::').includes('unspecified'));
  assert.ok(cls('::1').includes('loopback'));
  assert.ok(cls('255.255.255.255').includes('broadcast'));
  assert.deepEqual(cls('8.8.8.8'), ['public']);
  assert.deepEqual(cls('2606:4700:4700::1111'), ['public']);
  assert.equal(classifyHost('93.184.216.34').internal, false);
});

test('cloud metadata endpoints, by address and by name', () => {
  for (const h of ['169.254.169.254', '[fd00:ec2::254]', 'metadata.google.internal', 'metadata', '100.100.100.200', '2852039166', '0xa9.0xfe.0xa9.0xfe', '::ffff:169.254.169.254', 'METADATA.GOOGLE.INTERNAL.']) {
    const c = classifyHost(h);
    assert.ok(c.classes.includes('metadata'), h);
    assert.ok(c.internal, h);
  }
});

test('IPv4 embedded in IPv6: mapped, compatible, translated, NAT64, 6to4, Teredo', () => {
  for (const h of ['::ffff:127.0.0.1', '::ffff:7f00:1', '0:0:0:0:0:ffff:127.0.0.1', '::127.0.0.1', '::ffff:0:127.0.0.1', '64:ff9b::127.0.0.1', '64:ff9b::7f00:1', '64:ff9b:1::7f00:1', '2002:7f00:1::', '2001:0:4136:e378:8000:63bf:80ff:fffe']) {
    const c = classifyHost(h);
    assert.equal(c.ipv4, '127.0.0.1', h);
    assert.ok(c.classes.includes('loopback') && c.internal, h);
  }
  assert.ok(classifyHost('::ffff:a9fe:a9fe').classes.includes('metadata'));
  assert.ok(classifyHost('64:ff9b::10.0.0.1').classes.includes('private'));
  assert.equal(classifyHost('64:ff9b::8.8.8.8').internal, false);
});

test('names: localhost, internal suffixes, single labels, IP-echo services', () => {
  for (const h of ['localhost', 'LOCALHOST', 'api.localhost', 'ip6-localhost', 'db.internal', 'printer.local', 'redis', 'x.home.arpa', '127.0.0.1.nip.io', '10-0-0-1.sslip.io', 'app.169.254.169.254.nip.io', 'localtest.me', 'foo.localtest.me']) {
    assert.ok(classifyHost(h).internal, h);
  }
  for (const h of ['example.com', 'api.github.com', 'nip.io', '8.8.8.8.nip.io', 'xn--nxasmq6b.com']) assert.equal(classifyHost(h).internal, false, h);
});

test('suffix-correct domain matching', () => {
  assert.ok(domainMatches('example.com', 'example.com'));
  assert.ok(domainMatches('api.example.com', 'example.com'));
  assert.ok(domainMatches('API.Example.COM.', 'example.com'));
  assert.ok(!domainMatches('example.com.evil.net', 'example.com'));
  assert.ok(!domainMatches('evilexample.com', 'example.com'));
  assert.ok(!domainMatches('example.co', 'example.com'));
  assert.ok(domainMatches('a.example.com', '*.example.com'));
  assert.ok(!domainMatches('example.com', '*.example.com'));
  assert.ok(domainMatches('example.com', '=example.com'));
  assert.ok(!domainMatches('a.example.com', '=example.com'));
  assert.ok(domainMatches('bücher.de', 'xn--bcher-kva.de'));
});

test('URLs: WHATWG parsing plus lenient readings', () => {
  const u = analyzeUrl('http://0x7f.1:8080/admin');
  assert.equal(u.host, '127.0.0.1');
  assert.equal(u.port, 8080);
  assert.ok(u.internal);
  assert.ok(analyzeUrl('http://[::ffff:127.0.0.1]/').internal);
  assert.ok(analyzeUrl('http://evil.com@127.0.0.1/').internal);
  assert.ok(analyzeUrl('http://127.0.0.1#@evil.com/').internal);
  // curl and WHATWG disagree about backslashes: both readings are checked.
  assert.ok(analyzeUrl('http://127.1.1.1:80\\@evil.com/').internal);
  assert.ok(analyzeUrl('http://evil.com\\@127.0.0.1/').internal);
  assert.ok(analyzeUrl('gopher://0x7f.1:25/_MAIL').internal);
  assert.ok(analyzeUrl('dict://localhost:11211/stat').internal);
  assert.ok(analyzeUrl('jar:http://127.0.0.1!/').internal);
  assert.ok(analyzeUrl('http://ⓛⓞⓒⓐⓛⓗⓞⓢⓣ/').internal);
  assert.equal(analyzeUrl('http://ⓔⓧⓐⓜⓟⓛⓔ.ⓒⓞⓜ').host, 'example.com');
  assert.equal(analyzeUrl('https://api.github.com/repos').internal, false);
  assert.equal(analyzeUrl('https://user:pw@example.com:8443/x').userinfo, true);
  const bad = analyzeUrl('http://0o177.0.0.1/');
  assert.ok(bad.internal, 'unparseable numeric host fails closed');
  assert.equal(analyzeUrl('not a url').kind, 'invalid');
  assert.equal(analyzeUrl('http://example.com:99999/').kind, 'invalid');
});

test('fast-check: URL analysis never throws', () => {
  fc.assert(fc.property(fc.string({ maxLength: 120 }), (s) => typeof analyzeUrl(`http://${s}`).internal === 'boolean'), { numRuns: 500 });
  fc.assert(fc.property(fc.webUrl(), (s) => typeof analyzeUrl(s).internal === 'boolean'), { numRuns: 300 });
});

test('DNS: every resolved address is checked, the pin is a safe address', async () => {
  const lookup = (answers: Record<string, string[]>) => async (h: string) => (answers[h] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  const ok = await resolveAndCheck('https://api.example.com/x', { lookup: lookup({ 'api.example.com': ['93.184.216.34'] }) });
  assert.deepEqual([ok.internal, ok.pin], [false, '93.184.216.34']);
  const rebind = await resolveAndCheck('https://rebind.example/x', { lookup: lookup({ 'rebind.example': ['93.184.216.34', '127.0.0.1'] }) });
  assert.equal(rebind.internal, true);
  assert.equal(rebind.pin, undefined);
  const none = await resolveAndCheck('https://nx.example/', { lookup: lookup({}) });
  assert.ok(none.internal && none.error);
  const slow = await resolveAndCheck('https://slow.example/', { lookup: () => new Promise(() => {}), timeoutMs: 50 });
  assert.ok(slow.internal && /timed out/.test(slow.error ?? ''));
  const lit = await resolveAndCheck('http://10.0.0.1/');
  assert.ok(lit.internal);
});

test('overflowing numeric spellings: malformed, and classified as the address wrapping parsers reach', () => {
  for (const h of ['7147006462', '425.510.425.510', '0x41414141A9FEA9FE', '0x1A9FEA9FE']) {
    const c = classifyHost(h);
    assert.ok(c.classes.includes('malformed'), h);
    assert.ok(c.classes.includes('metadata'), h);
    assert.ok(c.internal, h);
  }
  assert.ok(classifyHost('1.2.3.4.5').classes.includes('malformed'));
  assert.ok(classifyHost('[::gg]').classes.includes('malformed'));
  assert.ok(analyzeUrl('http://7147006462/latest/').classes.includes('metadata'));
});

test('URLs carried in the query or path of a public URL are reported, percent-decoded', async () => {
  const { analyzeUrl } = await import('../../src/analyze/url.ts');
  const carried = (u: string) => (analyzeUrl(u).embedded ?? []).filter((e) => e.internal).map((e) => e.host);
  assert.deepEqual(carried('https://example.com/proxy?url=http://169.254.169.254/'), ['169.254.169.254']);
  assert.deepEqual(carried('https://x.com/redirect-to?url=http%3A%2F%2Flocalhost'), ['localhost']);
  assert.deepEqual(carried('https://x.com/a?u=%2568ttp%253A%252F%252F169.254.169.254'), ['169.254.169.254']);
  assert.deepEqual(carried('https://x.com/r/http://127.0.0.1/admin'), ['127.0.0.1']);
  assert.deepEqual(carried('https://x.com/fetch/10.0.0.5/status'), ['10.0.0.5']);
  assert.deepEqual(carried('https://x.com/f?target=10.0.0.5:8080'), ['10.0.0.5']);
  assert.deepEqual(carried('https://x.com/f?u=//metadata.google.internal/x'), ['metadata.google.internal']);
  assert.equal(analyzeUrl('https://x.com/f?u=http://169.254.169.254/').embeddedInternal, true);
  // Plain parameters are no targets: single labels, numbers, public names, public URLs.
  for (const u of ['https://github.com/a/b?ref=main&id=2130706433', 'https://x.com/?q=example.com', 'https://x.com/s?url=https://example.org/a', 'https://x.com/a/b/c']) {
    assert.deepEqual(carried(u), [], u);
    assert.notEqual(analyzeUrl(u).embeddedInternal, true, u);
  }
  // Bounded: many parameters and deep nesting stay fast and finite.
  const many = `https://x.com/?${Array.from({ length: 5000 }, (_, i) => `p${i}=http://10.0.0.${i % 250}/`).join('&')}`;
  assert.ok((analyzeUrl(many).embedded ?? []).length <= 128);
  let nested = 'http://169.254.169.254/';
  for (let i = 0; i < 20; i++) nested = `https://h${i}.com/?u=${encodeURIComponent(nested)}`;
  assert.equal(typeof analyzeUrl(nested).internal, 'boolean');
});
