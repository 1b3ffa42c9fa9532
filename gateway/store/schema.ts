/** Migrations, applied in order; PRAGMA user_version records how many have run. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE readings (
    id          INTEGER PRIMARY KEY,
    node        TEXT    NOT NULL,
    seq         INTEGER NOT NULL,
    bed         TEXT    NOT NULL,
    patient     TEXT,
    ward        TEXT,
    t           INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    hr REAL, spo2 REAL, temp REAL, rr REAL, sbp REAL, dbp REAL, pi REAL, battery REAL,
    flags       TEXT    NOT NULL DEFAULT '',
    status      TEXT    NOT NULL,
    reasons     TEXT    NOT NULL DEFAULT ''
  );
  -- (node, seq) identifies a reading. Resends are recognised before they reach SQLite, from
  -- nodes.last_seq (seq increases per node), which spares the table a second index on the hot path.
  -- History of a bed, newest first.
  CREATE INDEX readings_bed_time ON readings(bed, received_at);
  CREATE TABLE beds (
    bed             TEXT PRIMARY KEY,
    ward            TEXT,
    patient         TEXT,
    node            TEXT,
    last_reading_id INTEGER REFERENCES readings(id),
    updated_at      INTEGER NOT NULL
  );
  CREATE TABLE nodes (
    node      TEXT PRIMARY KEY,
    bed       TEXT NOT NULL,
    last_seq  INTEGER NOT NULL,
    last_seen INTEGER NOT NULL
  );
  CREATE TABLE alerts (
    id      INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    bed     TEXT NOT NULL,
    patient TEXT,
    ward    TEXT,
    status  TEXT NOT NULL,
    reasons TEXT NOT NULL
  );
  CREATE INDEX alerts_at ON alerts(at);
  `,
];
