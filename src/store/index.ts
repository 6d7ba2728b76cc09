// The embedded store: data directory resolution and the SQLite database shared by audit and approvals.
export { openStore, type Store, type StoreOptions, type Db } from './sqlite.ts';
export { resolveDataDir, ensureDataDir, DB_FILE } from './datadir.ts';
export { StoreError, isDiskFull } from './errors.ts';
