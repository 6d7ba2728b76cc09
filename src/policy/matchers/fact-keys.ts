// Shared compile-time helpers for the fact matchers (shell, path, host, url,
// sql): strict key validation with located errors, boolean keys, and the
// any/all quantifier over a list of facts.

import type { CompileCtx } from '../matcher.ts';

/** Validates that `value` is a map whose keys are all in `keys`; returns it. */
export function mapOf(value: unknown, c: CompileCtx, what: string, keys: readonly string[]): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) c.error(`expected a map (${what}) with keys: ${keys.join(', ')}`);
  const v = value as Record<string, unknown>;
  if (Object.keys(v).length === 0) c.error(`empty ${what} condition (expected one of: ${keys.join(', ')})`);
  for (const k of Object.keys(v)) if (!keys.includes(k)) c.error(`unknown key '${k}' (expected one of: ${keys.join(', ')})`, [k]);
  return v;
}

export function bool(v: Record<string, unknown>, key: string, c: CompileCtx): boolean | undefined {
  const x = v[key];
  if (x === undefined) return undefined;
  if (typeof x !== 'boolean') c.error('expected true or false', [key]);
  return x as boolean;
}

export type Quantifier = 'any' | 'all';

export function quantifier(v: Record<string, unknown>, c: CompileCtx): Quantifier {
  const m = v.match ?? 'any';
  if (m !== 'any' && m !== 'all') c.error("expected 'any' (some item matches) or 'all' (every item matches)", ['match']);
  return m as Quantifier;
}

/** any: some item holds; all: there is at least one item and every item holds. */
export function quantify<T>(items: readonly T[], q: Quantifier, test: (t: T) => boolean): boolean {
  if (items.length === 0) return false;
  if (q === 'any') {
    for (const i of items) if (test(i)) return true;
    return false;
  }
  for (const i of items) if (!test(i)) return false;
  return true;
}

/** Strings of a scalar-or-list value (list references via `$name` resolved). */
export function strings(x: unknown, c: CompileCtx, key: string): string[] {
  let list: readonly unknown[];
  if (typeof x === 'string' && x.startsWith('$') && !x.startsWith('$$')) list = c.list(x.slice(1), [key]);
  else list = Array.isArray(x) ? x : [x];
  if (list.length === 0) c.error('expected a non-empty list', [key]);
  return list.map((s, i) => {
    if (typeof s !== 'string' || s === '') c.error('expected a non-empty string', Array.isArray(x) ? [key, i] : [key]);
    return (s as string).startsWith('$$') ? (s as string).slice(1) : (s as string);
  });
}
