// The `sql` analyzer: facts about `args.query` of a sql action (see
// analyze.ts), cached per (dialect, query) in a bounded LRU. libpg-query
// loads a WebAssembly module, so loading is async; analysis is synchronous.

import { loadModule } from 'libpg-query';
import type { Action } from '../../action.ts';
import type { Analyzer } from '../facts.ts';
import { LruCache } from '../lru.ts';
import { analyzeSql, emptySqlFacts, normalizeDialect, type SqlFacts } from './analyze.ts';

export { analyzeSql, type SqlFacts, type SqlStatement, type SqlDialect } from './analyze.ts';
export { SQL_KINDS, type SqlKind } from './kinds.ts';

const NOT_SQL: SqlFacts = Object.freeze(emptySqlFacts(false));

export function createSqlAnalyzer(cacheSize = 2048): Analyzer<SqlFacts> {
  const cache = new LruCache<string, SqlFacts>(cacheSize);
  return {
    name: 'sql',
    analyze(action: Action): SqlFacts {
      if (action.kind !== 'sql') return NOT_SQL;
      const query = action.args?.query;
      const dialect = normalizeDialect(action.args?.dialect);
      if (typeof query !== 'string') return { ...emptySqlFacts(true), unparseable: true, error: 'sql action without a query string' };
      if (dialect === 'invalid') return { ...emptySqlFacts(true), unparseable: true, error: `unknown dialect ${JSON.stringify(action.args?.dialect)} (expected postgres, sqlite or mysql)` };
      const key = `${dialect ?? ''}\u0000${query}`;
      const hit = cache.get(key);
      if (hit) return hit;
      const facts = analyzeSql(query, dialect);
      if (query.length <= 16 * 1024) cache.set(key, facts);
      return facts;
    },
  };
}

let ready: Promise<void> | undefined;

export async function loadSqlAnalyzer(): Promise<Analyzer<SqlFacts>> {
  ready ??= loadModule();
  await ready;
  return createSqlAnalyzer();
}
