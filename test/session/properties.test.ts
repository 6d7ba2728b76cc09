// Model-based properties: the rate and budget matchers agree with a naive
// recount over everything that happened, for random timelines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { harness } from './helpers.ts';

const step = fc.record({ gap: fc.integer({ min: 0, max: 40_000 }), tool: fc.constantFrom('a', 'b'), amount: fc.integer({ min: 0, max: 400 }) });

test('property: rate denies exactly when max earlier allowed actions of the tool fall in the window', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 4 }), async (steps, max) => {
      const h = await harness([{ id: 'r', effect: 'deny', when: { rate: { max, per: '1m', key: ['session', 'tool'] } } }]);
      const allowed: Array<{ t: number; tool: string }> = [];
      for (const s of steps) {
        h.clock.t += s.gap;
        const inWindow = allowed.filter((x) => x.tool === s.tool && x.t >= h.clock.t - 60_000).length;
        const d = h.fw.guard(h.act(s.tool));
        assert.equal(d.effect, inWindow >= max ? 'deny' : 'allow');
        if (d.effect === 'allow') allowed.push({ t: h.clock.t, tool: s.tool });
      }
    }),
    { numRuns: 60 },
  );
});

test('property: budget asks exactly when the windowed sum (this action included) exceeds max', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 40 }), async (steps) => {
      const h = await harness([{ id: 'b', effect: 'ask', when: { budget: { sum: 'args.amount', max: 1000, per: '2m', key: ['principal'] } } }]);
      const counted: Array<{ t: number; amount: number }> = [];
      for (const s of steps) {
        h.clock.t += s.gap;
        const sum = counted.filter((x) => x.t >= h.clock.t - 120_000).reduce((a, x) => a + x.amount, 0) + s.amount;
        const d = h.fw.guard(h.act(s.tool, { amount: s.amount }));
        assert.equal(d.effect, sum > 1000 ? 'ask' : 'allow');
        counted.push({ t: h.clock.t, amount: s.amount }); // allow and ask both count
      }
    }),
    { numRuns: 60 },
  );
});
