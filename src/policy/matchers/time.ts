// `time:` condition: business hours, days of the week and date ranges, in a
// named IANA time zone. The clock is the decision time injected into the
// evaluation (never a time the agent supplies), so decisions are reproducible.
//
//   time: { tz: Europe/Berlin, days: [mon, tue, wed, thu, fri], between: ["09:00", "17:30"] }
//   time: { not_after: "2026-12-31T23:59:59Z" }
// `between` may wrap midnight ("22:00"-"06:00"). All given parts must hold.

import { registerMatcher, type CompileCtx, type Cond } from '../matcher.ts';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const KEYS = new Set(['tz', 'days', 'between', 'not_before', 'not_after']);

interface Local {
  day: number;
  minutes: number;
}

/** Per time zone, the local day/minute of the last minute asked: Intl is slow, minutes are not. */
const zoneCache = new Map<string, { minute: number; local: Local; fmt: Intl.DateTimeFormat }>();

function localTime(tz: string, now: number): Local {
  const minute = Math.floor(now / 60_000);
  let z = zoneCache.get(tz);
  if (z && z.minute === minute) return z.local;
  const fmt = z?.fmt ?? new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', weekday: 'short', hour: '2-digit', minute: '2-digit' });
  const parts = fmt.formatToParts(new Date(now));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const day = DAYS.indexOf(get('weekday').toLowerCase().slice(0, 3) as (typeof DAYS)[number]);
  const local = { day, minutes: Number(get('hour')) * 60 + Number(get('minute')) };
  if (zoneCache.size > 256) zoneCache.clear();
  zoneCache.set(tz, { minute, local, fmt });
  return local;
}

function hhmm(v: unknown, c: CompileCtx, sub: (string | number)[]): number {
  if (typeof v !== 'string' || !/^([01]\d|2[0-3]):[0-5]\d$/.test(v)) c.error('expected a time of day "HH:MM" (24-hour)', sub);
  const [h, m] = (v as string).split(':').map(Number) as [number, number];
  return h * 60 + m;
}

function instant(v: unknown, c: CompileCtx, key: string): number {
  const ms = typeof v === 'string' || v instanceof Date ? new Date(v as string).getTime() : NaN;
  if (!Number.isFinite(ms)) c.error('expected an ISO 8601 date-time such as 2026-12-31T23:59:59Z', [key]);
  return ms;
}

registerMatcher({
  key: 'time',
  summary: 'time windows: { tz, days, between: [HH:MM, HH:MM], not_before, not_after }',
  compile(value, c): Cond {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) c.error('expected a map with tz, days, between, not_before, not_after');
    const v = value as Record<string, unknown>;
    for (const k of Object.keys(v)) if (!KEYS.has(k)) c.error(`unknown key '${k}' (expected ${[...KEYS].join(', ')})`, [k]);
    const tz = v.tz ?? 'UTC';
    if (typeof tz !== 'string') c.error('expected an IANA time zone name', ['tz']);
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz as string });
    } catch {
      c.error(`unknown time zone '${tz}'`, ['tz']);
    }
    let days: Set<number> | undefined;
    if (v.days !== undefined) {
      if (!Array.isArray(v.days) || v.days.length === 0) c.error(`expected a list of days (${DAYS.join(', ')})`, ['days']);
      days = new Set(
        (v.days as unknown[]).map((d, i) => {
          const idx = typeof d === 'string' ? DAYS.indexOf(d.toLowerCase().slice(0, 3) as (typeof DAYS)[number]) : -1;
          if (idx === -1) c.error(`expected one of ${DAYS.join(', ')}`, ['days', i]);
          return idx;
        }),
      );
    }
    let window: [number, number] | undefined;
    if (v.between !== undefined) {
      if (!Array.isArray(v.between) || v.between.length !== 2) c.error('expected [start, end] as "HH:MM"', ['between']);
      window = [hhmm((v.between as unknown[])[0], c, ['between', 0]), hhmm((v.between as unknown[])[1], c, ['between', 1])];
    }
    const notBefore = v.not_before !== undefined ? instant(v.not_before, c, 'not_before') : undefined;
    const notAfter = v.not_after !== undefined ? instant(v.not_after, c, 'not_after') : undefined;
    const zone = tz as string;
    const parts: string[] = [];
    if (days) parts.push(`day in [${[...days].map((d) => DAYS[d]).join(', ')}]`);
    if (window) parts.push(`between ${(v.between as string[]).join('-')}`);
    if (notBefore !== undefined) parts.push(`not before ${v.not_before}`);
    if (notAfter !== undefined) parts.push(`not after ${v.not_after}`);
    return {
      describe: `time ${parts.join(', ')} (${zone})`,
      where: c.path,
      actual: (ctx) => new Date(ctx.now).toISOString(),
      test(ctx) {
        if (notBefore !== undefined && ctx.now < notBefore) return false;
        if (notAfter !== undefined && ctx.now > notAfter) return false;
        if (!days && !window) return true;
        const l = localTime(zone, ctx.now);
        if (days && !days.has(l.day)) return false;
        if (window) {
          const [a, b] = window;
          const inside = a <= b ? l.minutes >= a && l.minutes < b : l.minutes >= a || l.minutes < b;
          if (!inside) return false;
        }
        return true;
      },
    };
  },
});
