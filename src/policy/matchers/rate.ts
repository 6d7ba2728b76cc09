// `rate:` condition: holds when this action would exceed a sliding-window rate,
// i.e. at least `max` earlier actions with the same key ran within `per`.
//
//   rate: { max: 10, per: 1m, key: [principal, tool] }
//   rate: { max: 3, per: 1h, key: [session], match: { tool: send_money } }
//
// key: principal (the agent, across its sessions), session, tool, kind; it must
// include principal or session. Past actions count when their effect is in
// `effects` (default allow and ask: what may have run). If the window reaches
// past the retained history, the count is unknown and the rule fails closed.

import { registerMatcher, type Cond } from '../matcher.ts';
import { duration, effectsOf, keyOf, mapOf, positiveInt, walkWindow } from './session-common.ts';

registerMatcher({
  key: 'rate',
  summary: 'sliding-window rate limit: { max, per, key: [principal|session|tool|kind], match?, effects? }',
  compile(value, c): Cond {
    const v = mapOf(value, c, ['max', 'per', 'key', 'match', 'effects'], 'rate: { max: 10, per: 1m, key: [principal, tool] }');
    if (v.max === undefined) c.error("missing 'max'");
    if (v.per === undefined) c.error("missing 'per'");
    const max = positiveInt(v.max, c, ['max']);
    const per = duration(v.per, c, ['per']);
    const key = keyOf(v.key, c, ['key']);
    const effects = effectsOf(v.effects, c, ['effects']);
    const match = v.match !== undefined ? c.pastConditions(v.match, ['match']) : undefined;
    const count = (ctx: Parameters<Cond['test']>[0]): number => {
      let n = 0;
      walkWindow(ctx, 'rate', { per, perText: v.per, key, effects, match }, () => ++n < max);
      return n;
    };
    return {
      describe: `rate of ${key.describe}${match ? ` (${match.cond.describe})` : ''} >= ${max} per ${v.per}`,
      where: c.path,
      test: (ctx) => count(ctx) >= max,
      actual: (ctx) => ({ count: count(ctx), max }),
    };
  },
});
