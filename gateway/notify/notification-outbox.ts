import type Database from "better-sqlite3";
import type { NotificationMessage } from "./message.js";
import { type NotificationEvent, patientKey, priorityRank, rateLimitKey } from "./notification-event.js";

/**
 * The notify tables have their own version row: PRAGMA user_version belongs to the gateway's store, and
 * both must be able to migrate the same database file independently.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE notify_events (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL,
    rank        INTEGER NOT NULL,
    ward        TEXT,
    patient_key TEXT    NOT NULL,
    limit_key   TEXT    NOT NULL,
    event       TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    -- sent | suppressed (rate limit) | digest_pending | digested
    state       TEXT    NOT NULL
  );
  CREATE INDEX notify_events_limit ON notify_events(limit_key, created_at);
  CREATE INDEX notify_events_ward ON notify_events(ward, created_at);
  CREATE INDEX notify_events_state ON notify_events(state);
  CREATE TABLE notify_deliveries (
    id              INTEGER PRIMARY KEY,
    event_id        INTEGER REFERENCES notify_events(id),
    channel         TEXT    NOT NULL,
    recipient       TEXT    NOT NULL,
    rank            INTEGER NOT NULL,
    message         TEXT    NOT NULL,
    -- pending | delivered | dead
    status          TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    provider_id     TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
  );
  CREATE INDEX notify_deliveries_due ON notify_deliveries(status, channel, next_attempt_at);
  `,
];

export type EventState = "sent" | "suppressed" | "digest_pending" | "digested";
export type DeliveryStatus = "pending" | "delivered" | "dead";

export interface DeliveryRow {
  id: number;
  channel: string;
  recipient: string;
  message: NotificationMessage;
  attempts: number;
  createdAt: number;
}

export interface DeadLetter {
  id: number;
  channel: string;
  recipient: string;
  title: string;
  attempts: number;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
}

interface RawDelivery {
  id: number;
  channel: string;
  recipient: string;
  message: string;
  attempts: number;
  created_at: number;
}

/** The durable outbox: every notification is a row before any provider sees it. */
export class NotificationOutbox {
  constructor(private readonly db: Database.Database) {
    this.migrate();
  }

