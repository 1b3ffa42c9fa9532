import {
  ALARM_KINDS,
  ALARM_PARAMETERS,
  type AlarmKind,
  type AlarmState,
  type AlarmSubject,
  type AlarmView,
  PRIORITY_RANK,
  type Priority,
} from "./types.js";

/**
 * One alarm from raise to clear. Mutable on purpose: the bed updates it in place on every reading
 * while its condition lasts, and the hot path must not allocate.
 */
export class AlarmRecord {
  state: AlarmState = "active";
  latched = false;
  acknowledgedBy: string | null = null;
  acknowledgedAt: number | null = null;
  escalated = false;
  /** The limit the value crossed (physiological alarms), null for technical ones. */
  limit: number | null = null;
  /** The ward-level notice this alarm is grouped under (a gateway restart, many nodes lost at once). */
  group: string | null = null;
  /** When to emit "escalated" if still unacknowledged; Infinity when this priority never escalates. */
  escalationDueAt: number;

  constructor(
    readonly id: string,
    readonly key: string,
    readonly bed: string,
    public patient: string | null,
    readonly kind: AlarmKind,
    readonly parameter: AlarmSubject,
    public priority: Priority,
    public value: number | null,
    readonly since: number,
    public raisedAt: number,
    escalationMs: number | null,
  ) {
    this.escalationDueAt = escalationMs === null ? Number.POSITIVE_INFINITY : raisedAt + escalationMs;
  }

  /** A higher priority re-announces the alarm: it must sound again and escalate on the new clock. */
  upgrade(priority: Priority, at: number, escalationMs: number | null): void {
    this.priority = priority;
    this.raisedAt = at;
    this.state = "active";
    this.latched = false;
    this.acknowledgedBy = null;
    this.acknowledgedAt = null;
    this.escalated = false;
    this.escalationDueAt = escalationMs === null ? Number.POSITIVE_INFINITY : at + escalationMs;
  }

  acknowledge(user: string, at: number): void {
    this.state = "acknowledged";
    this.acknowledgedBy = user;
    this.acknowledgedAt = at;
  }

  /** Everything needed to list, acknowledge and escalate it again after a restart (JSON-safe). */
  snapshot(): AlarmRecordSnapshot {
    const { bed: _bed, ...view } = this.view();
    return { ...view, escalationDueAt: Number.isFinite(this.escalationDueAt) ? this.escalationDueAt : null };
  }

  static restore(bed: string, s: AlarmRecordSnapshot): AlarmRecord {
    const r = new AlarmRecord(
      s.id,
      alarmKey(s.kind, s.parameter),
      bed,
      s.patient,
      s.kind,
      s.parameter,
      s.priority,
      s.value,
      s.since,
      s.raisedAt,
      null,
    );
    r.state = s.state;
    r.latched = s.latched;
    r.acknowledgedBy = s.acknowledgedBy;
    r.acknowledgedAt = s.acknowledgedAt;
    r.escalated = s.escalated;
    r.escalationDueAt = s.escalationDueAt ?? Number.POSITIVE_INFINITY;
    r.limit = s.limit;
    r.group = s.group;
    return r;
  }

  view(): AlarmView {
    return {
      id: this.id,
      bed: this.bed,
      patient: this.patient,
      kind: this.kind,
      parameter: this.parameter,
      priority: this.priority,
      state: this.state,
      latched: this.latched,
      value: this.value,
      since: this.since,
      raisedAt: this.raisedAt,
      acknowledgedBy: this.acknowledgedBy,
      acknowledgedAt: this.acknowledgedAt,
      escalated: this.escalated,
      limit: this.limit,
      group: this.group,
    };
  }
}

/** A record as persisted (JSON-safe): its view without the bed, and when it escalates. */
export type AlarmRecordSnapshot = Omit<AlarmView, "bed"> & {
  /** null: this priority never escalates. */
  escalationDueAt: number | null;
};

/** Un-acknowledged records whose escalation is due at `now`, most urgent first; null when none (no allocation). */
export function dueEscalations(records: Iterable<AlarmRecord>, now: number): AlarmRecord[] | null {
  let due: AlarmRecord[] | null = null;
  for (const record of records) {
    if (record.state !== "active" || record.escalated || record.escalationDueAt > now) continue;
    if (due === null) due = [];
    due.push(record);
  }
  due?.sort((a, b) => PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority] || a.raisedAt - b.raisedAt);
  return due;
}

/** Earliest pending escalation, or `bound` if none is earlier. */
export function nextEscalationAt(records: Iterable<AlarmRecord>, bound: number): number {
  let due = bound;
  for (const record of records) {
    if (record.state === "active" && !record.escalated && record.escalationDueAt < due)
      due = record.escalationDueAt;
  }
  return due;
}

/** Precomputed map keys per (kind, subject) so lookups on the hot path build no strings. */
const SUBJECTS: readonly AlarmSubject[] = [...ALARM_PARAMETERS, "device"];
const KEYS = Object.fromEntries(
  ALARM_KINDS.map((k) => [k, Object.fromEntries(SUBJECTS.map((s) => [s, `${k}:${s}`]))]),
) as Record<AlarmKind, Record<AlarmSubject, string>>;

export function alarmKey(kind: AlarmKind, parameter: AlarmSubject): string {
  return KEYS[kind][parameter];
}
