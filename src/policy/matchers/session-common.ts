// Helpers shared by the session matchers (rate, budget, after, provenance,
// session, anomaly): strict parsing of their small option maps, with every
// mistake reported as a located load error.

import type { CompileCtx, EvalContext, PastCond } from '../matcher.ts';
import { snapshotOf } from '../../session/snapshot.ts';
import type { PolicyPath } from '../errors.ts';
import type { Effect } from '../../action.ts';
import type { History } from '../../session/history.ts';

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const UNIT = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function mapOf(value: unknown, c: CompileCtx, keys: readonly string[], what: string, sub: PolicyPath = []): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) c.error(`expected a map (${what})`, sub);
  const v = value as Record<string, unknown>;
  for (const k of Object.keys(v)) if (!keys.includes(k)) c.error(`unknown key '${k}' (expected ${keys.join(', ')})`, [...sub, k]);
  return v;
}

/** "30s", "10m", "1d" or a number of seconds, in ms. */
export function duration(v: unknown, c: CompileCtx, sub: PolicyPath): number {
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) return v * 1000;
  const m = typeof v === 'string' ? DURATION.exec(v) : null;
  if (!m || Number(m[1]) <= 0) c.error('expected a duration such as 30s, 10m, 2h, 1d', sub);
  return Number(m![1]) * UNIT[m![2] as keyof typeof UNIT];
}

export function positiveInt(v: unknown, c: CompileCtx, sub: PolicyPath, what = 'a positive integer'): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) c.error(`expected ${what}`, sub);
  return v as number;
}

const EFFECTS: readonly Effect[] = ['allow', 'ask', 'deny'];

/** Which past decisions count; by default those that may have run (allow, ask). */
export function effectsOf(v: unknown, c: CompileCtx, sub: PolicyPath): ReadonlySet<string> {
  if (v === undefined) return new Set(['allow', 'ask']);
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || list.length === 0) c.error(`expected a list of effects (${EFFECTS.join(', ')})`, sub);
  (list as unknown[]).forEach((e, i) => {
    if (typeof e !== 'string' || !EFFECTS.includes(e as Effect)) c.error(`expected one of ${EFFECTS.join(', ')}`, typeof v === 'string' ? sub : [...sub, i]);
  });
  return new Set(list as string[]);
}

/** A window in steps and/or time; at least one must be given. */
export interface Window {
  steps?: number;
  ms?: number;
}

export function windowOf(v: unknown, c: CompileCtx, sub: PolicyPath): Window {
  const w = mapOf(v, c, ['steps', 'time'], 'within: { steps: N, time: 10m }', sub);
  if (w.steps === undefined && w.time === undefined) c.error("expected 'steps', 'time' or both", sub);
  const out: Window = {};
  if (w.steps !== undefined) out.steps = positiveInt(w.steps, c, [...sub, 'steps']);
  if (w.time !== undefined) out.ms = duration(w.time, c, [...sub, 'time']);
  return out;
}

export function describeWindow(w: Window): string {
  const parts: string[] = [];
  if (w.steps !== undefined) parts.push(`${w.steps} steps`);
  if (w.ms !== undefined) parts.push(`${w.ms / 1000}s`);
  return parts.join(' and ');
}

/** Is the i-th newest entry inside the window, seen from step `step` at time `now`? */
export function inWindow(h: History, i: number, w: Window, step: number, now: number): boolean {
  if (w.steps !== undefined && h.stepAt(i) < step - w.steps) return false;
  if (w.ms !== undefined && h.tAt(i) < now - w.ms) return false;
  return true;
}

export const KEY_PARTS = ['principal', 'session', 'tool', 'kind'] as const;
export type KeyPart = (typeof KEY_PARTS)[number];

/** `key: [principal, tool]`: which past actions share a counter with this one. */
export interface Keying {
  scope: 'session' | 'agent';
  tool: boolean;
  kind: boolean;
  describe: string;
}

export function keyOf(v: unknown, c: CompileCtx, sub: PolicyPath): Keying {
  const list = v === undefined ? ['session'] : typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || list.length === 0) c.error(`expected a list of ${KEY_PARTS.join(', ')}`, sub);
  const parts = new Set<string>();
  (list as unknown[]).forEach((p, i) => {
    if (typeof p !== 'string' || !(KEY_PARTS as readonly string[]).includes(p)) c.error(`expected one of ${KEY_PARTS.join(', ')}`, Array.isArray(v) ? [...sub, i] : sub);
    parts.add(p as string);
  });
  if (!parts.has('session') && !parts.has('principal')) c.error('key must include principal or session (the history a counter is kept in)', sub);
  return { scope: parts.has('session') ? 'session' : 'agent', tool: parts.has('tool'), kind: parts.has('kind'), describe: [...parts].join('+') };
}

export function sameKey(h: History, i: number, k: Keying, tool: string | undefined, kind: string): boolean {
  if (k.tool && h.toolAt(i) !== tool) return false;
  if (k.kind && h.kindAt(i) !== kind) return false;
  return true;
}

/**
 * Visits, newest first, the past actions inside a sliding time window that
 * share the key, have one of `effects` and satisfy `match` (rate and budget
 * walk the same window). `visit` returns false to stop early. When the window
 * reaches past the retained history the answer is unknown: throws (the rule
 * fails closed).
 */
export function walkWindow(
  ctx: EvalContext,
  what: 'rate' | 'budget',
  w: { per: number; perText: unknown; key: Keying; effects: ReadonlySet<string>; match: PastCond | undefined },
  visit: (h: History, i: number) => boolean,
): void {
  const snap = snapshotOf(ctx, what);
  const h = snap.history(w.key.scope);
  if (!h) return;
  const { tool, kind } = ctx.action;
  const since = ctx.now - w.per;
  for (let i = 0; i < h.size; i++) {
    if (h.tAt(i) < since) return;
    if (!w.effects.has(h.effectAt(i)) || !sameKey(h, i, w.key, tool, kind)) continue;
    if (w.match && !snap.held(h, i, w.match, ctx.facts)) continue;
    if (!visit(h, i)) return;
  }
  if (h.size >= h.capacity) {
    throw new Error(`${what} window ${String(w.perText)} reaches past the ${h.capacity} actions kept in the ${w.key.scope} history; raise the history limit or shorten the window`);
  }
}