  private migrate(): void {
    this.db.exec("CREATE TABLE IF NOT EXISTS notify_schema (version INTEGER NOT NULL)");
    const row = this.db.prepare("SELECT version FROM notify_schema").get() as { version: number } | undefined;
    const from = row?.version ?? 0;
    if (!row) this.db.prepare("INSERT INTO notify_schema (version) VALUES (0)").run();
    for (let v = from; v < MIGRATIONS.length; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v] as string);
        this.db.prepare("UPDATE notify_schema SET version = ?").run(v + 1);
      })();
    }
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  recordEvent(e: NotificationEvent, state: EventState, now: number): number {
    const r = this.db
      .prepare(
        `INSERT INTO notify_events (kind, rank, ward, patient_key, limit_key, event, created_at, state)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        e.kind,
        priorityRank(e.priority),
        e.ward,
        patientKey(e),
        rateLimitKey(e),
        JSON.stringify(e),
        now,
        state,
      );
    return Number(r.lastInsertRowid);
  }

  /** What was already notified under this rate-limit key since `since` (suppressed events do not count). */
  recentForLimitKey(key: string, since: number): { maxRank: number; escalated: boolean } | undefined {
    const r = this.db
      .prepare(
        `SELECT max(rank) AS maxRank, max(kind = 'escalation') AS escalated, count(*) AS n FROM notify_events
         WHERE limit_key = ? AND created_at > ? AND state != 'suppressed' AND kind != 'test'`,
      )
      .get(key, since) as { maxRank: number | null; escalated: number | null; n: number };
    return r.n === 0 ? undefined : { maxRank: r.maxRank ?? -1, escalated: r.escalated === 1 };
  }

  /** Other patients of a ward that alarmed since `since`. */
  otherPatientsAlarming(ward: string | null, since: number, exceptKey: string): number {
    const r = this.db
      .prepare(
        `SELECT count(DISTINCT patient_key) AS n FROM notify_events
         WHERE ward IS ? AND created_at > ? AND state != 'suppressed' AND kind != 'test' AND patient_key != ?`,
      )
      .get(ward, since, exceptKey) as { n: number };
    return r.n;
  }

  /** Wards with a digest collecting, and when it started collecting. */
  pendingDigests(): { ward: string | null; since: number }[] {
    return this.db
      .prepare(
        "SELECT ward, min(created_at) AS since FROM notify_events WHERE state = 'digest_pending' GROUP BY ward",
      )
      .all() as { ward: string | null; since: number }[];
  }

  /** Takes a ward's collected events out of the digest (marks them digested). */
  takeDigest(ward: string | null): NotificationEvent[] {
    const rows = this.db
      .prepare("SELECT id, event FROM notify_events WHERE state = 'digest_pending' AND ward IS ? ORDER BY id")
      .all(ward) as { id: number; event: string }[];
    const mark = this.db.prepare("UPDATE notify_events SET state = 'digested' WHERE id = ?");
    for (const r of rows) mark.run(r.id);
    return rows.map((r) => JSON.parse(r.event) as NotificationEvent);
  }

  addDelivery(
    eventId: number | null,
    channel: string,
    recipient: string,
    m: NotificationMessage,
    now: number,
  ) {
    this.db
      .prepare(
        `INSERT INTO notify_deliveries (event_id, channel, recipient, rank, message, status, next_attempt_at,
         created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?)`,
      )
      .run(eventId, channel, recipient, priorityRank(m.priority), JSON.stringify(m), now, now, now);
  }

  /** The most urgent due delivery of a channel. */
  nextDue(channel: string, now: number): DeliveryRow | undefined {
    const r = this.db
      .prepare(
        `SELECT id, channel, recipient, message, attempts, created_at FROM notify_deliveries
         WHERE status = 'pending' AND channel = ? AND next_attempt_at <= ?
         ORDER BY rank DESC, next_attempt_at, id LIMIT 1`,
      )
      .get(channel, now) as RawDelivery | undefined;
    return r ? toRow(r) : undefined;
  }

  nextWakeAt(channel: string): number | undefined {
    const r = this.db
      .prepare(
        "SELECT min(next_attempt_at) AS t FROM notify_deliveries WHERE status = 'pending' AND channel = ?",
      )
      .get(channel) as { t: number | null };
    return r.t ?? undefined;
  }

  markDelivered(id: number, attempts: number, providerId: string | undefined, now: number): void {
    this.db
      .prepare(
        `UPDATE notify_deliveries SET status = 'delivered', attempts = ?, provider_id = ?, last_error = NULL,
         updated_at = ? WHERE id = ?`,
      )
      .run(attempts, providerId ?? null, now, id);
  }

  markRetry(id: number, attempts: number, nextAt: number, error: string, now: number): void {
    this.db
      .prepare(
        "UPDATE notify_deliveries SET attempts = ?, next_attempt_at = ?, last_error = ?, updated_at = ? WHERE id = ?",
      )
      .run(attempts, nextAt, error, now, id);
  }

  markDead(id: number, attempts: number, error: string, now: number): void {
    this.db
      .prepare(
        "UPDATE notify_deliveries SET status = 'dead', attempts = ?, last_error = ?, updated_at = ? WHERE id = ?",
      )
      .run(attempts, error, now, id);
  }

  /** Puts a dead letter back in the queue (an operator fixed the configuration). */
  requeue(id: number, now: number): boolean {
    const r = this.db
      .prepare(
        `UPDATE notify_deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?, updated_at = ?
         WHERE id = ? AND status = 'dead'`,
      )
      .run(now, now, id);
    return r.changes === 1;
  }

  deadLetters(limit: number): DeadLetter[] {
    const rows = this.db
      .prepare(
        `SELECT id, channel, recipient, message, attempts, last_error, created_at, updated_at FROM notify_deliveries
         WHERE status = 'dead' ORDER BY updated_at DESC, id DESC LIMIT ?`,
      )
      .all(limit) as (RawDelivery & { last_error: string | null; updated_at: number })[];
    return rows.map((r) => ({
      id: r.id,
      channel: r.channel,
      recipient: r.recipient,
      title: (JSON.parse(r.message) as NotificationMessage).title,
      attempts: r.attempts,
      lastError: r.last_error,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }));
  }

  countsByChannel(): { channel: string; status: DeliveryStatus; n: number }[] {
    return this.db
      .prepare("SELECT channel, status, count(*) AS n FROM notify_deliveries GROUP BY channel, status")
      .all() as { channel: string; status: DeliveryStatus; n: number }[];
  }

  oldestPendingAt(): number | undefined {
    const r = this.db
      .prepare("SELECT min(created_at) AS t FROM notify_deliveries WHERE status = 'pending'")
      .get() as { t: number | null };
    return r.t ?? undefined;
  }

  /** Forgets finished work older than `before` (delivered deliveries, events no longer needed). */
  prune(before: number): number {
    return this.transaction(() => {
      const d = this.db
        .prepare("DELETE FROM notify_deliveries WHERE status = 'delivered' AND updated_at < ?")
        .run(before).changes;
      const e = this.db
        .prepare(
          `DELETE FROM notify_events WHERE created_at < ? AND state != 'digest_pending'
           AND id NOT IN (SELECT event_id FROM notify_deliveries WHERE event_id IS NOT NULL)`,
        )
        .run(before).changes;
      return d + e;
    });
  }
}

function toRow(r: RawDelivery): DeliveryRow {
  return {
    id: r.id,
    channel: r.channel,
    recipient: r.recipient,
    message: JSON.parse(r.message) as NotificationMessage,
    attempts: r.attempts,
    createdAt: r.created_at,
  };
}
