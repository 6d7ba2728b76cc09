import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findPii, luhn, validIban, validSsn, validDni, validCpf, validBsn, verhoeff, validNhs } from '../../src/scan/pii.ts';

const kinds = (t: string) => findPii(t).map((f) => `${f.kind}:${t.slice(f.span.start, f.span.end)}`);

test('Luhn', () => {
  assert.ok(luhn('4111111111111111'));
  assert.ok(luhn('378282246310005'));
  assert.ok(!luhn('4111111111111112'));
  assert.ok(!luhn('12a4'));
});

test('IBAN mod 97 and country length', () => {
  assert.ok(validIban('GB82 WEST 1234 5698 7654 32'));
  assert.ok(validIban('DE89370400440532013000'));
  assert.ok(validIban('gb82west12345698765432'));
  assert.ok(!validIban('GB82WEST12345698765433')); // checksum
  assert.ok(!validIban('GB82WEST123456987654')); // length for GB
});

test('SSN ranges', () => {
  assert.ok(validSsn('123456789'));
  for (const bad of ['000123456', '666123456', '900123456', '123001234', '123450000']) assert.ok(!validSsn(bad), bad);
});

test('national id checksums', () => {
  assert.ok(validDni('12345678Z'));
  assert.ok(!validDni('12345678A'));
  assert.ok(validDni('X1234567L'));
  assert.ok(validCpf('529.982.247-25'));
  assert.ok(!validCpf('529.982.247-26'));
  assert.ok(!validCpf('111.111.111-11'));
  assert.ok(validBsn('111222333'));
  assert.ok(!validBsn('111222334'));
  assert.ok(verhoeff('234123412346'));
  assert.ok(!verhoeff('234123412347'));
  assert.ok(validNhs('9434765919'));
  assert.ok(!validNhs('9434765918'));
});

test('detects each kind', () => {
  assert.deepEqual(kinds('mail bob.smith+x@mail.example.co.uk now'), ['email:bob.smith+x@mail.example.co.uk']);
  assert.deepEqual(kinds('call +1 415-555-2671 today'), ['phone:+1 415-555-2671']);
  assert.deepEqual(kinds('Phone: (415) 555-2671x12'), ['phone:415) 555-2671x12']);
  assert.deepEqual(kinds('card 4111 1111 1111 1111 exp'), ['card:4111 1111 1111 1111']);
  assert.deepEqual(kinds('IBAN: DE89 3704 0044 0532 0130 00.'), ['iban:DE89 3704 0044 0532 0130 00']);
  assert.deepEqual(kinds('ssn 123-45-6789'), ['ssn:123-45-6789']);
  assert.deepEqual(kinds('host 192.168.1.20 and 2001:db8::ff00:42:8329'), ['ip:192.168.1.20', 'ip:2001:db8::ff00:42:8329']);
  assert.deepEqual(kinds('DNI 12345678Z'), ['national_id:12345678Z']);
  assert.deepEqual(kinds('CPF 529.982.247-25'), ['national_id:529.982.247-25']);
});

test('does not report look-alikes', () => {
  assert.deepEqual(kinds('order 4111111111111112 shipped'), []); // Luhn fails
  assert.deepEqual(kinds('ssn 666-12-3456'), []); // invalid area
  assert.deepEqual(kinds('on 2023-12-01 12:30:00 we met'), []); // dates
  assert.deepEqual(kinds('version 1.2.3.4567 released'), []);
  assert.deepEqual(kinds('the year 1999 had 365 days'), []);
  assert.deepEqual(kinds('IP 999.1.1.1'), []);
  assert.deepEqual(kinds('user@localhost'), []);
  assert.deepEqual(kinds('std::vector<int> a;'), []);
  assert.deepEqual(kinds('Meet me at 17151 2450 Crown St'), []);
});

test('digit chains: findings in chains among dates and amounts, nothing in long spaced digit runs', () => {
  const t = 'Mon, 07 Feb 2022 03:33:27 +0000 paid $2,099.00, call +1 415-555-2671, IBAN GB82 WEST 1234 5698 7654 32, host 10.0.0.1.';
  assert.deepEqual(kinds(t), ['phone:+1 415-555-2671', 'iban:GB82 WEST 1234 5698 7654 32', 'ip:10.0.0.1']);
  const long = '1 '.repeat(200_000);
  const t0 = process.cpuUsage();
  assert.deepEqual(findPii(long), []);
  const d = process.cpuUsage(t0);
  assert.ok((d.user + d.system) / 1000 < 1000, 'linear on spaced digits');
});
