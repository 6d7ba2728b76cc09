// The built-in analyzers, loaded once per firewall. Some need asynchronous
// initialization (the shell parser loads a WebAssembly grammar), so loading is
// async; analysis itself is synchronous.

import type { Analyzer, AnalyzerSet } from './facts.ts';
import { loadShell, loadPath, loadUrl, loadSql } from './builtin.ts';

/** Each entry loads one analyzer; add new analyzers here. */
const BUILTIN: Array<() => Promise<Analyzer>> = [loadShell, loadPath, loadUrl, loadSql];

export async function loadBuiltinAnalyzers(): Promise<AnalyzerSet> {
  const list = await Promise.all(BUILTIN.map((load) => load()));
  return new Map(list.map((a) => [a.name, a]));
}

export { LazyFacts, type Analyzer, type AnalyzerSet } from './facts.ts';
