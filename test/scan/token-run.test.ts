import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RE2JS } from 're2js';
import { hasTokenRun, minTokenRun } from '../../src/scan/token-run.ts';
import { SECRET_RULES } from '../../src/scan/secret-rules.ts';
import { findSecrets } from '../../src/scan/secrets.ts';

test('minTokenRun reads fixed and counted token parts', () => {
  assert.equal(minTokenRun('\\b(pat[A-Za-z0-9]{14}\\.[a-f0-9]{64})\\b', 1), 3 + 14 + 1 + 64);
  assert.equal(minTokenRun('(?i)(?:pat|ado)[a-z0-9_ .-]{0,30}\\s*[:=]\\s*([a-z2-7]{52})\\b', 1), 52);
  assert.equal(minTokenRun('(?:AKIA|A3T[A-Z0-9])[A-Z2-7]{16}'), 20); // the shorter alternative decides
  assert.equal(minTokenRun('x{3,}y+z*w?'), 4);
  assert.equal(minTokenRun('\\d{4}\\w\\S'), 6);
  assert.equal(minTokenRun('(?i:ab)\\x41\\x{42}'), 4);
});

test('minTokenRun: anything that may match a blank breaks the run', () => {
  assert.equal(minTokenRun('abc def'), 3); // a literal space
  assert.equal(minTokenRun('ab.cde'), 3); // . matches a space
  assert.equal(minTokenRun('ab\\scde'), 3);
  assert.equal(minTokenRun('ab[^"]cde'), 3); // a negated class
  assert.equal(minTokenRun('ab[ -~]cde'), 3); // a range over the space
  assert.equal(minTokenRun('ab[\\t-\\r]cde'), 3);
  assert.equal(minTokenRun('ab[[:space:]]cde'), 3);
  assert.equal(minTokenRun('ab\\pZcde'), 3);
  assert.equal(minTokenRun('ab(?:x| )cde'), 3);
  assert.equal(minTokenRun('(?:ab cd){2}'), 2);
  assert.equal(minTokenRun('[\\s\\S]{0,80}?(00[A-Za-z0-9_-]{40})', 1), 42);
});

test('minTokenRun: groups are numbered in order; unknown syntax and missing groups give 0 (no gate)', () => {
  assert.equal(minTokenRun('(a{5})(?:b)(c{7})', 2), 7);
  assert.equal(minTokenRun('(?P<name>a{5})(c{7})', 1), 5);
  assert.equal(minTokenRun('(a{5})', 3), 0);
  assert.equal(minTokenRun('a{5}\\Q{x}\\E'), 0);
  assert.equal(minTokenRun('(a{5}'), 0);
  assert.equal(minTokenRun('a{5})'), 0);
  assert.equal(minTokenRun('a{5}\\1'), 0);
});

test('hasTokenRun counts non-blank characters in a row inside the window', () => {
  assert.equal(hasTokenRun('ab cdef gh', 0, 10, 4), true);
  assert.equal(hasTokenRun('ab cdef gh', 0, 10, 5), false);
  assert.equal(hasTokenRun('ab cdef gh', 4, 10, 4), false); // "cdef" is cut by the window start
  assert.equal(hasTokenRun('ab cdef gh', 4, 10, 3), true);
  assert.equal(hasTokenRun('a\tb\nc\rd\fe\vf', 0, 11, 2), false);
  assert.equal(hasTokenRun('\u00a0\u00a0', 0, 2, 2), true); // only ASCII blanks break a run
  assert.equal(hasTokenRun('', 0, 0, 0), true);
});

// A random regex and a string it matches, built together: the bound the parser
// reads off the regex must hold in every such string (soundness), and re2js
// must agree the string matches (the generator is right).
type Gen = { re: string; sample: fc.Arbitrary<string> };
const chars = fc.constantFrom('a', 'Z', '7', '_', '-', '.', ' ', '\t', '\n', '/');
const esc = (c: string) => (/[a-zA-Z0-9_ ]/.test(c) ? c : c === '\t' ? '\\t' : c === '\n' ? '\\n' : `\\${c}`);
const leaf: fc.Arbitrary<Gen> = fc.oneof(
  chars.map((c) => ({ re: esc(c), sample: fc.constant(c) })),
  fc.subarray(['a', 'b', 'Q', '0', '9', '+', '=', ' ', '\t'], { minLength: 1 }).map((cs) => ({ re: `[${cs.map(esc).join('')}]`, sample: fc.constantFrom(...cs) })),
  fc.constant({ re: '.', sample: fc.constantFrom('x', ' ', '!') }),
  fc.constant({ re: '\\s', sample: fc.constantFrom(' ', '\t', '\n') }),
  fc.constant({ re: '\\S', sample: fc.constantFrom('x', '#') }),
  fc.constant({ re: '\\d', sample: fc.constantFrom('0', '5') }),
  fc.constant({ re: '[^"]', sample: fc.constantFrom('a', ' ') }),
  fc.constant({ re: '\\b', sample: fc.constant('') }),
);
const regexGen: fc.Arbitrary<Gen> = fc.letrec<{ node: Gen }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.tuple(tie('node'), tie('node')).map(([a, b]) => ({ re: `${a.re}${b.re}`, sample: fc.tuple(a.sample, b.sample).map(([x, y]) => x + y) })),
    fc.tuple(tie('node'), tie('node')).map(([a, b]) => ({ re: `(?:${a.re}|${b.re})`, sample: fc.oneof(a.sample, b.sample) })),
    fc.tuple(tie('node'), fc.nat(3), fc.nat(2)).map(([a, lo, extra]) => ({
      re: `(?:${a.re}){${lo},${lo + extra}}`,
      sample: fc.array(a.sample, { minLength: lo, maxLength: lo + extra }).map((xs) => xs.join('')),
    })),
    tie('node').map((a) => ({ re: `(${a.re})`, sample: a.sample })),
  ),
})).node;

test('property: every string a regex matches holds the run minTokenRun promises', () => {
  fc.assert(
    fc.property(regexGen.chain((g) => g.sample.map((s) => ({ re: g.re, s }))), ({ re, s }) => {
      const anchored = RE2JS.compile(`^(?:${re})$`);
      // \b may fail between the sampled pieces: only strings re2js accepts count
      fc.pre(anchored.matches(s));
      const min = minTokenRun(re);
      return hasTokenRun(s, 0, s.length, min);
    }),
    { numRuns: 3000 },
  );
});

test('every built-in secret rule gets a bound, except rules whose value may hold blanks', () => {
  const unbounded = SECRET_RULES.filter((r) => minTokenRun(r.regex, r.group ?? 0) === 0).map((r) => r.id);
  // values of these are free text: passwords in prose, XML values, command lines, connection strings
  for (const id of unbounded) assert.match(id, /password|pwd|basic-auth|credential|xml|generic|connection/, id);
  assert.ok(SECRET_RULES.length - unbounded.length > 100);
});

test('findings stay as the regex gives them: a token is found whole, and not once a blank splits its value below the run', () => {
  const hexish = (n: number, s: number) => Array.from({ length: n }, (_, i) => '0123456789abcdef'[(i * 7 + s * 3 + ((i * i) >> 2)) % 16]).join('');
  const tail = hexish(64, 1);
  const token = `pat${'Ab3dEf6hIj9kLm'}.${tail}`;
  assert.deepEqual(findSecrets(`the patient said ${token} ok`).map((f) => f.rule), ['airtable-token']);
  assert.deepEqual(findSecrets(`the patient said pat${'Ab3dEf6hIj9kLm'}.${tail.slice(0, 40)} ${tail.slice(40)}`), []);
});
