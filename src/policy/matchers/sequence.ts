// `after:` condition: holds when, earlier in the same session, an action
// matching `match` was decided (allowed or asked, by default) within the
// window, at least `at_least` times (default 1). Sequence rules such as "a read
// of a secret, then network egress within 20 steps: deny", or counts of
// repeated actions ("the 5th failed login within 10 minutes").
//
//   after: { match: { kind: file.read, path: { protected: true } }, within: { steps: 20 } }
//   after: { match: { tool: read_inbox }, within: { time: 10m }, at_least: 3 }
//
// `match` uses the ordinary condition language, evaluated on the past action
// when it was recorded, with the facts of its decision (policy/past.ts).
// Without `within`, the whole retained session history counts.

import { registerMatcher, type Cond, type EvalContext } from '../matcher.ts';
import { snapshotOf } from '../../session/snapshot.ts';
import { describeWindow, effectsOf, inWindow, mapOf, positiveInt, windowOf, type Window } from './session-common.ts';

registerMatcher({
  key: 'after',
  summary: 'sequence: an earlier action in this session matched { match, within: { steps, time }, at_least, effects }',
  compile(value, c): Cond {
    const v = mapOf(value, c, ['match', 'within', 'at_least', 'effects'], 'after: { match: {...}, within: { steps: 20 } }');
    if (v.match === undefined) c.error("missing 'match' (the conditions an earlier action must meet)");
    const match = c.pastConditions(v.match, ['match']);
    const within: Window | undefined = v.within !== undefined ? windowOf(v.within, c, ['within']) : undefined;
    const atLeast = v.at_least !== undefined ? positiveInt(v.at_least, c, ['at_least']) : 1;
    const effects = effectsOf(v.effects, c, ['effects']);
    const count = (ctx: EvalContext, stopAt: number): number => {
      const snap = snapshotOf(ctx, 'after');
      const h = snap.history('session');
      if (!h) return 0;
      const step = snap.step;
      let n = 0;
      for (let i = 0; i < h.size; i++) {
        if (within && !inWindow(h, i, within, step, ctx.now)) break;
        if (!effects.has(h.effectAt(i))) continue;
        if (snap.held(h, i, match, ctx.facts) && ++n >= stopAt) break;
      }
      return n;
    };
    return {
      describe: `after ${atLeast > 1 ? `${atLeast}x ` : ''}(${match.cond.describe})${within ? ` within ${describeWindow(within)}` : ''}`,
      where: c.path,
      test: (ctx) => count(ctx, atLeast) >= atLeast,
      actual: (ctx) => ({ matches: count(ctx, Number.MAX_SAFE_INTEGER) }),
    };
  },
});
