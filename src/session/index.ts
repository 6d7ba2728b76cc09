// Public surface of the session layer: stores, the tracker the Firewall uses
// as its SessionProvider, and the snapshot matchers read.
export { SessionTracker, type TrackerOptions, type IngestOptions, type IngestResult } from './tracker.ts';
export { MemorySessionStore, type SessionStore } from './store.ts';
export { SqliteSessionStore, SessionStoreError, SESSIONS_DB, type SqliteSessionOptions } from './sqlite.ts';
export { SessionSnapshot, SNAPSHOT_KEY, snapshotOf, type ProfileMode } from './snapshot.ts';
export { DEFAULT_LIMITS, ORIGIN, type SessionLimits, type HistoryEntry, type ScanNote } from './types.ts';
export { extractValues, keysOfValue } from './extract.ts';
export { Profile, featuresOf, type Anomaly } from './profile.ts';
