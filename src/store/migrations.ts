// Schema of the embedded store, as an ordered list of migrations. The index+1
// of a migration is the `user_version` it brings the database to; existing
// migrations are never edited, only appended to.

export const MIGRATIONS: readonly string[] = [
  // 1: audit log and approval queue
  `
  CREATE TABLE audit_records (
    seq        INTEGER PRIMARY KEY,
    ts         INTEGER NOT NULL,
    type       TEXT    NOT NULL,
    principal  TEXT,
    session    TEXT,
    effect     TEXT,
    tool       TEXT,
    rules      TEXT,
    body       TEXT    NOT NULL,
    prev_hash  TEXT    NOT NULL,
    hash       TEXT    NOT NULL
  );
  CREATE INDEX audit_records_ts ON audit_records(ts);
  CREATE INDEX audit_records_principal ON audit_records(principal, ts);
  CREATE INDEX audit_records_tool ON audit_records(tool, ts);

  CREATE TABLE audit_checkpoints (
    id         INTEGER PRIMARY KEY,
    seq        INTEGER NOT NULL,
    hash       TEXT    NOT NULL,
    ts         INTEGER NOT NULL,
    prev_sig   TEXT    NOT NULL,
    key_id     TEXT    NOT NULL,
    signature  TEXT    NOT NULL
  );

  CREATE TABLE approvals (
    id          TEXT    PRIMARY KEY,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    status      TEXT    NOT NULL,
    principal   TEXT,
    session     TEXT,
    kind        TEXT    NOT NULL,
    tool        TEXT,
    digest      TEXT    NOT NULL,
    required    INTEGER NOT NULL,
    action      TEXT    NOT NULL,
    decision    TEXT    NOT NULL,
    facts       TEXT,
    resolved_at INTEGER,
    outcome     TEXT,
    consumed    INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX approvals_status ON approvals(status, created_at);
  CREATE INDEX approvals_digest ON approvals(digest, status);

  CREATE TABLE approval_votes (
    approval_id TEXT    NOT NULL REFERENCES approvals(id),
    approver    TEXT    NOT NULL,
    vote        TEXT    NOT NULL,
    comment     TEXT,
    remember    INTEGER NOT NULL DEFAULT 0,
    at          INTEGER NOT NULL,
    PRIMARY KEY (approval_id, approver)
  );

  CREATE TABLE approval_remembered (
    principal   TEXT    NOT NULL,
    session     TEXT    NOT NULL,
    digest      TEXT    NOT NULL,
    approval_id TEXT    NOT NULL,
    at          INTEGER NOT NULL,
    PRIMARY KEY (principal, session, digest)
  );
  `,
];
