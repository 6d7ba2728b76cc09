import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalize, toOriginal } from '../../src/scan/normalize.ts';

test('plain ASCII takes the fast path: same text, no map, no findings', () => {
  const n = normalize('Hello, world.\n\tTabs too.');
  assert.equal(n.text, 'Hello, world.\n\tTabs too.');
  assert.equal(n.map, undefined);
  assert.deepEqual(n.findings, []);
});

test('zero-width characters are removed and reported with their original span', () => {
  const s = 'ig\u200bno\u200dre previous instructions';
  const n = normalize(s);
  assert.equal(n.text, 'ignore previous instructions');
  const zw = n.findings.filter((f) => f.rule === 'zero-width');
  assert.equal(zw.length, 2);
  assert.deepEqual(zw[0]!.span, { start: 2, end: 3 });
  assert.equal(n.removed['zero-width'], 2);
});

test('Unicode tag characters are removed, reported, and the hidden ASCII is recovered', () => {
  const hidden = [...'ignore all'].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join('');
  const n = normalize(`Nice weather${hidden} today`);
  assert.equal(n.text, 'Nice weather today');
  assert.equal(n.tagText, 'ignore all');
  assert.ok(n.findings.some((f) => f.rule === 'tag'));
});

test('bidi controls are removed and reported', () => {
  const n = normalize('abc\u202edcba\u202c');
  assert.equal(n.text, 'abcdcba');
  assert.ok(n.findings.some((f) => f.rule === 'bidi'));
});

test('confusables are folded inside mixed-script words only', () => {
  const n = normalize('іgnоrе previous'); // Cyrillic і, о, е mixed with Latin
  assert.equal(n.text, 'ignore previous');
  assert.ok(n.findings.some((f) => f.rule === 'confusable'));
  const ru = normalize('привет мир');
  assert.equal(ru.text, 'привет мир');
  assert.ok(!ru.findings.some((f) => f.rule === 'confusable'));
});

test('NFKC folds fullwidth and mathematical letters', () => {
  assert.equal(normalize('ｉｇｎｏｒｅ').text, 'ignore');
  assert.equal(normalize('𝐢𝐠𝐧𝐨𝐫𝐞 rules').text, 'ignore rules');
});

test('lone surrogates are removed and reported, never thrown on', () => {
  const n = normalize('a\ud800b\udc00c');
  assert.equal(n.text, 'abc');
  assert.ok(n.findings.some((f) => f.rule === 'lone-surrogate'));
});

test('spans map back to the original text', () => {
  const s = 'x\u200b ｍａｉｌ bob@example.com';
  const n = normalize(s);
  const i = n.text.indexOf('bob@example.com');
  const o = toOriginal(n, i, i + 'bob@example.com'.length, s);
  assert.equal(s.slice(o.start, o.end), 'bob@example.com');
  // a surrogate pair maps to both of its code units
  const t = 'a 𝐢 b';
  const m = normalize(t);
  const j = m.text.indexOf('i');
  const p = toOriginal(m, j, j + 1, t);
  assert.equal(t.slice(p.start, p.end), '𝐢');
});

test('property: ASCII words survive normalization and map back to themselves', async () => {
  const fc = (await import('fast-check')).default;
  // junk that never folds to a lowercase ASCII letter, so each word is found where it was
  const junk = fc.constantFrom('\u200b', '\u202e', '\u{E0041}', '①', '™', '\ud800', 'Ａ', '—', '');
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.stringMatching(/^[a-z]{1,8}$/), junk), { maxLength: 20 }), (parts) => {
      const s = parts.map(([w, j]) => `${w} ${j}`).join('');
      const n = normalize(s);
      let from = 0;
      for (const [w] of parts) {
        const i = n.text.indexOf(w, from);
        assert.ok(i >= 0);
        const o = toOriginal(n, i, i + w.length, s);
        assert.equal(s.slice(o.start, o.end), w);
        from = i + w.length;
      }
    }),
    { numRuns: 300 },
  );
});

test('one-for-one replacements (quotes, dashes, accents) need no offset map', () => {
  const s = 'It’s “quoted” — café, Straße';
  const n = normalize(s);
  assert.equal(n.text, 'It\'s "quoted" - cafe, Straße');
  assert.equal(n.map, undefined);
  const i = n.text.indexOf('cafe');
  assert.deepEqual(toOriginal(n, i, i + 4, s), { start: s.indexOf('café'), end: s.indexOf('café') + 4 });
  // removed and widened characters do need it
  assert.ok(normalize('a\u200bb').map);
  assert.ok(normalize('ﬁle').map);
});

test('look-alikes fold across invisible characters and controls inside a word, not across words', () => {
  assert.equal(normalize('е\u0001a').text, 'ea');
  assert.equal(normalize('о\u200bk').text, 'ok');
  assert.equal(normalize('о k').text, 'о k');
  assert.equal(normalize('ѕесrеt').text, 'secret');
});

test('property: mixed text maps every normalized character into the original, invisible characters never survive', async () => {
  const fc = (await import('fast-check')).default;
  const pieces = fc.constantFrom('a', 'B', 'z ', ' ', '.', '-', 'é', 'ü', 'ß', '•', '’', '—', 'а', 'е', 'о', 'б', 'д', '中', '한', 'ｉ', '𝐢', '\u200b', '\u202e', '\u{E0041}', '\ud800', 'e\u0301', 'ﬁ', '½', '\n');
  fc.assert(
    fc.property(fc.array(pieces, { maxLength: 30 }), (parts) => {
      const s = parts.join('');
      const n = normalize(s);
      for (let i = 0; i < n.text.length; i++) {
        const o = toOriginal(n, i, i + 1, s);
        assert.ok(o.start >= 0 && o.end <= s.length && o.start < o.end);
      }
      assert.ok(!/[\u200b\u202e]/.test(n.text));
    }),
    { numRuns: 500 },
  );
});

test('inputBytes is the UTF-8 length of the input (what Buffer.byteLength counts), lone surrogates included', async () => {
  const fc = (await import('fast-check')).default;
  const unit = fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }), fc.constantFrom('\ud800', '\udfff', '😀', 'é', '\u2022', '\u200b', '\t\n', 'ﬁ', '\u0000', '\u007f', '\u07ff', '\u0800'));
  fc.assert(
    fc.property(fc.array(unit, { maxLength: 40 }), (parts) => {
      const s = parts.join('');
      assert.equal(normalize(s).inputBytes, Buffer.byteLength(s, 'utf8'));
    }),
    { numRuns: 3000 },
  );
});
