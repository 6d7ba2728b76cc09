// `session_state:` condition: facts about the session so far. (`session` itself
// is the field holding the action's session id.)
//
//   session_state: { untrusted_seen: true }            # a tool response / page / file entered the session
//   session_state: { injection_seen: true }            # a scanner found an injection in one of them
//   session_state: { steps: { gt: 100 }, denied: { gte: 3 } }
//   session_state: { findings: { secret: { gte: 1 } } }   # scan findings by type
//
// All given keys must hold. Counts use the ordinary operators.

import { registerMatcher, type Cond, type EvalContext, type ValueTest } from '../matcher.ts';
import { snapshotOf } from '../../session/snapshot.ts';
import { mapOf } from './session-common.ts';

const KEYS = ['untrusted_seen', 'injection_seen', 'steps', 'denied', 'findings'] as const;

registerMatcher({
  key: 'session_state',
  summary: 'session facts: { untrusted_seen, injection_seen, steps, denied, findings: { TYPE: count } }',
  compile(value, c): Cond {
    const v = mapOf(value, c, KEYS, 'session_state: { untrusted_seen: true }');
    if (Object.keys(v).length === 0) c.error(`expected at least one of ${KEYS.join(', ')}`);
    const tests: Array<(ctx: EvalContext) => boolean> = [];
    const parts: string[] = [];
    for (const k of ['untrusted_seen', 'injection_seen'] as const) {
      if (v[k] === undefined) continue;
      if (typeof v[k] !== 'boolean') c.error('expected true or false', [k]);
      const want = v[k] as boolean;
      tests.push((ctx) => {
        const s = snapshotOf(ctx, 'session_state').requireSession('session_state:');
        const seen = k === 'untrusted_seen' ? (s?.untrustedStep ?? 0) > 0 : (s?.injectionStep ?? 0) > 0;
        return seen === want;
      });
      parts.push(`${k} is ${want}`);
    }
    for (const k of ['steps', 'denied'] as const) {
      if (v[k] === undefined) continue;
      const t: ValueTest = c.operand(v[k], [k]);
      tests.push((ctx) => {
        const s = snapshotOf(ctx, 'session_state').requireSession('session_state:');
        return t(k === 'steps' ? (s?.steps ?? 0) : (s?.denied ?? 0));
      });
      parts.push(`${k} ${t.describe}`);
    }
    if (v.findings !== undefined) {
      if (v.findings === null || typeof v.findings !== 'object' || Array.isArray(v.findings)) c.error('expected a map of finding types to counts, e.g. { secret: { gte: 1 } }', ['findings']);
      for (const [type, spec] of Object.entries(v.findings as Record<string, unknown>)) {
        const t = c.operand(spec, ['findings', type]);
        tests.push((ctx) => t(snapshotOf(ctx, 'session_state').requireSession('session_state:')?.findings[type] ?? 0));
        parts.push(`${type} findings ${t.describe}`);
      }
    }
    return {
      describe: `session_state ${parts.join(', ')}`,
      where: c.path,
      test(ctx) {
        for (const t of tests) if (!t(ctx)) return false;
        return true;
      },
      actual(ctx) {
        const s = snapshotOf(ctx, 'session_state').session;
        return { steps: s?.steps ?? 0, untrusted_seen: (s?.untrustedStep ?? 0) > 0, injection_seen: (s?.injectionStep ?? 0) > 0, denied: s?.denied ?? 0, findings: s?.findings ?? {} };
      },
    };
  },
});
