import type { AlarmConfig } from "./alarm-config.js";
import {
  AlarmRecord,
  type AlarmRecordSnapshot,
  alarmKey,
  dueEscalations,
  nextEscalationAt,
} from "./alarm-record.js";
import type { PhysiologicalSink } from "./parameter-monitor.js";
import {
  type AlarmKind,
  type AlarmParameter,
  type AlarmSubject,
  type AlarmView,
  type ClearReason,
  type EmitAlarmEvent,
  PRIORITY_RANK,
  type Priority,
} from "./types.js";

/**
 * The alarm records of one bed and their state machine:
 *
 *   (condition qualifies) ──raise──▶ active ──acknowledge──▶ acknowledged ──condition ends──▶ cleared
 *                                      │ condition ends: non-latching ─────────────────────▶ cleared
 *                                      └ condition ends: latching (high) ─▶ active+latched ─acknowledge─▶ cleared
 *
 * At most one record per (kind, subject): a new condition or a higher priority updates the existing one.
 * Audio pause and escalation live here too because both are about un-acknowledged records.
 */
export class BedAlarms implements PhysiologicalSink {
  readonly records = new Map<string, AlarmRecord>();
  pausedUntil: number | null = null;

  constructor(
    readonly bed: string,
    public patient: string | null,
    private readonly config: AlarmConfig,
    private readonly emit: EmitAlarmEvent,
    private readonly nextId: () => string,
    /** The bed's profile decides which priorities latch. */
    private readonly latching: () => readonly Priority[] = () => config.latching,
  ) {}

  // ---- PhysiologicalSink ---------------------------------------------------------------------------

  raise(
    parameter: AlarmParameter,
    priority: Priority,
    value: number,
    since: number,
    at: number,
    limit: number,
  ): void {
    this.raiseAlarm("physiological", parameter, priority, value, since, at, limit);
  }

  update(parameter: AlarmParameter, value: number): void {
    const record = this.records.get(alarmKey("physiological", parameter));
    if (record !== undefined) record.value = value;
  }

  resolve(parameter: AlarmParameter, value: number | null, at: number): void {
    this.resolveAlarm("physiological", parameter, value, at);
  }

  // ---- records ---------------------------------------------------------------------------------------

  raiseAlarm(
    kind: AlarmKind,
    parameter: AlarmSubject,
    priority: Priority,
    value: number | null,
    since: number,
    at: number,
    limit?: number,
    group?: string,
  ): void {
    const key = alarmKey(kind, parameter);
    const existing = this.records.get(key);
    if (existing !== undefined) {
      // The condition is back (or worse) while the old alarm is still listed: same alarm, not a second one.
      existing.value = value;
      existing.latched = false;
      if (PRIORITY_RANK[priority] <= PRIORITY_RANK[existing.priority]) return;
      const from = existing.priority;
      existing.upgrade(priority, at, this.config.escalationMs[priority]);
      if (limit !== undefined) existing.limit = limit;
      if (group !== undefined) existing.group = group;
      this.emit({
        type: "raised",
        ...this.base(existing, at),
        since: existing.since,
        from,
        ...limitField(limit),
      });
      this.breakThroughPause(existing, at);
      return;
    }
    const record = new AlarmRecord(
      this.nextId(),
      key,
      this.bed,
      this.patient,
      kind,
      parameter,
      priority,
      value,
      since,
      at,
      this.config.escalationMs[priority],
    );
    if (limit !== undefined) record.limit = limit;
    if (group !== undefined) record.group = group;
    this.records.set(key, record);
    this.emit({ type: "raised", ...this.base(record, at), since, ...limitField(limit) });
    this.breakThroughPause(record, at);
  }

  /** `latch: false` clears even a latching priority (a station condition that has ended). */
  resolveAlarm(
    kind: AlarmKind,
    parameter: AlarmSubject,
    value: number | null,
    at: number,
    latch = true,
  ): void {
    const record = this.records.get(alarmKey(kind, parameter));
    if (record === undefined) return;
    if (value !== null) record.value = value;
    if (latch && record.state === "active" && this.latching().includes(record.priority)) {
      record.latched = true;
      return;
    }
    this.records.delete(record.key);
    this.emit({ type: "cleared", ...this.base(record, at), reason: "resolved", user: null });
  }

  has(kind: AlarmKind, parameter: AlarmSubject): boolean {
    return this.records.has(alarmKey(kind, parameter));
  }

