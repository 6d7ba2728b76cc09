// Compiles an operand from the policy (a scalar, a list, a `$list` reference or
// an operator object) into a ValueTest, a closure over one value.
//
// Semantics, chosen so that surprises fail closed:
// - Several operators in one object must all hold (AND).
// - A list/array value holds if ANY element holds (roles: [a, b] vs `in`).
//   Negative operators (ne, not_in, not) are the exact negation of their
//   positive form: no element may match, and a missing value satisfies them.
// - Positive operators on a missing value are false; `exists` tests presence.
// - Numeric operators accept numbers and numeric strings; any other type is an
//   evaluation error (the decision becomes deny), never a silent false.
// - String operators accept strings, numbers and booleans; an object is an
//   evaluation error when it is the value itself, and skipped inside a list.
// - Strings are NFKC-normalized before comparison; `ignore_case: true` folds case.
// - Regexes run on re2js, a linear-time engine: no pattern can hang a decision.

import { RE2JS } from 're2js';
import { compileGlob } from './glob.ts';
import type { CompileCtx, ValueTest } from './matcher.ts';
import type { PolicyPath } from './errors.ts';

export const OPERATORS = [
  'eq', 'ne', 'in', 'not_in', 'glob', 'regex', 'gt', 'gte', 'lt', 'lte',
  'exists', 'prefix', 'suffix', 'contains', 'not', 'ignore_case',
] as const;
const OPERATOR_SET: ReadonlySet<string> = new Set(OPERATORS);

/** Thrown at evaluation time when a value has a type an operator cannot judge. */
export class EvalTypeError extends Error {
  override name = 'EvalTypeError';
}

const ASCII = /^[\x00-\x7f]*$/;
export function norm(s: string): string {
  return ASCII.test(s) ? s : s.normalize('NFKC');
}

type Scalar = string | number | boolean | null;
type Leaf = (v: unknown) => boolean;

function isScalar(v: unknown): v is Scalar {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (Array.isArray(v)) return `[${v.slice(0, 5).map(show).join(', ')}${v.length > 5 ? ', …' : ''}]`;
  return String(v);
}

/** Any-element semantics: arrays (and nested arrays) hold if one element holds. */
function anyOf(v: unknown, leaf: Leaf, depth = 0): boolean {
  if (Array.isArray(v) && depth < 64) {
    for (let i = 0; i < v.length; i++) if (anyOf(v[i], leaf, depth + 1)) return true;
    return false;
  }
  return leaf(v);
}

function asString(v: unknown, inList: boolean): string | undefined {
  if (typeof v === 'string') return norm(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return undefined;
  if (inList) return undefined;
  throw new EvalTypeError(`expected a string, got ${typeof v}`);
}

const NUMERIC = /^\s*-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/;
function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number') {
    if (Number.isNaN(v)) throw new EvalTypeError('expected a number, got NaN');
    return v;
  }
  if (typeof v === 'string') {
    if (NUMERIC.test(v)) return Number(v);
    throw new EvalTypeError(`expected a number, got string ${show(v)}`);
  }
  if (v === undefined || v === null) return undefined;
  throw new EvalTypeError(`expected a number, got ${typeof v}`);
}

/** Wraps a per-element test with list semantics and the top-level object check. */
function lift(leafOf: (inList: boolean) => Leaf): Leaf {
  const top = leafOf(false);
  const inner = leafOf(true);
  return (v) => (Array.isArray(v) ? anyOf(v, inner) : top(v));
}

function makeTest(fn: Leaf, describe: string): ValueTest {
  const t = fn as ValueTest;
  Object.defineProperty(t, 'describe', { value: describe });
  return t;
}

