/**
 * The alarm engine's vocabulary: priorities, alarm kinds, the event union it emits and the views it
 * returns. Storage, the live API and notifiers consume these; nothing here does I/O.
 */

import { PRIORITY_RANK, type Priority } from "../../core/alarm-priority.js";

export { PRIORITIES, PRIORITY_RANK, type Priority } from "../../core/alarm-priority.js";

export function higherPriority(a: Priority | null, b: Priority | null): Priority | null {
  if (a === null) return b;
  if (b === null) return a;
  return PRIORITY_RANK[a] >= PRIORITY_RANK[b] ? a : b;
}

/** Parameters with physiological alarm limits. */
export const ALARM_PARAMETERS = ["hr", "spo2", "temp", "rr", "sbp", "map"] as const;
/** Parameters a cuff measures intermittently: current for the bed's NIBP cycle (alarm-config `nibp`). */
export const NIBP_PARAMETERS: readonly AlarmParameter[] = ["sbp", "map"];
export type AlarmParameter = (typeof ALARM_PARAMETERS)[number];

/**
 * "physiological": a value outside limits. The others are technical alarms (IEC 60601-1-8 "technical
 * alarm condition"): the equipment, not the patient, is the problem.
 */
export const ALARM_KINDS = [
  "physiological",
  "no_data",
  "disconnected",
  "sensor_off",
  "finger_out",
  "implausible",
  "low_battery",
  "nibp_failed",
  "patient_mismatch",
  /** The gateway cannot store (disk full, I/O errors): readings are not being acknowledged. */
  "storage_failing",
] as const;
export type AlarmKind = (typeof ALARM_KINDS)[number];
export type TechnicalAlarmKind = Exclude<AlarmKind, "physiological">;
/** Technical alarms about the central station itself rather than a bed's equipment. */
export type StationAlarmKind = Extract<TechnicalAlarmKind, "storage_failing">;

/**
 * The "bed" station alarms are listed under. Not a valid wire label (parentheses are refused), so no
 * node can name it.
 */
export const STATION = "(station)";

/** What an alarm is about: a parameter, or the bed's node as a whole (technical alarms). */
export type AlarmSubject = AlarmParameter | "device";

/**
 * active: announced, nobody has acknowledged it yet (audible unless paused).
 * acknowledged: a user accepted it; it stays listed while its condition lasts, silently.
 * A cleared alarm leaves the state entirely (the "cleared" event records it).
 */
export type AlarmState = "active" | "acknowledged";

/** The visible record of one alarm, as `state(bed)` returns it. */
export interface AlarmView {
  id: string;
  bed: string;
  patient: string | null;
  kind: AlarmKind;
  parameter: AlarmSubject;
  priority: Priority;
  state: AlarmState;
  /** The condition has ended but the alarm latches (high priority) until someone acknowledges it. */
  latched: boolean;
  /** The most extreme value seen during the condition (physiological); the offending value otherwise. */
  value: number | null;
  /** Start of the alarm condition (before the delay). */
  since: number;
  raisedAt: number;
  acknowledgedBy: string | null;
  acknowledgedAt: number | null;
  /** Whether an escalation has been emitted for the current priority. */
  escalated: boolean;
  /** The limit the value crossed (physiological alarms); null for technical alarms. */
  limit: number | null;
  /** Id of the ward-level notice this alarm is grouped under, or null. */
  group: string | null;
}

export interface BedAlarmState {
  bed: string;
  patient: string | null;
  profile: string;
  /** Highest priority first, then oldest first. */
  alarms: AlarmView[];
  /** Highest priority that should sound now: un-acknowledged, not paused. */
  audible: Priority | null;
  pausedUntil: number | null;
  /** True when the parameter has no current value: never show the last number as live. */
  stale: Record<AlarmParameter, boolean>;
  /** Some parameter the bed's profile watches has a current value (the bed is being judged). */
  current: boolean;
  /** On standby since then (no alarms), or null. */
  standbySince: number | null;
}

interface EventBase {
  at: number;
  bed: string;
  patient: string | null;
}

interface AlarmEventBase extends EventBase {
  alarmId: string;
  kind: AlarmKind;
  parameter: AlarmSubject;
  priority: Priority;
  value: number | null;
  /** The ward-level notice the alarm is grouped under (gateway restart, many nodes lost at once). */
  group?: string;
}

/**
 * Why a listed alarm left the list: resolved (condition ended), acknowledged (a latched alarm), reset (a
 * bed reset), discharged (its patient was discharged or the bed removed), standby (the bed was put on
 * standby), transferred (its patient moved to another bed).
 */
export type ClearReason = "resolved" | "acknowledged" | "reset" | "discharged" | "standby" | "transferred";

export interface RaisedEvent extends AlarmEventBase {
  type: "raised";
  /** Start of the condition; `at - since` is the delay that was applied. */
  since: number;
  /** Set when an existing alarm was upgraded in place (e.g. medium → high). */
  from?: Priority;
  /** The limit that was crossed, for physiological alarms. */
  limit?: number;
}

interface AcknowledgedEvent extends AlarmEventBase {
  type: "acknowledged";
  user: string;
}

interface ClearedEvent extends AlarmEventBase {
  type: "cleared";
  reason: ClearReason;
  user: string | null;
}

export interface EscalatedEvent extends AlarmEventBase {
  type: "escalated";
  /** How long the alarm has gone unacknowledged. */
  unacknowledgedMs: number;
}

interface PausedEvent extends EventBase {
  type: "paused";
  user: string;
  until: number;
  parameter: null;
  value: null;
  /** Highest priority that was sounding when paused. */
  priority: Priority | null;
}

interface PauseEndedEvent extends EventBase {
  type: "pause_ended";
  reason: "expired" | "high_priority";
  parameter: AlarmSubject | null;
  priority: Priority | null;
}

/** One changed field of a patient's limits: an audit record as well as an event. */
export interface LimitsChangedEvent extends EventBase {
  type: "limits_changed";
  user: string;
  parameter: AlarmParameter | null;
  /** "profile", or a limit field such as "low", "high", "criticalLow", "criticalHigh", "delayMs". */
  field: string;
  from: number | string | null;
  to: number | string | null;
}

export type NoticeKind = "gateway_restart" | "mass_disconnect";

/** A ward-level notice was raised, acknowledged or cleared (bed "": it is about the ward). */
export interface NoticeEvent extends EventBase {
  type: "notice";
  action: "raised" | "acknowledged" | "cleared";
  noticeId: string;
  notice: NoticeKind;
  text: string;
  user: string | null;
}

export type AlarmEvent =
  | NoticeEvent
  | RaisedEvent
  | AcknowledgedEvent
  | ClearedEvent
  | EscalatedEvent
  | PausedEvent
  | PauseEndedEvent
  | LimitsChangedEvent;

export type EmitAlarmEvent = (event: AlarmEvent) => void;
