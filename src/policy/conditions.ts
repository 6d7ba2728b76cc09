// Compiles a condition map (`when:` / `unless:`) into a Cond tree.
// A map is a conjunction: every key must hold. Keys are field paths
// (args.amount, principal.roles, ...), registered matchers (shell, path, host,
// time, ...) or the combinators all / any / not.

import type { Cond, CompileCtx, EvalContext, PastCond } from './matcher.ts';
import { getMatcher, matcherKeys } from './matcher.ts';
import { compileField, isFieldKey, FIELD_ROOTS } from './fields.ts';
import { compileOperand } from './operators.ts';
import { formatPath, type PolicyPath } from './errors.ts';

export interface CondGroup extends Cond {
  /** Top-level members, in policy order, for explain output. */
  readonly children: readonly Cond[];
}

export type BaseCtx = Pick<CompileCtx, 'error' | 'list'> & {
  /** Registers a compiled past-action condition with the policy being compiled; without it, past conditions are not memoized. */
  past?(raw: unknown, cond: Cond): PastCond;
};

const COMBINATORS = ['all', 'any', 'not'];

export function compileConditions(raw: unknown, path: PolicyPath, base: BaseCtx): CondGroup {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    base.error('expected a map of conditions (field: value, or a matcher such as shell/path/host/time)', path);
  }
  const entries = Object.entries(raw as Record<string, unknown>);
  const children = entries.map(([key, value]) => compileEntry(key, value, [...path, key], base));
  return and(children, path);
}

/** Conjunction of conditions; `children` are kept whole for explain. */
export function and(children: Cond[], where: PolicyPath): CondGroup {
  const describe = children.map((c) => c.describe).join(' and ') || 'always';
  if (children.length === 0) return { test: () => true, describe, where, children };
  if (children.length === 1) {
    const only = children[0]!;
    return { test: (ctx) => only.test(ctx), describe, where, children };
  }
  if (children.length === 2) {
    const [a, b] = children as [Cond, Cond];
    return { test: (ctx) => a.test(ctx) && b.test(ctx), describe, where, children };
  }
  return {
    test: (ctx) => {
      for (const c of children) if (!c.test(ctx)) return false;
      return true;
    },
    describe,
    where,
    children,
  };
}

function compileEntry(key: string, value: unknown, path: PolicyPath, base: BaseCtx): Cond {
  if (key === 'all' || key === 'any') {
    if (!Array.isArray(value) || value.length === 0) base.error(`'${key}' expects a non-empty list of condition maps`, path);
    const parts = (value as unknown[]).map((v, i) => compileConditions(v, [...path, i], base));
    if (key === 'all') return { ...and(parts, path), describe: `all(${parts.map((p) => p.describe).join('; ')})` };
    return {
      test: (ctx) => {
        for (const p of parts) if (p.test(ctx)) return true;
        return false;
      },
      describe: `any(${parts.map((p) => p.describe).join('; ')})`,
      where: path,
    };
  }
  if (key === 'not') {
    const inner = compileConditions(value, path, base);
    return { test: (ctx) => !inner.test(ctx), describe: `not(${inner.describe})`, where: path };
  }
  if (isFieldKey(key)) {
    const getter = compileField(key);
    if (typeof getter === 'string') return base.error(getter, path);
    const scalar = key === 'kind' || key === 'tool' ? 'glob' : 'eq';
    const t = compileOperand(value, base, path, { scalar });
    return {
      test: (ctx) => t(getter(ctx.action)),
      describe: `${key} ${t.describe}`,
      where: path,
      actual: (ctx) => getter(ctx.action),
    };
  }
  const matcher = getMatcher(key);
  if (matcher) {
    const ctx: CompileCtx = {
      path,
      error: (m, sub = []) => base.error(m, [...path, ...sub]),
      list: (name, sub = []) => base.list(name, [...path, ...sub]),
      operand: (v, sub = [], opts) => compileOperand(v, base, [...path, ...sub], opts),
      conditions: (v, sub = []) => compileConditions(v, [...path, ...sub], base),
      pastConditions: (v, sub = []) => {
        const cond = compileConditions(v, [...path, ...sub], base);
        return base.past ? base.past(v, cond) : { key: '', cond };
      },
    };
    return matcher.compile(value, ctx);
  }
  return base.error(
    `unknown condition '${key}' at ${formatPath(path)} (expected a field starting with ${FIELD_ROOTS.join('/')}, ` +
      `a combinator (${COMBINATORS.join(', ')})${matcherKeys().length ? `, or a matcher (${matcherKeys().join(', ')})` : ''})`,
    path,
  );
}

/** Evaluates a group member by member, for explain: the first failing member, or undefined if all hold. */
export function firstFailing(group: CondGroup, ctx: EvalContext): { cond: Cond; error?: string } | undefined {
  for (const c of group.children) {
    try {
      if (!c.test(ctx)) return { cond: c };
    } catch (e) {
      return { cond: c, error: (e as Error).message };
    }
  }
  return undefined;
}
