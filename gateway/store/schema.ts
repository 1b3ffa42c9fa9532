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
  `
  -- Every alarm raise, upgrade, acknowledgement, escalation, pause and clear (IEC 60601-1-8 alarm log).
  CREATE TABLE alarm_events (
    id        INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    type      TEXT NOT NULL,
    bed       TEXT NOT NULL,
    patient   TEXT,
    alarm_id  TEXT,
    kind      TEXT,
    parameter TEXT,
    priority  TEXT,
    value     REAL,
    user      TEXT,
    reason    TEXT,
    extra     TEXT
  );
  CREATE INDEX alarm_events_bed_at ON alarm_events(bed, at);
  CREATE INDEX alarm_events_alarm ON alarm_events(alarm_id);
  -- Who changed which limit of which patient, from what to what.
  CREATE TABLE limits_audit (
    id        INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    bed       TEXT NOT NULL,
    patient   TEXT,
    user      TEXT NOT NULL,
    parameter TEXT,
    field     TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT
  );
  CREATE INDEX limits_audit_bed ON limits_audit(bed, at);
  -- Clinician-entered observations for NEWS2 (respiration rate, BP, ACVPU, oxygen, SpO2 scale).
  CREATE TABLE observations (
    id      INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    bed     TEXT NOT NULL,
    patient TEXT,
    user    TEXT NOT NULL,
    data    TEXT NOT NULL
  );
  CREATE INDEX observations_bed ON observations(bed, at);
  `,
  `
  -- Seq spaces (docs/protocol.md, "Sequence numbers and resends"): a node's seqs are numbered per
  -- boot, and each space records exactly which seqs are stored, as ranges [[lo,hi],…], written in the
  -- same transaction as the readings. Rebuilt here from the readings already stored.
  ALTER TABLE readings ADD COLUMN boot TEXT NOT NULL DEFAULT '';
  CREATE TABLE seq_spaces (
    node      TEXT NOT NULL,
    boot      TEXT NOT NULL,
    bed       TEXT NOT NULL,
    ranges    TEXT NOT NULL,
    last_seen INTEGER NOT NULL,
    PRIMARY KEY (node, boot)
  ) WITHOUT ROWID;
  WITH runs AS (
    SELECT node, seq, seq - row_number() OVER (PARTITION BY node ORDER BY seq) AS run
    FROM (SELECT DISTINCT node, seq FROM readings)
  ), islands AS (
    SELECT node, min(seq) AS lo, max(seq) AS hi FROM runs GROUP BY node, run
  ), spaces AS (
    SELECT node, json_group_array(json_array(lo, hi)) AS ranges FROM islands GROUP BY node
  )
  INSERT INTO seq_spaces (node, boot, bed, ranges, last_seen)
    SELECT n.node, '', n.bed, coalesce(s.ranges, '[]'), n.last_seen FROM nodes n LEFT JOIN spaces s ON s.node = n.node;
  DROP TABLE nodes;
  `,
  `
  -- Access control (docs/security.md). Secrets are stored as SHA-256 hashes (tokens, session ids) or
  -- scrypt hashes (passwords), never as they are.
  CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
  );
  CREATE TABLE sessions (
    id_hash    TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL,
    address    TEXT
  ) WITHOUT ROWID;
  CREATE INDEX sessions_user ON sessions(user_id);
  CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    name       TEXT,
    role       TEXT NOT NULL,
    hash       TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
  );
  -- A node's credential and the beds it may report for (JSON array); node is the hello's node id it
  -- is bound to, or NULL for any.
  CREATE TABLE node_credentials (
    id         INTEGER PRIMARY KEY,
    node       TEXT,
    beds       TEXT NOT NULL,
    hash       TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
  );
  CREATE TABLE auth_secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) WITHOUT ROWID;
  -- Append-only, hash-chained: hash = SHA-256(prev_hash || canonical row); see gateway/auth/audit-log.ts.
  CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    target    TEXT,
    detail    TEXT NOT NULL,
    address   TEXT,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
  );
  CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
  CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
  `,
  `
  -- Mean arterial pressure from NIBP cuffs (core/parameters.ts "map").
  ALTER TABLE readings ADD COLUMN map REAL;
  `,
  `
  -- The alarm engine's state per bed (BedSnapshot as JSON: listed alarms with acknowledgements, latches
  -- and escalation times, audio pause, limits, heartbeat, whether a node was connected), written in the
  -- same transaction as the readings and alarm events that changed it; restored at start.
  CREATE TABLE alarm_state (
    bed        TEXT PRIMARY KEY,
    state      TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  -- Gateway-wide values: alive_at (last sign of life, every second), alarm_ward (id counter, notices).
  CREATE TABLE gateway_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
  `
  -- A patient's stay (docs/alarms.md, "The patient's stay"): admitted to a bed, moved between beds,
  -- on standby, discharged. Data stays where it is (readings, alarm_events, limits_audit, observations
  -- keep their bed and time); stay_segments say which bed the patient was in when, so the history
  -- follows the patient. stay_events records every action with its user (stay NULL: a bed removed
  -- with nobody admitted).
  CREATE TABLE stays (
    id            INTEGER PRIMARY KEY,
    patient       TEXT NOT NULL,
    name          TEXT,
    mrn           TEXT,
    dob           TEXT,
    profile       TEXT,
    bed           TEXT,
    state         TEXT NOT NULL,
    standby_since INTEGER,
    admitted_at   INTEGER NOT NULL,
    admitted_by   TEXT NOT NULL,
    discharged_at INTEGER,
    discharged_by TEXT
  );
  CREATE UNIQUE INDEX stays_open_bed ON stays(bed) WHERE state != 'discharged';
  CREATE INDEX stays_patient ON stays(patient);
  CREATE TABLE stay_segments (
    stay    INTEGER NOT NULL REFERENCES stays(id),
    bed     TEXT NOT NULL,
    from_at INTEGER NOT NULL,
    to_at   INTEGER
  );
  CREATE INDEX stay_segments_stay ON stay_segments(stay);
  CREATE TABLE stay_events (
    id     INTEGER PRIMARY KEY,
    stay   INTEGER REFERENCES stays(id),
    at     INTEGER NOT NULL,
    user   TEXT NOT NULL,
    action TEXT NOT NULL,
    bed    TEXT,
    detail TEXT
  );
  CREATE INDEX stay_events_stay ON stay_events(stay, at);
  `,
];
