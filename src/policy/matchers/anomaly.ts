// `anomaly:` condition: holds when the action's anomaly score against its
// agent's behavioral profile (src/session/profile.ts) is above a threshold.
// While the profile has fewer than `min_samples` allowed actions, or when the
// tracker runs in learning mode, the score is 0 and the condition never holds.
//
//   anomaly: { above: 0.8 }
//   anomaly: { above: 0.5, min_samples: 50 }
//
// explain shows the score and its reasons ("first use of curl by this agent;
// destination evil.example never seen").

import { registerMatcher, type Cond } from '../matcher.ts';
import { snapshotOf } from '../../session/snapshot.ts';
import { mapOf, positiveInt } from './session-common.ts';

registerMatcher({
  key: 'anomaly',
  summary: 'behavioral anomaly score of the action for its agent: { above: 0..1, min_samples }',
  compile(value, c): Cond {
    const v = mapOf(value, c, ['above', 'min_samples'], 'anomaly: { above: 0.8 }');
    if (typeof v.above !== 'number' || !(v.above >= 0 && v.above < 1)) c.error('expected a number in [0, 1)', ['above']);
    const above = v.above as number;
    const minSamples = v.min_samples !== undefined ? positiveInt(v.min_samples, c, ['min_samples']) : 20;
    return {
      describe: `anomaly score > ${above}`,
      where: c.path,
      test: (ctx) => snapshotOf(ctx, 'anomaly').anomaly(minSamples).score > above,
      actual: (ctx) => snapshotOf(ctx, 'anomaly').anomaly(minSamples),
    };
  },
});
