// Loaders for the built-in analyzers (shell, path, url, sql). The path and url
// analyzers read the shell analyzer's facts for shell actions, so they share
// its parser and cache.

import type { Analyzer } from './facts.ts';
import { loadShellAnalyzer } from './shell/index.ts';
import { createPathAnalyzer } from './path.ts';
import { createUrlAnalyzer } from './url.ts';
import { loadSqlAnalyzer } from './sql/index.ts';

export const loadShell = (): Promise<Analyzer> => loadShellAnalyzer();
export const loadPath = async (): Promise<Analyzer> => createPathAnalyzer(await loadShellAnalyzer());
export const loadUrl = async (): Promise<Analyzer> => createUrlAnalyzer(await loadShellAnalyzer());
export const loadSql = (): Promise<Analyzer> => loadSqlAnalyzer();
