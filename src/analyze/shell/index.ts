// The `shell` analyzer: facts about `args.command` of a shell action (see
// types.ts). Results are cached per distinct command string in a bounded LRU;
// cached facts are frozen so no caller can alter another decision's facts.

import type { Action } from '../../action.ts';
import type { Analyzer } from '../facts.ts';
import { LruCache } from '../lru.ts';
import { analyzeShell, emptyFacts, DEFAULT_SHELL_LIMITS, type ShellLimits } from './analyze.ts';
import { loadBashParser, type BashParser } from './parser.ts';
import type { ShellFacts } from './types.ts';

export type { ShellFacts, ShellCommand, ShellPath, ShellHost, UnresolvedReason } from './types.ts';
export { parseFlags, isPathLike, urlOf } from './analyze.ts';

export interface ShellAnalyzerOptions {
  /** Distinct command strings kept (0 disables the cache). */
  cacheSize?: number;
  limits?: Partial<ShellLimits>;
}

const NOT_SHELL: ShellFacts = deepFreeze(emptyFacts(false));

export interface ShellAnalyzer extends Analyzer<ShellFacts> {
  /** Analyzes a command line directly (cached). */
  analyzeCommand(command: string): ShellFacts;
  /** Analyzes without touching the cache (benchmarks). */
  analyzeUncached(command: string): ShellFacts;
}

export function createShellAnalyzer(parser: BashParser, opts: ShellAnalyzerOptions = {}): ShellAnalyzer {
  const cache = new LruCache<string, ShellFacts>(opts.cacheSize ?? 4096);
  const limits: ShellLimits = { ...DEFAULT_SHELL_LIMITS, ...opts.limits };
  const analyzeUncached = (command: string) => analyzeShell(command, parser, limits);
  const analyzeCommand = (command: string): ShellFacts => {
    const hit = cache.get(command);
    if (hit) return hit;
    // Cached facts are shared between decisions: frozen, so no caller can alter another's.
    const facts = deepFreeze(analyzeUncached(command));
    // Huge strings are analyzed but not kept: the cache bound is in entries, not bytes.
    if (command.length <= 16 * 1024) cache.set(command, facts);
    return facts;
  };
  return {
    name: 'shell',
    analyze(action: Action): ShellFacts {
      const command = action.args?.command;
      if (action.kind !== 'shell') return NOT_SHELL;
      if (typeof command !== 'string') {
        // A shell action without a command string cannot be judged: unparseable.
        const f = emptyFacts(true);
        f.unparseable = true;
        f.unresolved = true;
        f.reasons = ['parse-error'];
        return deepFreeze(f);
      }
      return analyzeCommand(command);
    },
    analyzeCommand,
    analyzeUncached,
  };
}

let shared: Promise<ShellAnalyzer> | undefined;

/** The process-wide shell analyzer (one parser, one cache). */
export function loadShellAnalyzer(): Promise<ShellAnalyzer> {
  shared ??= loadBashParser().then((p) => createShellAnalyzer(p));
  return shared;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as object)) deepFreeze(v);
  }
  return o;
}
