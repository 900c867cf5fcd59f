/**
 * Numbered schema migrations, applied in order and tracked by SQLite's `user_version`.
 * Never edit a migration that has shipped: add the next one.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: the append-only fact log, idempotency records and the projections recovery loads.
  `
  CREATE TABLE events (
    seq   INTEGER PRIMARY KEY,
    at    INTEGER NOT NULL,
    type  TEXT    NOT NULL,
    body  TEXT    NOT NULL
  ) STRICT;

  CREATE TABLE commands (
    idempotency_key TEXT PRIMARY KEY,
    type            TEXT    NOT NULL,
    at              INTEGER NOT NULL,
    first_seq       INTEGER NOT NULL,
    last_seq        INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE tickets (
    id             TEXT PRIMARY KEY,
    business_day   TEXT    NOT NULL,
    category_id    TEXT    NOT NULL,
    seq            INTEGER NOT NULL,
    number         TEXT    NOT NULL,
    status         TEXT    NOT NULL,
    priority_class TEXT    NOT NULL,
    window_id      TEXT,
    arrived_at     INTEGER NOT NULL,
    called_at      INTEGER,
    serving_at     INTEGER,
    finished_at    INTEGER,
    body           TEXT    NOT NULL
  ) STRICT;
  CREATE INDEX tickets_by_day_status ON tickets (business_day, status);

  CREATE TABLE windows (
    id   TEXT PRIMARY KEY,
    body TEXT NOT NULL
  ) STRICT;

  -- Small singletons: hall config, last seq, counters, streak, last closed day.
  CREATE TABLE hall_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) STRICT;
  `,
];