  /** Returns false when no such alarm is listed (already cleared, or never existed). */
  acknowledge(alarmId: string, user: string, at: number): boolean {
    for (const record of this.records.values()) {
      if (record.id !== alarmId) continue;
      if (record.state === "acknowledged") return true;
      record.acknowledge(user, at);
      this.emit({ type: "acknowledged", ...this.base(record, at), user });
      if (record.latched) {
        this.records.delete(record.key);
        this.emit({ type: "cleared", ...this.base(record, at), reason: "acknowledged", user });
      }
      return true;
    }
    return false;
  }

  /** Clears everything (discharge, standby, transfer, reset); the audit trail keeps who did it and why. */
  reset(user: string, at: number, reason: ClearReason = "reset"): void {
    for (const record of this.sorted()) {
      this.records.delete(record.key);
      this.emit({ type: "cleared", ...this.base(record, at), reason, user });
    }
    this.pausedUntil = null;
  }

  /** Finds a listed record by id. */
  byId(alarmId: string): AlarmRecord | undefined {
    for (const record of this.records.values()) if (record.id === alarmId) return record;
    return undefined;
  }

  snapshot(): { pausedUntil: number | null; records: AlarmRecordSnapshot[] } {
    return { pausedUntil: this.pausedUntil, records: this.sorted().map((r) => r.snapshot()) };
  }

  restore(s: { pausedUntil: number | null; records: readonly AlarmRecordSnapshot[] }): void {
    this.pausedUntil = s.pausedUntil;
    this.records.clear();
    for (const r of s.records) {
      const record = AlarmRecord.restore(this.bed, r);
      this.records.set(record.key, record);
    }
  }

  isLatched(kind: AlarmKind, parameter: AlarmSubject): boolean {
    return this.records.get(alarmKey(kind, parameter))?.latched === true;
  }

  // ---- audio pause and escalation ---------------------------------------------------------------------

  pause(user: string, at: number, durationMs: number): void {
    const sounding = this.highestUnacknowledged();
    this.pausedUntil = at + durationMs;
    this.emit({
      type: "paused",
      ...this.where(at),
      user,
      until: this.pausedUntil,
      parameter: null,
      value: null,
      priority: sounding,
    });
  }

  /** Highest priority that should sound at `now`, or null. */
  audible(now: number): Priority | null {
    if (this.pausedUntil !== null && now < this.pausedUntil) return null;
    return this.highestUnacknowledged();
  }

  /** Ends an expired pause and emits escalations that are due, the most urgent first. */
  advance(now: number): void {
    if (this.pausedUntil !== null && now >= this.pausedUntil) {
      this.pausedUntil = null;
      this.emit({
        type: "pause_ended",
        ...this.where(now),
        reason: "expired",
        parameter: null,
        priority: this.highestUnacknowledged(),
      });
    }
    const due = this.records.size === 0 ? null : dueEscalations(this.records.values(), now);
    if (due === null) return;
    for (const record of due) {
      record.escalated = true;
      this.emit({ type: "escalated", ...this.base(record, now), unacknowledgedMs: now - record.raisedAt });
    }
  }

  nextDueAt(): number {
    return nextEscalationAt(this.records.values(), this.pausedUntil ?? Number.POSITIVE_INFINITY);
  }

  views(): AlarmView[] {
    return this.sorted().map((r) => r.view());
  }

  /** Highest priority first, then oldest first. */
  private sorted(): AlarmRecord[] {
    return [...this.records.values()].sort(
      (a, b) => PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority] || a.raisedAt - b.raisedAt,
    );
  }

  private highestUnacknowledged(): Priority | null {
    let best: Priority | null = null;
    for (const record of this.records.values()) {
      if (record.state !== "active") continue;
      if (best === null || PRIORITY_RANK[record.priority] > PRIORITY_RANK[best]) best = record.priority;
    }
    return best;
  }

  /** IEC 60601-1-8: audio pause must not silence a new high-priority alarm. */
  private breakThroughPause(record: AlarmRecord, at: number): void {
    if (record.priority !== "high" || this.pausedUntil === null || at >= this.pausedUntil) return;
    this.pausedUntil = null;
    const where = this.where(at);
    this.emit({
      type: "pause_ended",
      ...where,
      reason: "high_priority",
      parameter: record.parameter,
      priority: "high",
    });
  }

  private where(at: number) {
    return { at, bed: this.bed, patient: this.patient };
  }

  private base(record: AlarmRecord, at: number) {
    return {
      ...this.where(at),
      alarmId: record.id,
      kind: record.kind,
      parameter: record.parameter,
      priority: record.priority,
      value: record.value,
      ...(record.group === null ? {} : { group: record.group }),
    };
  }
}

function limitField(limit: number | undefined): { limit?: number } {
  return limit === undefined ? {} : { limit };
}
