import { test } from 'node:test';
import assert from 'node:assert/strict';
import { objPolicy, run } from '../helpers/policy.ts';

const policy = (time: object) => objPolicy({ version: 1, default: 'deny', rules: [{ id: 't', effect: 'allow', when: { tool: 'x', time } }] });
const at = (iso: string) => Date.parse(iso);
const act = { kind: 'tool', tool: 'x' } as const;

test('between and days in a time zone', () => {
  const p = policy({ tz: 'America/New_York', days: ['mon', 'tue', 'wed', 'thu', 'fri'], between: ['09:30', '16:00'] });
  assert.equal(run(p, act, at('2026-11-23T15:00:00Z')).effect, 'allow', 'Monday 10:00 in New York');
  assert.equal(run(p, act, at('2026-11-23T14:00:00Z')).effect, 'deny', 'Monday 09:00 in New York');
  assert.equal(run(p, act, at('2026-11-23T21:00:00Z')).effect, 'deny', '16:00 is the exclusive end');
  assert.equal(run(p, act, at('2026-11-21T15:00:00Z')).effect, 'deny', 'Saturday');
});

test('windows that wrap midnight', () => {
  const p = policy({ between: ['22:00', '06:00'] });
  assert.equal(run(p, act, at('2026-11-23T23:30:00Z')).effect, 'allow');
  assert.equal(run(p, act, at('2026-11-23T05:59:00Z')).effect, 'allow');
  assert.equal(run(p, act, at('2026-11-23T12:00:00Z')).effect, 'deny');
});

test('not_before / not_after', () => {
  const p = policy({ not_before: '2026-01-01T00:00:00Z', not_after: '2026-12-31T23:59:59Z' });
  assert.equal(run(p, act, at('2026-06-01T00:00:00Z')).effect, 'allow');
  assert.equal(run(p, act, at('2027-01-01T00:00:00Z')).effect, 'deny');
  assert.equal(run(p, act, at('2025-12-31T00:00:00Z')).effect, 'deny');
});

test('bad time conditions are load errors', () => {
  assert.throws(() => policy({ tz: 'Mars/Olympus' }), /unknown time zone/);
  assert.throws(() => policy({ between: ['9:00', '17:00'] }), /HH:MM/);
  assert.throws(() => policy({ days: ['funday'] }), /expected one of sun/);
  assert.throws(() => policy({ when: 'now' }), /unknown key 'when'/);
  assert.throws(() => policy({ not_after: 'soon' }), /ISO 8601/);
});
