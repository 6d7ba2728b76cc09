// Field paths in conditions: `kind`, `tool`, `session`, `args.<path>`,
// `principal.id|roles|attributes.<path>`, `context.<path>`. Segments are
// separated by dots; `*` gathers every value at one level, `**` every scalar
// leaf below. Lookups read own properties only, so a hostile action cannot
// reach `__proto__` or `constructor`.

import type { Action } from '../action.ts';
import { multi } from './operators.ts';

export type Getter = (a: Action) => unknown;

export const FIELD_ROOTS = ['kind', 'tool', 'session', 'args', 'principal', 'context'] as const;
const ROOTS: ReadonlySet<string> = new Set(FIELD_ROOTS);
const PRINCIPAL_FIELDS: ReadonlySet<string> = new Set(['id', 'roles', 'attributes']);

const hasOwn = Object.prototype.hasOwnProperty;
function own(o: unknown, k: string): unknown {
  if (o === null || typeof o !== 'object') return undefined;
  if (Array.isArray(o)) {
    if (!/^\d+$/.test(k)) return undefined;
    return o[Number(k)];
  }
  return hasOwn.call(o, k) ? (o as Record<string, unknown>)[k] : undefined;
}

/** Is this condition key a field path (as opposed to a matcher or combinator)? */
export function isFieldKey(key: string): boolean {
  const root = key.split('.', 1)[0]!;
  return ROOTS.has(root);
}

/** Compiles a field path; returns an error message instead of a getter when the path is malformed. */
export function compileField(key: string): Getter | string {
  const segs = key.split('.');
  const root = segs[0]!;
  if (!ROOTS.has(root)) return `unknown field '${key}' (fields start with ${FIELD_ROOTS.join(', ')})`;
  if (segs.some((s) => s === '')) return `malformed field path '${key}'`;
  if (root === 'kind' || root === 'tool' || root === 'session') {
    if (segs.length > 1) return `'${root}' has no sub-fields`;
    return (a) => (a as unknown as Record<string, unknown>)[root];
  }
  if (root === 'principal') {
    if (segs.length === 1) return `'principal' needs a sub-field (id, roles, attributes.<name>)`;
    if (!PRINCIPAL_FIELDS.has(segs[1]!)) return `unknown principal field '${segs[1]}' (expected id, roles, attributes.<name>)`;
  }
  const rest = segs.slice(1);
  const dsIdx = rest.indexOf('**');
  if (dsIdx !== -1 && dsIdx !== rest.length - 1) return `'**' may only end a field path`;

  // Fast paths for the common shapes.
  if (!rest.includes('*') && dsIdx === -1) {
    if (rest.length === 0) return (a) => (a as unknown as Record<string, unknown>)[root];
    if (rest.length === 1) {
      const k = rest[0]!;
      return (a) => own((a as unknown as Record<string, unknown>)[root], k);
    }
    if (rest.length === 2) {
      const [k1, k2] = rest as [string, string];
      return (a) => own(own((a as unknown as Record<string, unknown>)[root], k1), k2);
    }
    return (a) => {
      let v: unknown = (a as unknown as Record<string, unknown>)[root];
      for (const k of rest) v = own(v, k);
      return v;
    };
  }
  return (a) => {
    let cur: unknown[] = [(a as unknown as Record<string, unknown>)[root]];
    for (const k of rest) {
      const next: unknown[] = [];
      for (const v of cur) {
        if (k === '*') {
          if (Array.isArray(v)) next.push(...v);
          else if (v !== null && typeof v === 'object') for (const key of Object.keys(v)) next.push((v as Record<string, unknown>)[key]);
        } else if (k === '**') {
          leaves(v, next);
        } else {
          const x = own(v, k);
          if (x !== undefined) next.push(x);
        }
      }
      cur = next;
    }
    return multi(cur);
  };
}

/** Every scalar below v, iteratively (depth is already bounded by checkAction). */
function leaves(v: unknown, out: unknown[]): void {
  const stack = [v];
  while (stack.length > 0) {
    const x = stack.pop();
    if (x === null || x === undefined) continue;
    if (typeof x === 'object') {
      if (Array.isArray(x)) for (let i = x.length - 1; i >= 0; i--) stack.push(x[i]);
      else {
        const keys = Object.keys(x);
        for (let i = keys.length - 1; i >= 0; i--) stack.push((x as Record<string, unknown>)[keys[i]!]);
      }
    } else out.push(x);
  }
}
