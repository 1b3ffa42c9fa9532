import type Database from "better-sqlite3";

/**
 * The interop tables version themselves (like the notification outbox): PRAGMA user_version belongs to
 * the gateway's store, whose MIGRATIONS list other branches append to; a second list in the same file
 * keeps both able to migrate one database independently.
 */
const MIGRATIONS: readonly string[] = [
  `
  -- One row per message for a hospital system (HL7 v2 over MLLP, FHIR transaction Bundles), written
  -- before any connection is tried. Delivered in id order per (channel, order_key).
  CREATE TABLE interop_outbox (
    id              INTEGER PRIMARY KEY,
    channel         TEXT    NOT NULL,
    order_key       TEXT    NOT NULL,
    kind            TEXT    NOT NULL,
    -- MSH-10 (or Bundle id): fixed when the row is written, the same on every retry.
    control_id      TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    -- pending | delivered | dead
    status          TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    -- The receiver's answer to the last attempt (ACK text, OperationOutcome JSON).
    response        TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
  );
  CREATE INDEX interop_outbox_head ON interop_outbox(channel, order_key, status, id);
  CREATE INDEX interop_outbox_due ON interop_outbox(status, channel, next_attempt_at);
  -- How far each channel has read the readings table (written in the enqueueing transaction).
  CREATE TABLE interop_cursors (
    channel TEXT PRIMARY KEY,
    last_id INTEGER NOT NULL
  );
  CREATE TABLE interop_identity (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  -- The MDC event an alarm was raised as (MDC_EVT_HI/LO…), for its later PCD-04 updates.
  CREATE TABLE hl7_alarm_codes (
    alarm_id   TEXT PRIMARY KEY,
    event      TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  -- FHIR searches by patient walk the readings table in id order.
  CREATE INDEX IF NOT EXISTS interop_readings_patient ON readings(patient, id);
  `,
];

export type OutboxStatus = "pending" | "delivered" | "dead";

export interface OutboxRow {
  id: number;
  channel: string;
  orderKey: string;
  kind: string;
  controlId: string;
  payload: string;
  attempts: number;
  createdAt: number;
}

export interface InteropDeadLetter {
  id: number;
  channel: string;
  kind: string;
  controlId: string;
  attempts: number;
  lastError: string | null;
  response: string | null;
  createdAt: number;
  updatedAt: number;
}

interface RawRow {
  id: number;
  channel: string;
  order_key: string;
  kind: string;
  control_id: string;
  payload: string;
  attempts: number;
  created_at: number;
}

const toRow = (r: RawRow): OutboxRow => ({
  id: r.id,
  channel: r.channel,
  orderKey: r.order_key,
  kind: r.kind,
  controlId: r.control_id,
  payload: r.payload,
  attempts: r.attempts,
  createdAt: r.created_at,
});

/** Durable outbox, cursors and identity of the gateway's hospital interfaces. */
export class InteropOutbox {
  private readonly insert: Database.Statement;
  private readonly setPayload: Database.Statement;
  private readonly head: Database.Statement<[string, number], RawRow>;

  constructor(readonly db: Database.Database) {
    this.migrate();
    this.insert = db.prepare(
      `INSERT INTO interop_outbox (channel, order_key, kind, control_id, payload, status, next_attempt_at, created_at, updated_at)
       VALUES (?, ?, ?, '', '', 'pending', ?, ?, ?)`,
    );
    this.setPayload = db.prepare("UPDATE interop_outbox SET control_id = ?, payload = ? WHERE id = ?");
    // The oldest due row whose order key has nothing older still pending: order per patient holds
    // while a retried message of one patient does not hold up the others.
    this.head = db.prepare(
      `SELECT o.id, o.channel, o.order_key, o.kind, o.control_id, o.payload, o.attempts, o.created_at
       FROM interop_outbox o
       WHERE o.channel = ? AND o.status = 'pending' AND o.next_attempt_at <= ?
         AND NOT EXISTS (SELECT 1 FROM interop_outbox p WHERE p.channel = o.channel AND p.order_key = o.order_key
                         AND p.status = 'pending' AND p.id < o.id)
       ORDER BY o.id LIMIT 1`,
    );
  }

