// The contract between the policy compiler and everything that gives a policy
// something to talk about. A condition key in `when`/`unless` (e.g. `shell`,
// `path`, `host`, `time`) is a MatcherDef: it validates its YAML value at load
// time and compiles it to a Cond, a closure evaluated at decision time.
// Analyzers and session state plug in here; the compiler itself knows only
// fields (kind, tool, args.*, principal.*, context.*) and boolean combinators.

import type { Action } from '../action.ts';
import type { PolicyPath } from './errors.ts';

/** Lazily computed analyzer output for one action (shell parse, URL facts, ...). */
export interface FactSource {
  /** Returns the named fact, computing it on first use. Throws if no analyzer has that name. */
  get<T = unknown>(name: string): T;
  /** A fact source for another action with the same analyzers (facts of a past action, recomputed). */
  derive?(action: Action): FactSource;
}

/** Read-only view of session state; filled in by the session layer. */
export interface SessionView {
  readonly [key: string]: unknown;
}

/** Everything a condition may look at while a decision is made. */
export interface EvalContext {
  readonly action: Action;
  readonly facts: FactSource;
  readonly session: SessionView | undefined;
  /** Decision time, ms since epoch; injected so decisions are reproducible. */
  readonly now: number;
}

/** A compiled condition. `test` must be pure; throwing means "evaluation error" (the decision fails closed). */
export interface Cond {
  test(ctx: EvalContext): boolean;
  /** Short text for explain output, e.g. "args.amount > 10000". */
  readonly describe: string;
  /** Where the condition sits in the policy. */
  readonly where: PolicyPath;
  /** For explain: the value the condition looked at. */
  actual?(ctx: EvalContext): unknown;
}

/**
 * A condition on a past action (`after: { match }`, the `match` of `rate` and
 * `budget`). The firewall evaluates every such condition once, when an action
 * is recorded, and the session keeps only which held (see policy/past.ts).
 */
export interface PastCond {
  /** Same for the same condition text, policy lists and engine version (so it survives reloads and processes); '' when not memoizable. */
  readonly key: string;
  readonly cond: Cond;
}

/** A compiled test on one value (operators such as eq, in, glob, regex, gt, ...). */
export interface ValueTest {
  (value: unknown): boolean;
  readonly describe: string;
}

/** What a matcher may use while compiling its part of a rule. */
export interface CompileCtx {
  /** Path of the matcher's value in the policy document. */
  readonly path: PolicyPath;
  /** Raise a load-time error located at path + sub (collected; compilation continues with other rules). */
  error(message: string, sub?: PolicyPath): never;
  /** A named list from the policy's `lists:` section. */
  list(name: string, sub?: PolicyPath): readonly unknown[];
  /**
   * Compiles a generic operand: a scalar (eq), a list (in), or an operator object
   * ({ eq, ne, in, not_in, glob, regex, gt, gte, lt, lte, exists, prefix, suffix, contains, ignore_case }).
   * Arrays in the tested value use any-element semantics.
   */
  operand(value: unknown, sub?: PolicyPath, opts?: { scalar?: 'eq' | 'glob' }): ValueTest;
  /** Compiles a nested condition map (the same language as `when`). */
  conditions(value: unknown, sub?: PolicyPath): Cond;
  /** Compiles a condition map that past actions are tested against, registered with the policy (see PastCond). */
  pastConditions(value: unknown, sub?: PolicyPath): PastCond;
}

export interface MatcherDef {
  /** The condition key, e.g. 'shell'. */
  readonly key: string;
  /** One line for docs and "expected one of" errors. */
  readonly summary: string;
  compile(value: unknown, c: CompileCtx): Cond;
}

const registry = new Map<string, MatcherDef>();

/** Registers a condition key. Built-in matchers register from src/policy/matchers/index.ts. */
export function registerMatcher(def: MatcherDef): void {
  if (registry.has(def.key)) throw new Error(`matcher '${def.key}' registered twice`);
  registry.set(def.key, def);
}

export function getMatcher(key: string): MatcherDef | undefined {
  return registry.get(key);
}

export function matcherKeys(): string[] {
  return [...registry.keys()].sort();
}
