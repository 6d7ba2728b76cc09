import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StartChars } from '../../src/scan/start-chars.ts';

test('StartChars: a unit counts when its case folds to a key first unit', () => {
  const s = new StartChars(['ignore', 'Система', '<|im_start|>']);
  assert.equal(s.within('xIx', 1, 2), true);
  assert.equal(s.within('••4605', 0, 6), false);
  assert.equal(s.within('сИСТЕМА', 1, 2), false);
  assert.equal(s.within('сИСТЕМА', 0, 1), true); // lower case of С
  assert.equal(s.within('a<b', 0, 3), true);
  assert.equal(s.within('ignore', 1, 6), false); // only [start, end) is looked at
  assert.equal(new StartChars([]).within('anything', 0, 8), false);
});

// Soundness: wherever a case-insensitive regex of the keys matches, the unit it starts at counts.
const unit = fc.constantFrom('a', 'G', 'i', 'k', 'K', '\u212a', 's', 'S', '\u017f', 'ß', 'é', 'É', 'и', 'И', 'ё', 'Ё', '•', '0', '<', ' ', 'İ', 'ı');
const str = (max: number) => fc.array(unit, { minLength: 1, maxLength: max }).map((a) => a.join(''));
test('property: every match of the keys (regex, i flag) starts at a unit that counts', () => {
  fc.assert(
    fc.property(fc.array(str(3), { minLength: 1, maxLength: 4 }), str(24), (keys, text) => {
      const starts = new StartChars(keys);
      for (const flags of ['gi', 'giu']) {
        const re = new RegExp(keys.map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), flags);
        for (const m of text.matchAll(re)) assert.ok(starts.within(text, m.index!, m.index! + 1), `${JSON.stringify(keys)} ${flags} at ${m.index} in ${JSON.stringify(text)}`);
      }
    }),
    { numRuns: 3000 },
  );
});
