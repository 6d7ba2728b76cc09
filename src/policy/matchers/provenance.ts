// `provenance:` condition: where the values of an argument came from.
// Values are recorded as they enter the session (see src/session/tracker.ts):
// from the user's input (trusted), from tool responses, web pages, files or
// other agents (untrusted), and from untrusted content in which a scanner found
// an injection ("injected"). A value seen nowhere is "unknown" (the model made it up).
//
//   provenance: { args.recipient: { not_from: user } }
//   provenance: { args.iban: [untrusted, unknown] }          # shorthand for from:
//   provenance: { args.url: { from: [injected, tool:get_webpage] } }
//
// Origins: user, untrusted (any tool response), injected, unknown, agent, tool:NAME.
// The whole value is looked up (normalized: case, spaces, IBAN spacing, URL
// scheme; a URL also by its host), and for a text, every identifier in it.
// An argument holds when ANY of its values does (`from`: has one of the
// origins; `not_from`: has none of them). Several fields must all hold.

import { registerMatcher, type Cond, type EvalContext } from '../matcher.ts';
import { compileField } from '../fields.ts';
import { snapshotOf, type ValueProvenance } from '../../session/snapshot.ts';
import { ORIGIN } from '../../session/types.ts';
import { mapOf } from './session-common.ts';

const ORIGINS = ['user', 'untrusted', 'injected', 'unknown', 'agent'];

/** A compiled set of origins: a bit mask, the unknown flag, and named tools. */
interface OriginSet {
  mask: number;
  unknown: boolean;
  tools: string[];
  describe: string;
}

function originSet(v: unknown, c: Parameters<typeof mapOf>[1], sub: (string | number)[]): OriginSet {
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || list.length === 0) c.error(`expected an origin or a list of origins (${ORIGINS.join(', ')}, tool:NAME)`, sub);
  const set: OriginSet = { mask: 0, unknown: false, tools: [], describe: (list as unknown[]).join('|') };
  (list as unknown[]).forEach((o, i) => {
    const at = Array.isArray(v) ? [...sub, i] : sub;
    if (typeof o !== 'string') c.error('expected an origin name', at);
    const name = o as string;
    if (name.startsWith('tool:') && name.length > 5) set.tools.push(name.slice(5));
    else if (name === 'user') set.mask |= ORIGIN.user;
    else if (name === 'untrusted' || name === 'tool') set.mask |= ORIGIN.tool | ORIGIN.injected;
    else if (name === 'injected') set.mask |= ORIGIN.injected;
    else if (name === 'agent') set.mask |= ORIGIN.agent;
    else if (name === 'unknown') set.unknown = true;
    else c.error(`unknown origin '${name}' (expected ${ORIGINS.join(', ')}, or tool:NAME)`, at);
  });
  return set;
}

/** Can a value of this session have one of these origins at all? (No: the rule holds for no value, skip the lookups.) */
function possible(s: OriginSet, seen: number): boolean {
  return s.unknown || s.tools.length > 0 || (s.mask & seen) !== 0;
}

function has(p: ValueProvenance, s: OriginSet): boolean {
  if (p.mask & s.mask) return true;
  if (s.unknown && p.mask === 0) return true;
  for (const t of s.tools) if (p.tools.includes(t)) return true;
  return false;
}

/** Strings of an argument value: a string, numbers as text, elements of lists (bounded). */
function stringsOf(v: unknown, out: string[], depth = 0): void {
  if (out.length >= 64) return;
  if (typeof v === 'string') out.push(v);
  else if (typeof v === 'number' || typeof v === 'bigint') out.push(String(v));
  else if (Array.isArray(v) && depth < 4) for (const x of v) stringsOf(x, out, depth + 1);
}

registerMatcher({
  key: 'provenance',
  summary: 'where argument values came from: { args.<field>: { from: [...], not_from: [...] } } (origins: user, untrusted, injected, unknown, agent, tool:NAME)',
  compile(value, c): Cond {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || Object.keys(value).length === 0) {
      c.error('expected a map of argument fields to origins, e.g. { args.recipient: { not_from: user } }');
    }
    const fields = Object.entries(value as Record<string, unknown>).map(([field, spec]) => {
      if (!field.startsWith('args.')) c.error(`expected an argument field such as args.recipient`, [field]);
      const getter = compileField(field);
      if (typeof getter === 'string') c.error(getter, [field]);
      let from: OriginSet | undefined;
      let notFrom: OriginSet | undefined;
      if (typeof spec === 'string' || Array.isArray(spec)) from = originSet(spec, c, [field]);
      else {
        const m = mapOf(spec, c, ['from', 'not_from'], 'from / not_from', [field]);
        if (m.from === undefined && m.not_from === undefined) c.error("expected 'from', 'not_from' or both", [field]);
        if (m.from !== undefined) from = originSet(m.from, c, [field, 'from']);
        if (m.not_from !== undefined) notFrom = originSet(m.not_from, c, [field, 'not_from']);
      }
      const describe = `${field}${from ? ` from ${from.describe}` : ''}${notFrom ? ` not from ${notFrom.describe}` : ''}`;
      return { get: getter as Exclude<typeof getter, string>, from, notFrom, describe };
    });
    const provenanceOf = (ctx: EvalContext, get: (typeof fields)[number]['get']): ValueProvenance[] => {
      const snap = snapshotOf(ctx, 'provenance');
      const strings: string[] = [];
      stringsOf(get(ctx.action), strings);
      const out: ValueProvenance[] = [];
      for (const s of strings) out.push(...snap.provenance(s));
      return out;
    };
    return {
      describe: `provenance ${fields.map((f) => f.describe).join(', ')}`,
      where: c.path,
      test(ctx) {
        const seen = snapshotOf(ctx, 'provenance').requireSession('a provenance rule')?.originsSeen ?? 0;
        for (const f of fields) {
          if (f.from && !possible(f.from, seen)) return false;
          let ok = false;
          for (const p of provenanceOf(ctx, f.get)) {
            if ((!f.from || has(p, f.from)) && (!f.notFrom || !has(p, f.notFrom))) {
              ok = true;
              break;
            }
          }
          if (!ok) return false;
        }
        return true;
      },
      actual: (ctx) =>
        fields.map((f) =>
          provenanceOf(ctx, f.get).map((p) => ({
            value: p.value.length > 40 ? `${p.value.slice(0, 40)}…` : p.value,
            origins: originNames(p),
          })),
        ),
    };
  },
});

export function originNames(p: ValueProvenance): string[] {
  if (p.mask === 0) return ['unknown'];
  const out: string[] = [];
  if (p.mask & ORIGIN.user) out.push('user');
  if (p.mask & ORIGIN.tool) out.push(...(p.tools.length ? p.tools.map((t) => `tool:${t}`) : ['untrusted']));
  if (p.mask & ORIGIN.injected) out.push('injected');
  if (p.mask & ORIGIN.agent) out.push('agent');
  return out;
}
