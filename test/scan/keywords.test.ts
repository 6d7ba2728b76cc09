import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeywordScanner } from '../../src/scan/secrets.ts';

/** Every (position, keyword) where the keyword occurs, case-insensitively: the reference. */
function naive(text: string, keywords: string[]): string[] {
  const lower = text.toLowerCase();
  const out: string[] = [];
  for (const k of new Set(keywords.map((x) => x.toLowerCase()))) {
    for (let i = lower.indexOf(k); i >= 0; i = lower.indexOf(k, i + 1)) {
      // toLowerCase folds some non-ASCII to ASCII (İ -> i̇); the scanner folds ASCII only, as the regex 'i' flag does
      if (text.slice(i, i + k.length).toLowerCase() === k && [...text.slice(i, i + k.length)].every((c) => c.charCodeAt(0) < 0x80 || k.includes(c.toLowerCase()))) out.push(`${i}:${k}`);
    }
  }
  return out.sort();
}

test('keyword scanner finds every keyword at every position, overlapping and case-insensitive', async () => {
  const fc = (await import('fast-check')).default;
  const kws = ['pass', 'password', 'passwd', 'ghp_', 'xoxb-', 'q~', 'fb', 'Z', '=~', 'aws', 'sk-', 'key', 'api_key', '-----begin', 'ключ'];
  const alphabet = fc.constantFrom('p', 'P', 'a', 's', 'S', 'w', 'o', 'r', 'd', 'g', 'h', '_', 'q', '~', 'f', 'b', 'k', 'e', 'y', '-', 'x', 'i', ' ', 'é', 'ключ', 'Ключ', 'PASSWORD', 'GHP_');
  fc.assert(
    fc.property(fc.array(alphabet, { maxLength: 60 }), (parts) => {
      const s = parts.join('');
      const got: string[] = [];
      new KeywordScanner(kws).scan(s, (at, k) => got.push(`${at}:${k}`));
      assert.deepEqual(got.sort(), naive(s, kws));
    }),
    { numRuns: 2000 },
  );
});

test('keyword scanner: a keyword at the very end and the very start', () => {
  const got: string[] = [];
  new KeywordScanner(['abc', 'xyz1']).scan('ABCxyz1', (at, k) => got.push(`${at}:${k}`));
  assert.deepEqual(got, ['0:abc', '3:xyz1']);
});
