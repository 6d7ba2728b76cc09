// Analyzers turn an Action into facts (what a shell line really runs, where a
// path really points, which class a host is in). They are pure functions of the
// action (plus the file system for path resolution). The firewall computes
// facts lazily: a plain tool call that no shell/path/url rule looks at never
// pays for parsing.

import type { Action } from '../action.ts';
import type { FactSource } from '../policy/matcher.ts';

export interface Analyzer<T = unknown> {
  /** Fact name, the key policies and matchers use: 'shell', 'path', 'url', 'sql', ... */
  readonly name: string;
  /** Must not throw on hostile input: report problems inside the facts (e.g. `unparseable: true`). */
  analyze(action: Action): T;
}

export type AnalyzerSet = ReadonlyMap<string, Analyzer>;

const UNSET = Symbol('unset');

/** Per-decision lazy fact cache. */
export class LazyFacts implements FactSource {
  private cache: Map<string, unknown> | undefined;
  constructor(
    private readonly action: Action,
    private readonly analyzers: AnalyzerSet,
  ) {}

  get<T = unknown>(name: string): T {
    const hit = this.cache?.get(name) ?? UNSET;
    if (hit !== UNSET) return hit as T;
    const analyzer = this.analyzers.get(name);
    if (!analyzer) throw new Error(`no analyzer named '${name}' is installed`);
    const value = analyzer.analyze(this.action);
    (this.cache ??= new Map()).set(name, value);
    return value as T;
  }

  derive(action: Action): LazyFacts {
    return new LazyFacts(action, this.analyzers);
  }

  /** Facts computed so far (for audit and explain). */
  computed(): Record<string, unknown> {
    return this.cache ? Object.fromEntries(this.cache) : {};
  }
}

export const NO_ANALYZERS: AnalyzerSet = new Map();