  private migrate(): void {
    this.db.exec("CREATE TABLE IF NOT EXISTS interop_schema (version INTEGER NOT NULL)");
    const row = this.db.prepare("SELECT version FROM interop_schema").get() as
      | { version: number }
      | undefined;
    if (!row) this.db.prepare("INSERT INTO interop_schema (version) VALUES (0)").run();
    for (let v = row?.version ?? 0; v < MIGRATIONS.length; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v] as string);
        this.db.prepare("UPDATE interop_schema SET version = ?").run(v + 1);
      })();
    }
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /**
   * Writes one message. `build` receives the control id (`prefix` + row id: unique in this database,
   * stable across retries) and returns the payload that carries it.
   */
  enqueue(
    channel: string,
    orderKey: string,
    kind: string,
    prefix: string,
    build: (controlId: string) => string,
    now: number,
  ): number {
    const id = Number(this.insert.run(channel, orderKey, kind, now, now, now).lastInsertRowid);
    const controlId = `${prefix}${id}`;
    this.setPayload.run(controlId, build(controlId), id);
    return id;
  }

  nextDue(channel: string, now: number): OutboxRow | undefined {
    const r = this.head.get(channel, now);
    return r ? toRow(r) : undefined;
  }

  nextWakeAt(channel: string): number | undefined {
    const r = this.db
      .prepare(
        "SELECT min(next_attempt_at) AS t FROM interop_outbox WHERE status = 'pending' AND channel = ?",
      )
      .get(channel) as { t: number | null };
    return r.t ?? undefined;
  }

  markDelivered(id: number, attempts: number, response: string | undefined, now: number): void {
    this.db
      .prepare(
        `UPDATE interop_outbox SET status = 'delivered', attempts = ?, response = ?, last_error = NULL,
         updated_at = ? WHERE id = ?`,
      )
      .run(attempts, response ?? null, now, id);
  }

  markRetry(
    id: number,
    attempts: number,
    nextAt: number,
    error: string,
    response: string | undefined,
    now: number,
  ) {
    this.db
      .prepare(
        `UPDATE interop_outbox SET attempts = ?, next_attempt_at = ?, last_error = ?, response = ?, updated_at = ?
         WHERE id = ?`,
      )
      .run(attempts, nextAt, error, response ?? null, now, id);
  }

  markDead(id: number, attempts: number, error: string, response: string | undefined, now: number): void {
    this.db
      .prepare(
        `UPDATE interop_outbox SET status = 'dead', attempts = ?, last_error = ?, response = ?, updated_at = ?
         WHERE id = ?`,
      )
      .run(attempts, error, response ?? null, now, id);
  }

  /** Records why the channel could not be reached, without spending one of the row's attempts. */
  noteUnreachable(id: number, error: string, now: number): void {
    this.db
      .prepare("UPDATE interop_outbox SET last_error = ?, updated_at = ? WHERE id = ?")
      .run(error, now, id);
  }

  /** Puts a dead letter back in the queue (someone fixed the receiver or the mapping). */
  requeue(id: number, now: number): boolean {
    return (
      this.db
        .prepare(
          `UPDATE interop_outbox SET status = 'pending', attempts = 0, next_attempt_at = ?, updated_at = ?
           WHERE id = ? AND status = 'dead'`,
        )
        .run(now, now, id).changes === 1
    );
  }

  deadLetters(limit: number): InteropDeadLetter[] {
    const rows = this.db
      .prepare(
        `SELECT id, channel, kind, control_id, attempts, last_error, response, created_at, updated_at
         FROM interop_outbox WHERE status = 'dead' ORDER BY updated_at DESC, id DESC LIMIT ?`,
      )
      .all(limit) as {
      id: number;
      channel: string;
      kind: string;
      control_id: string;
      attempts: number;
      last_error: string | null;
      response: string | null;
      created_at: number;
      updated_at: number;
    }[];
    return rows.map((r) => ({
      id: r.id,
      channel: r.channel,
      kind: r.kind,
      controlId: r.control_id,
      attempts: r.attempts,
      lastError: r.last_error,
      response: r.response,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }));
  }

  counts(): { channel: string; status: OutboxStatus; n: number }[] {
    return this.db
      .prepare("SELECT channel, status, count(*) AS n FROM interop_outbox GROUP BY channel, status")
      .all() as { channel: string; status: OutboxStatus; n: number }[];
  }

  cursor(channel: string): number | undefined {
    const r = this.db.prepare("SELECT last_id FROM interop_cursors WHERE channel = ?").get(channel) as
      | { last_id: number }
      | undefined;
    return r?.last_id;
  }

  setCursor(channel: string, lastId: number): void {
    this.db
      .prepare(
        `INSERT INTO interop_cursors (channel, last_id) VALUES (?, ?)
         ON CONFLICT(channel) DO UPDATE SET last_id = excluded.last_id`,
      )
      .run(channel, lastId);
  }

  /** A value generated once per database (the gateway's identity), e.g. its EUI-64. */
  identity(key: string, generate: () => string): string {
    const r = this.db.prepare("SELECT value FROM interop_identity WHERE key = ?").get(key) as
      | { value: string }
      | undefined;
    if (r) return r.value;
    const value = generate();
    this.db.prepare("INSERT INTO interop_identity (key, value) VALUES (?, ?)").run(key, value);
    return value;
  }

  /** Forgets delivered rows older than `before`. */
  prune(before: number): number {
    return this.db
      .prepare("DELETE FROM interop_outbox WHERE status = 'delivered' AND updated_at < ?")
      .run(before).changes;
  }
}
