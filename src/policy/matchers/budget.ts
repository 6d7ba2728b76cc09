// `budget:` condition: holds when a cumulative sum over a sliding window would
// go over its maximum with this action, e.g. total amount transferred per day.
//
//   budget: { sum: args.amount, max: 10000, per: 1d, key: [principal] }
//
// The current action's value must be a number (or numeric string), or absent
// (counts 0); anything else is an evaluation error (deny). Past actions count
// when their effect is in `effects` (default allow, ask). Like `rate`, a window
// longer than the retained history fails closed.

import { registerMatcher, type Cond, type EvalContext } from '../matcher.ts';
import { compileField } from '../fields.ts';
import { duration, effectsOf, keyOf, mapOf, walkWindow } from './session-common.ts';

function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  return undefined;
}

registerMatcher({
  key: 'budget',
  summary: 'cumulative budget over a window: { sum: args.<field>, max, per, key: [principal|session|tool|kind], match?, effects? }',
  compile(value, c): Cond {
    const v = mapOf(value, c, ['sum', 'max', 'per', 'key', 'match', 'effects'], 'budget: { sum: args.amount, max: 10000, per: 1d }');
    if (typeof v.sum !== 'string' || !v.sum.startsWith('args.')) c.error('expected a field of the arguments such as args.amount', ['sum']);
    const getter = compileField(v.sum as string);
    if (typeof getter === 'string') c.error(getter, ['sum']);
    const get = getter as Exclude<typeof getter, string>;
    if (typeof v.max !== 'number' || !Number.isFinite(v.max) || v.max < 0) c.error('expected a non-negative number', ['max']);
    if (v.per === undefined) c.error("missing 'per'");
    const max = v.max as number;
    const per = duration(v.per, c, ['per']);
    const key = keyOf(v.key, c, ['key']);
    const effects = effectsOf(v.effects, c, ['effects']);
    const match = v.match !== undefined ? c.pastConditions(v.match, ['match']) : undefined;
    const total = (ctx: EvalContext): number => {
      const raw = get(ctx.action);
      const current = raw === undefined ? 0 : num(raw);
      if (current === undefined) throw new Error(`${v.sum} is not a number`);
      let sum = current;
      walkWindow(ctx, 'budget', { per, perText: v.per, key, effects, match }, (h, i) => {
        sum += num(get({ kind: h.kindAt(i), args: h.argsAt(i) })) ?? 0;
        return true;
      });
      return sum;
    };
    return {
      describe: `sum of ${v.sum} over ${v.per} per ${key.describe} > ${max}`,
      where: c.path,
      test: (ctx) => total(ctx) > max,
      actual: (ctx) => ({ total: total(ctx), max }),
    };
  },
});
