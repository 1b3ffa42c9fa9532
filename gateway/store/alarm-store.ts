import type Database from "better-sqlite3";
import type { AlarmEventView, AlarmRecordView, LimitsAuditView } from "../../core/api-types.js";
import type { BedSnapshot } from "../alarms/bed-snapshot.js";
import type { News2Manual } from "../alarms/news2.js";
import type { AlarmEvent } from "../alarms/types.js";

interface EventRow {
  id: number;
  at: number;
  type: string;
  bed: string;
  patient: string | null;
  alarm_id: string | null;
  kind: string | null;
  parameter: string | null;
  priority: string | null;
  value: number | null;
  user: string | null;
  reason: string | null;
  extra: string | null;
}

export function eventView(e: AlarmEvent): AlarmEventView {
  const base = { type: e.type, at: e.at, bed: e.bed, patient: e.patient } as AlarmEventView;
  if (e.type === "notice")
    return { ...base, alarm_id: e.noticeId, kind: e.notice, reason: e.action, text: e.text, user: e.user };
  if ("alarmId" in e) Object.assign(base, { alarm_id: e.alarmId, kind: e.kind });
  if ("parameter" in e) base.parameter = e.parameter;
  if ("priority" in e) base.priority = e.priority;
  if ("value" in e) base.value = e.value;
  if ("user" in e) base.user = e.user;
  if ("reason" in e) base.reason = e.reason;
  if (e.type === "paused") base.until = e.until;
  if (e.type === "escalated") base.unacknowledged_ms = e.unacknowledgedMs;
  if (e.type === "raised" && e.from) base.from = e.from;
  if ("group" in e && e.group !== undefined) base.group = e.group;
  return base;
}

/**
 * The alarm log, the limits audit trail and clinicians' observations, in the gateway's SQLite file.
 * An alarm event that cannot be written (a full disk) is kept in memory, in order, up to
 * `maxUnwritten` (then the oldest go, counted in `dropped`), and written before the next one or on
 * retry() once storage works again: alarm events are what a disk-full must not lose.
 */
export class AlarmStore {
  private readonly insertEvent: Database.Statement;
  private readonly insertAudit: Database.Statement;
  private readonly insertObservation: Database.Statement;
  private readonly upsertState: Database.Statement;
  private readonly deleteState: Database.Statement;
  private readonly upsertMeta: Database.Statement;
  /** Runs `fn` in one transaction (nested in the caller's, if any). */
  readonly transaction: (fn: () => void) => void;
  private readonly writeAll: (events: readonly AlarmEvent[]) => void;
  private unwrittenEvents: AlarmEvent[] = [];
  /** Unwritten events lost because more than maxUnwritten were waiting. */
  dropped = 0;
  /** Called when events start or stop waiting (the storage health watches it). */
  onBacklogChange: ((waiting: number, error: Error | undefined) => void) | undefined;

