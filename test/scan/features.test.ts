// The classifier's two feature walkers must see the same features: the fast
// word-only walker (the screening model's whole cost) against the general one,
// on whole ranges and on the block sums that window scoring reads.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { walkFeatures, walkGeneral, walkWordTables, type FeatureSpec } from '../../src/scan/features.ts';

const SPEC: FeatureSpec = { bits: 12, char: [], word: [1, 2] };
const weights = new Int8Array(1 << SPEC.bits);
for (let i = 0; i < weights.length; i++) weights[i] = ((i * 2654435761) >>> 24) - 128;

const piece = fc.constantFrom('ignore', 'Previous', 'instructions', ' ', '  ', '\n', '.', ',', '42', 'é', 'Ünïcode', '_', '-', '😀', 'a', 'b c', '\t');
const texts = fc.array(piece, { maxLength: 80 }).map((a) => a.join(''));

test('walkWords agrees with the general walker on ranges', () => {
  fc.assert(
    fc.property(texts, fc.nat(), fc.nat(), (t, a, b) => {
      const s = t.length ? a % (t.length + 1) : 0;
      const e = s + (t.length - s ? b % (t.length - s + 1) : 0);
      assert.deepEqual(walkFeatures(t, s, e, SPEC, weights, null), walkGeneral(t, s, e, SPEC, weights, null));
    }),
    { numRuns: 500 },
  );
});

test('walkWords agrees with the general walker on block sums', () => {
  fc.assert(
    fc.property(texts, fc.integer({ min: 1, max: 40 }), (t, size) => {
      const nb = Math.ceil(t.length / size) + 1;
      const a = { size, sums: new Float64Array(nb + 1), ns: new Int32Array(nb + 1) };
      const b = { size, sums: new Float64Array(nb + 1), ns: new Int32Array(nb + 1) };
      assert.deepEqual(walkFeatures(t, 0, t.length, SPEC, weights, null, a), walkGeneral(t, 0, t.length, SPEC, weights, null, b));
      assert.deepEqual([...a.sums], [...b.sums]);
      assert.deepEqual([...a.ns], [...b.ns]);
    }),
    { numRuns: 500 },
  );
});

test('two tables in one walk equal two walks, on their own block sizes', () => {
  const other = new Int8Array(weights.length).map((_, i) => ((i * 40503) >>> 8) - 128);
  fc.assert(
    fc.property(texts, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 6 }), (t, fine, k) => {
      const mk = (size: number) => ({ size, sums: new Float64Array(Math.ceil(t.length / size) + 2), ns: new Int32Array(Math.ceil(t.length / size) + 2) });
      const a = mk(fine * k), b = mk(fine), a1 = mk(fine * k), b1 = mk(fine);
      walkWordTables(t, 0, t.length, SPEC.bits, { weights, blocks: a }, { weights: other, blocks: b }, null);
      walkGeneral(t, 0, t.length, SPEC, weights, null, a1);
      walkGeneral(t, 0, t.length, SPEC, other, null, b1);
      assert.deepEqual([...a.sums, ...a.ns], [...a1.sums, ...a1.ns]);
      assert.deepEqual([...b.sums, ...b.ns], [...b1.sums, ...b1.ns]);
    }),
    { numRuns: 500 },
  );
});

test('the default-features walker agrees with the general walker', () => {
  const spec: FeatureSpec = { bits: 12, char: [3, 4, 5], word: [1, 2] };
  const withNul = fc.array(fc.oneof(piece, fc.constantFrom('\u0000', 'Q', '9', '\r\n')), { maxLength: 80 }).map((a) => a.join(''));
  fc.assert(
    fc.property(withNul, fc.integer({ min: 1, max: 40 }), fc.nat(), (t, size, a) => {
      const s = t.length ? a % (t.length + 1) : 0;
      assert.deepEqual(walkFeatures(t, s, t.length, spec, weights, null), walkGeneral(t, s, t.length, spec, weights, null));
      assert.deepEqual(walkFeatures(t, 0, s, spec, weights, null), walkGeneral(t, 0, s, spec, weights, null));
      const nb = Math.ceil(t.length / size) + 1;
      const x = { size, sums: new Float64Array(nb + 1), ns: new Int32Array(nb + 1) };
      const y = { size, sums: new Float64Array(nb + 1), ns: new Int32Array(nb + 1) };
      assert.deepEqual(walkFeatures(t, 0, t.length, spec, weights, null, x), walkGeneral(t, 0, t.length, spec, weights, null, y));
      assert.deepEqual([...x.sums, ...x.ns], [...y.sums, ...y.ns]);
    }),
    { numRuns: 1000 },
  );
});