export function compileOperand(
  raw: unknown,
  c: Pick<CompileCtx, 'error' | 'list'>,
  sub: PolicyPath,
  opts: { scalar?: 'eq' | 'glob' } = {},
): ValueTest {
  const scalarOp = opts.scalar ?? 'eq';
  // `$name` refers to a named list.
  if (typeof raw === 'string' && raw.startsWith('$') && !raw.startsWith('$$')) {
    const items = c.list(raw.slice(1), sub);
    return build({ [scalarOp === 'glob' ? 'glob' : 'in']: items }, c, sub, false);
  }
  if (isScalar(raw)) {
    const v = typeof raw === 'string' && raw.startsWith('$$') ? raw.slice(1) : raw;
    return build({ [scalarOp]: v }, c, sub, false);
  }
  if (Array.isArray(raw)) {
    const items = raw.map((x) => (typeof x === 'string' && x.startsWith('$$') ? x.slice(1) : x));
    return build({ [scalarOp === 'glob' ? 'glob' : 'in']: items }, c, sub, false);
  }
  if (typeof raw === 'object' && raw !== null) {
    return build(raw as Record<string, unknown>, c, sub, true);
  }
  return c.error(`expected a value, a list or an operator object (${OPERATORS.join(', ')})`, sub);
}

function build(
  ops: Record<string, unknown>,
  c: Pick<CompileCtx, 'error' | 'list'>,
  sub: PolicyPath,
  explicit: boolean,
): ValueTest {
  const keys = Object.keys(ops);
  if (keys.length === 0) c.error(`empty operator object (expected one of ${OPERATORS.join(', ')})`, sub);
  for (const k of keys) {
    if (!OPERATOR_SET.has(k)) {
      c.error(`unknown operator '${k}' (expected one of ${OPERATORS.join(', ')})`, explicit ? [...sub, k] : sub);
    }
  }
  const ic = ops.ignore_case;
  if (ic !== undefined && typeof ic !== 'boolean') c.error('ignore_case: expected true or false', [...sub, 'ignore_case']);
  const ignoreCase = ic === true;
  const fold = ignoreCase ? (s: string) => s.toLowerCase() : (s: string) => s;

  const at = (k: string): PolicyPath => (explicit ? [...sub, k] : sub);
  /** Operand items: a scalar, a list, or a `$list` reference. */
  const items = (k: string): Scalar[] => {
    const v = ops[k];
    let list: readonly unknown[];
    // Shorthands were resolved by compileOperand; only operator objects written by the user hold `$` references.
    if (explicit && typeof v === 'string' && v.startsWith('$') && !v.startsWith('$$')) list = c.list(v.slice(1), at(k));
    else if (Array.isArray(v)) list = v;
    else list = [v];
    const out: Scalar[] = [];
    list.forEach((x, i) => {
      if (!isScalar(x)) c.error(`expected a string, number or boolean`, Array.isArray(v) ? [...at(k), i] : at(k));
      out.push(explicit && typeof x === 'string' && x.startsWith('$$') ? x.slice(1) : x);
    });
    return out;
  };
  const strings = (k: string): string[] =>
    items(k).map((x) => {
      if (x === null) c.error('expected a string, not null', at(k));
      return fold(norm(String(x)));
    });
  const number = (k: string): number => {
    const v = ops[k];
    if (typeof v !== 'number' || !Number.isFinite(v)) c.error(`${k}: expected a number`, at(k));
    return v as number;
  };

  const tests: Leaf[] = [];
  const parts: string[] = [];

  for (const k of keys) {
    switch (k) {
      case 'ignore_case':
        break;
      case 'eq':
      case 'ne':
      case 'in':
      case 'not_in': {
        const vals = items(k);
        if ((k === 'eq' || k === 'ne') && Array.isArray(ops[k])) c.error(`${k}: expected a single value (use in/not_in for lists)`, at(k));
        const strs = new Set<string>();
        const nums = new Set<number>();
        const others = new Set<boolean | null>();
        for (const v of vals) {
          if (typeof v === 'string') strs.add(fold(norm(v)));
          else if (typeof v === 'number') nums.add(v);
          else others.add(v);
        }
        const leaf: Leaf = (v) => {
          if (typeof v === 'string') {
            const s = fold(norm(v));
            if (strs.has(s)) return true;
            return nums.size > 0 && NUMERIC.test(v) && nums.has(Number(v));
          }
          if (typeof v === 'number') return nums.has(v) || (strs.size > 0 && strs.has(String(v)));
          if (typeof v === 'boolean' || v === null) return others.has(v) || (v !== null && strs.has(String(v)));
          return false;
        };
        const pos: Leaf = (v) => (Array.isArray(v) ? anyOf(v, leaf) : leaf(v));
        const negative = k === 'ne' || k === 'not_in';
        tests.push(negative ? (v) => !pos(v) : pos);
        parts.push(`${k === 'eq' ? '==' : k === 'ne' ? '!=' : k === 'in' ? 'in' : 'not in'} ${show(vals.length === 1 && (k === 'eq' || k === 'ne') ? vals[0] : vals)}`);
        break;
      }
      case 'glob': {
        const globs = strings(k).map((g) => compileGlob(g, false));
        tests.push(
          lift((inList) => (v) => {
            const s = asString(v, inList);
            if (s === undefined) return false;
            const f = fold(s);
            for (const g of globs) if (g.test(f)) return true;
            return false;
          }),
        );
        parts.push(`glob ${show(globs.map((g) => g.source))}`);
        break;
      }
      case 'prefix':
      case 'suffix':
      case 'contains': {
        const needles = strings(k);
        const fn =
          k === 'prefix'
            ? (s: string, n: string) => s.startsWith(n)
            : k === 'suffix'
              ? (s: string, n: string) => s.endsWith(n)
              : (s: string, n: string) => s.includes(n);
        tests.push(
          lift((inList) => (v) => {
            const s = asString(v, inList);
            if (s === undefined) return false;
            const f = fold(s);
            for (const n of needles) if (fn(f, n)) return true;
            return false;
          }),
        );
        parts.push(`${k} ${show(needles)}`);
        break;
      }
      case 'regex': {
        const pats = items(k).map((p, i) => {
          if (typeof p !== 'string') c.error('regex: expected a string pattern', at(k));
          try {
            return RE2JS.compile(p as string, ignoreCase ? RE2JS.CASE_INSENSITIVE : 0);
          } catch (e) {
            const where = Array.isArray(ops[k]) ? [...at(k), i] : at(k);
            return c.error(`invalid regex ${show(p)}: ${(e as Error).message}`, where);
          }
        });
        tests.push(
          lift((inList) => (v) => {
            const s = asString(v, inList);
            if (s === undefined) return false;
            for (const p of pats) if (p.test(s)) return true;
            return false;
          }),
        );
        parts.push(`regex ${show(pats.map((p) => p.pattern()))}`);
        break;
      }
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte': {
        const n = number(k);
        const cmp =
          k === 'gt' ? (x: number) => x > n : k === 'gte' ? (x: number) => x >= n : k === 'lt' ? (x: number) => x < n : (x: number) => x <= n;
        tests.push(
          lift(() => (v) => {
            const x = asNumber(v);
            return x !== undefined && cmp(x);
          }),
        );
        parts.push(`${k === 'gt' ? '>' : k === 'gte' ? '>=' : k === 'lt' ? '<' : '<='} ${n}`);
        break;
      }
      case 'exists': {
        const want = ops[k];
        if (typeof want !== 'boolean') c.error('exists: expected true or false', at(k));
        tests.push((v) => (v !== undefined && !(Array.isArray(v) && v.length === 0 && isMulti(v))) === want);
        parts.push(want ? 'exists' : 'is absent');
        break;
      }
      case 'not': {
        const inner = compileOperand(ops[k], c, at(k));
        tests.push((v) => !inner(v));
        parts.push(`not (${inner.describe})`);
        break;
      }
    }
  }
  const describe = parts.join(' and ');
  if (tests.length === 1) return makeTest(tests[0]!, describe);
  return makeTest((v) => {
    for (const t of tests) if (!t(v)) return false;
    return true;
  }, describe);
}

/** Values gathered by a wildcard field path (`args.*`) are marked, so `exists` can tell "none matched". */
const MULTI = Symbol('multi');
export function multi(values: unknown[]): unknown[] {
  (values as unknown as Record<symbol, boolean>)[MULTI] = true;
  return values;
}
function isMulti(v: unknown[]): boolean {
  return (v as unknown as Record<symbol, boolean>)[MULTI] === true;
}