  constructor(
    private readonly db: Database.Database,
    private readonly maxUnwritten = 10_000,
  ) {
    this.insertEvent = db.prepare(
      `INSERT INTO alarm_events (at, type, bed, patient, alarm_id, kind, parameter, priority, value, user, reason, extra)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertAudit = db.prepare(
      `INSERT INTO limits_audit (at, bed, patient, user, parameter, field, old_value, new_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertObservation = db.prepare(
      "INSERT INTO observations (at, bed, patient, user, data) VALUES (?, ?, ?, ?, ?)",
    );
    this.upsertState = db.prepare(
      `INSERT INTO alarm_state (bed, state, updated_at) VALUES (?, ?, ?)
       ON CONFLICT(bed) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
    );
    this.deleteState = db.prepare("DELETE FROM alarm_state WHERE bed = ?");
    this.upsertMeta = db.prepare(
      "INSERT INTO gateway_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    );
    const tx = db.transaction((fn: () => void) => fn());
    this.transaction = (fn) => tx(fn);
    this.writeAll = db.transaction((events: readonly AlarmEvent[]) => {
      for (const e of events) this.write(e);
    });
  }

  /** A bed's alarm state; undefined deletes it (the engine forgot the bed). */
  saveState(bed: string, state: BedSnapshot | undefined, at: number): void {
    if (state === undefined) this.deleteState.run(bed);
    else this.upsertState.run(bed, JSON.stringify(state), at);
  }

  states(): BedSnapshot[] {
    return (this.db.prepare("SELECT state FROM alarm_state").all() as { state: string }[]).map(
      (r) => JSON.parse(r.state) as BedSnapshot,
    );
  }

  saveMeta(key: string, value: unknown): void {
    this.upsertMeta.run(key, JSON.stringify(value));
  }

  meta<T>(key: string): T | undefined {
    const row = this.db.prepare("SELECT value FROM gateway_meta WHERE key = ?").get(key) as
      | { value: string }
      | undefined;
    return row === undefined ? undefined : (JSON.parse(row.value) as T);
  }

  /** Alarm events waiting to be written. */
  get unwritten(): number {
    return this.unwrittenEvents.length;
  }

  /** Logs an event; never throws: what cannot be written now is kept and written later. */
  record(e: AlarmEvent): void {
    if (this.unwrittenEvents.length === 0) {
      try {
        this.write(e);
        return;
      } catch (err) {
        this.keep(e, err as Error);
        return;
      }
    }
    this.keep(e, undefined);
    this.retry();
  }

  /** Writes the waiting events, oldest first, in one transaction. Returns whether none is left. */
  retry(): boolean {
    if (this.unwrittenEvents.length === 0) return true;
    try {
      this.writeAll(this.unwrittenEvents);
    } catch (err) {
      this.onBacklogChange?.(this.unwrittenEvents.length, err as Error);
      return false;
    }
    this.unwrittenEvents = [];
    this.onBacklogChange?.(0, undefined);
    return true;
  }

  private keep(e: AlarmEvent, error: Error | undefined): void {
    this.unwrittenEvents.push(e);
    if (this.unwrittenEvents.length > this.maxUnwritten) {
      this.unwrittenEvents.shift();
      this.dropped++;
    }
    if (error) this.onBacklogChange?.(this.unwrittenEvents.length, error);
  }

  private write(e: AlarmEvent): void {
    if (e.type === "limits_changed") {
      this.insertAudit.run(e.at, e.bed, e.patient, e.user, e.parameter, e.field, str(e.from), str(e.to));
      return;
    }
    const v = eventView(e);
    const extra: Record<string, unknown> = {};
    if (v.until !== undefined) extra.until = v.until;
    if (v.unacknowledged_ms !== undefined) extra.unacknowledged_ms = v.unacknowledged_ms;
    if (v.from !== undefined) extra.from = v.from;
    if (v.text !== undefined) extra.text = v.text;
    if (v.group !== undefined) extra.group = v.group;
    this.insertEvent.run(
      v.at,
      v.type,
      v.bed,
      v.patient,
      v.alarm_id ?? null,
      v.kind ?? null,
      v.parameter ?? null,
      v.priority ?? null,
      v.value ?? null,
      v.user ?? null,
      v.reason ?? null,
      Object.keys(extra).length ? JSON.stringify(extra) : null,
    );
  }

  events(q: { bed?: string | undefined; limit: number }): AlarmEventView[] {
    const rows = (
      q.bed === undefined
        ? this.db.prepare("SELECT * FROM alarm_events ORDER BY id DESC LIMIT ?").all(q.limit)
        : this.db
            .prepare("SELECT * FROM alarm_events WHERE bed = ? ORDER BY id DESC LIMIT ?")
            .all(q.bed, q.limit)
    ) as EventRow[];
    return rows.map((r) => {
      const v: AlarmEventView = {
        type: r.type as AlarmEventView["type"],
        at: r.at,
        bed: r.bed,
        patient: r.patient,
      };
      if (r.alarm_id !== null) v.alarm_id = r.alarm_id;
      if (r.kind !== null) v.kind = r.kind;
      v.parameter = r.parameter;
      v.priority = r.priority as AlarmEventView["priority"];
      v.value = r.value;
      if (r.user !== null) v.user = r.user;
      if (r.reason !== null) v.reason = r.reason;
      if (r.extra) Object.assign(v, JSON.parse(r.extra));
      return v;
    });
  }

  /** Alarm history: one record per alarm, folded from its events (newest alarms first). */
  history(q: { bed?: string | undefined; limit: number }): AlarmRecordView[] {
    const byId = new Map<string, AlarmRecordView>();
    for (const e of this.events({ bed: q.bed, limit: q.limit * 8 }).reverse()) {
      if (!e.alarm_id) continue;
      let r = byId.get(e.alarm_id);
      if (!r) {
        if (e.type !== "raised") continue;
        r = {
          id: e.alarm_id,
          bed: e.bed,
          patient: e.patient,
          kind: e.kind ?? "",
          parameter: e.parameter ?? null,
          priority: e.priority ?? "low",
          value: e.value ?? null,
          raised_at: e.at,
          acknowledged_by: null,
          acknowledged_at: null,
          escalated_at: null,
          cleared_at: null,
          cleared_reason: null,
        };
        byId.set(e.alarm_id, r);
      }
      if (e.type === "raised" && e.priority) r.priority = e.priority;
      if (e.type === "acknowledged")
        Object.assign(r, { acknowledged_by: e.user ?? null, acknowledged_at: e.at });
      if (e.type === "escalated") r.escalated_at = e.at;
      if (e.type === "cleared") Object.assign(r, { cleared_at: e.at, cleared_reason: e.reason ?? null });
    }
    return [...byId.values()].reverse().slice(0, q.limit);
  }

  audit(bed: string, limit = 200): LimitsAuditView[] {
    return this.db
      .prepare(
        "SELECT at, bed, patient, user, parameter, field, old_value AS 'from', new_value AS 'to' FROM limits_audit WHERE bed = ? ORDER BY id DESC LIMIT ?",
      )
      .all(bed, limit) as LimitsAuditView[];
  }

  saveObservation(at: number, bed: string, patient: string | null, user: string, data: News2Manual): void {
    this.insertObservation.run(at, bed, patient, user, JSON.stringify(data));
  }

  /** The latest observation entry of every bed, to restore manual NEWS2 inputs after a restart. */
  latestObservations(): Map<string, News2Manual> {
    const rows = this.db
      .prepare(
        "SELECT bed, data FROM observations WHERE id IN (SELECT max(id) FROM observations GROUP BY bed)",
      )
      .all() as { bed: string; data: string }[];
    return new Map(rows.map((r) => [r.bed, JSON.parse(r.data) as News2Manual]));
  }
}

function str(v: number | string | null): string | null {
  return v === null ? null : String(v);
}
