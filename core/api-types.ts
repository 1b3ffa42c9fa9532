/**
 * The published HTTP/WebSocket API types: the only thing the dashboard imports from the gateway.
 * JSON field names are snake_case; docs/api.md documents each.
 */
import type { ParameterColumns } from "./parameters.js";

/** The parameter declarations behind ReadingView's value fields, for the dashboard's labels and units. */
export {
  byParameter,
  PARAMETERS,
  type ParameterSpec,
  TILE_PARAMETERS,
  type TileParameter,
  type VitalParameter,
} from "./parameters.js";

import type { Status } from "./reading.js";

export type BedStatus = Status;

/** A stored reading, with one number or null per declared parameter (core/parameters.ts). */
export interface ReadingView extends ParameterColumns {
  node: string;
  seq: number;
  bed: string;
  patient: string | null;
  ward: string | null;
  /** Device time, epoch ms. */
  t: number;
  /** Gateway receive time, epoch ms. */
  received_at: number;
  flags: string[];
  status: BedStatus;
  reasons: string[];
}

export interface BedView {
  bed: string;
  ward: string | null;
  patient: string | null;
  node: string | null;
  /** A node for this bed has an open connection now. */
  connected: boolean;
  status: BedStatus;
  reasons: string[];
  last_reading: ReadingView | null;
  /** Gateway receive time of the last reading, epoch ms. */
  last_reading_at: number | null;
  /** The alarm engine's view of the bed (null when the engine is off or has not seen the bed). */
  alarm: BedAlarmSummary | null;
  /** NEWS2 from current values plus clinicians' entries (null when nothing can be scored). */
  news2: News2Summary | null;
  /** The patient's stay in this bed (admitted or on standby), or null when nobody is admitted. */
  stay: StayView | null;
}

/** A patient's stay: admitted to a bed, perhaps moved, on standby, discharged. */
export interface StayView {
  id: number;
  patient_id: string;
  name: string | null;
  mrn: string | null;
  /** Date of birth, YYYY-MM-DD. */
  dob: string | null;
  /** The alarm profile chosen at admission (null: the ward's). */
  profile: string | null;
  /** The bed now (null once discharged). */
  bed: string | null;
  /** admitted: monitored; standby: no alarms (patient away, sensor off on purpose); discharged. */
  state: "admitted" | "standby" | "discharged";
  standby_since: number | null;
  admitted_at: number;
  admitted_by: string;
  discharged_at: number | null;
  discharged_by: string | null;
  /** Where the patient was when, oldest first (`to` null: still there). */
  beds: { bed: string; from: number; to: number | null }[];
}

/** One entry of a stay's history: readings, alarm events, acknowledgements, limit changes, observations, stay actions. */
export interface StayTimelineEntry {
  at: number;
  bed: string;
  type: "reading" | "alarm" | "limits" | "observation" | "stay";
  /** What happened, in words. */
  text: string;
  user: string | null;
  /** The reading's values, or the event's own fields. */
  data: Record<string, unknown>;
}

export interface StayTimelineResponse {
  stay: StayView;
  /** Oldest first. */
  entries: StayTimelineEntry[];
  /** Readings left out beyond the limit (the CSV has them all). */
  truncated: number;
}

export type AlarmPriority = "high" | "medium" | "low";

export interface AlarmItemView {
  id: string;
  bed: string;
  patient: string | null;
  /** "physiological", or a technical kind: no_data, disconnected, sensor_off, finger_out, implausible, low_battery. */
  kind: string;
  /** hr, spo2, temp, rr, sbp, or "device" for technical alarms about the node. */
  parameter: string;
  priority: AlarmPriority;
  state: "active" | "acknowledged";
  /** The condition has ended but a high-priority alarm stays until acknowledged. */
  latched: boolean;
  value: number | null;
  /** Start of the alarm condition (before the alarm delay). */
  since: number;
  raised_at: number;
  acknowledged_by: string | null;
  acknowledged_at: number | null;
  escalated: boolean;
  /** The limit the value crossed (physiological alarms); null for technical alarms. */
  limit: number | null;
  /** Id of the ward-level notice this alarm is grouped under (gateway restart, many nodes lost), or null. */
  group: string | null;
}

export interface BedAlarmSummary {
  profile: string;
  /** Highest priority that should sound now (active, not acknowledged, not paused). */
  audible: AlarmPriority | null;
  paused_until: number | null;
  /** Highest priority first. */
  alarms: AlarmItemView[];
  /** Per parameter: no current value. A stale parameter's last number must not be shown as live. */
  stale: Record<string, boolean>;
}

export interface News2Summary {
  total: number;
  /** none (0), low (1–4), low-medium (a single parameter scoring 3), medium (5–6), high (≥ 7). */
  band: "none" | "low" | "low-medium" | "medium" | "high";
  red_score: boolean;
  /** All seven parameters were available; an incomplete total under-states the risk. */
  complete: boolean;
  missing: string[];
  scale: 1 | 2;
  parts: Record<
    string,
    {
      value: number | string | boolean | null;
      score: number | null;
      source: "measured" | "entered" | "missing";
      /** A measured rr the node derived, e.g. "ppg": the dashboard shows "RR from PPG". */
      from?: "ppg";
    }
  >;
}

/** One entry of the alarm log. */
export interface AlarmEventView {
  /** "notice": a ward notice (bed "") was raised, acknowledged or cleared (`reason`), `alarm_id` its id. */
  type: "raised" | "acknowledged" | "cleared" | "escalated" | "paused" | "pause_ended" | "notice";
  at: number;
  bed: string;
  patient: string | null;
  alarm_id?: string;
  kind?: string;
  parameter?: string | null;
  priority?: AlarmPriority | null;
  value?: number | null;
  user?: string | null;
  reason?: string;
  until?: number;
  unacknowledged_ms?: number;
  /** Previous priority when an alarm was upgraded in place. */
  from?: string;
  /** A notice's text. */
  text?: string;
  /** The ward notice the alarm is grouped under. */
  group?: string;
}

/**
 * A ward-level technical condition that groups the per-bed alarms it causes: the gateway restarted (a
 * gap in monitoring), or many sensor nodes were lost at once. Listed in `GET /api/alarms` as `notices`.
 */
export interface NoticeView {
  id: string;
  kind: "gateway_restart" | "mass_disconnect";
  text: string;
  at: number;
  /** gateway_restart: how long nobody was monitoring. */
  gap_ms: number | null;
  state: "active" | "acknowledged";
  acknowledged_by: string | null;
  acknowledged_at: number | null;
  /** Beds whose listed alarms are grouped under it (each keeps its own alarm). */
  beds: string[];
}

/** An alarm's whole life, folded from its events. */
export interface AlarmRecordView {
  id: string;
  bed: string;
  patient: string | null;
  kind: string;
  parameter: string | null;
  priority: AlarmPriority;
  value: number | null;
  raised_at: number;
  acknowledged_by: string | null;
  acknowledged_at: number | null;
  escalated_at: number | null;
  cleared_at: number | null;
  cleared_reason: string | null;
}

export interface LimitsAuditView {
  at: number;
  bed: string;
  patient: string | null;
  user: string;
  parameter: string | null;
  field: string;
  from: string | null;
  to: string | null;
}

export interface AlarmsResponse {
  now: number;
  /** Alarms listed now (state=active), highest priority first. */
  alarms: AlarmItemView[];
  /** Ward notices listed now, oldest first. */
  notices: NoticeView[];
  /** With state=all: past alarms too, newest first. */
  history?: AlarmRecordView[];
}

/**
 * A message to staff about one patient's alarm events (the console line and bell, the dashboard's strip,
 * the alerts table): at most one per patient per `alerts.perPatientIntervalMs`; events within that
 * interval are coalesced into the next message, never dropped.
 */
export interface AlertView {
  bed: string;
  patient: string | null;
  ward: string | null;
  /** The bed's derived status when the message went out. */
  status: BedStatus;
  /** One line per event reported, e.g. "raised MEDIUM SpO2 92 % < 95 %", "cleared SpO2 (resolved)". */
  reasons: string[];
  /** Highest priority among the raised or escalated alarms it reports; null when it reports only clears. */
  priority: AlarmPriority | null;
  at: number;
}

/** MQTT `vitals/<ward>/<bed>/alarm`: every alarm event, with the bed's derived status after it. */
export interface AlarmTopicView {
  bed: string;
  patient: string | null;
  ward: string | null;
  status: BedStatus;
  event: AlarmEventView;
}

export interface BedsResponse {
  now: number;
  beds: BedView[];
}

export type TrendParameter = "hr" | "spo2" | "temp" | "rr" | "sbp";

/** One minute of a trend: min, median and max of each parameter that had a value in it. */
export type TrendBucket = { t: number; n: number } & Partial<
  Record<TrendParameter, { min: number; median: number; max: number }>
>;

/** GET /api/beds/:bed/trend?hours=1|8|24|72 */
export interface TrendResponse {
  bed: string;
  from: number;
  to: number;
  /** Per-minute buckets, oldest first; minutes without data are absent. */
  buckets: TrendBucket[];
}

/** Whether the gateway can store (`GET /healthz`, `storage`). */
export interface StorageHealthView {
  status: "ok" | "degraded";
  problems: string[];
  /** Free bytes on the data directory's file system at the last check (null: not measured). */
  free_bytes: number | null;
  min_free_bytes: number;
  /** Alarm events that could not be written yet, kept in memory. */
  unwritten_alarm_events: number;
  /** Unwritten alarm events lost because too many were waiting. */
  dropped_alarm_events: number;
}

/** `GET /healthz`: 200 when ok, 503 when degraded. */
export interface HealthResponse {
  status: "ok" | "degraded";
  uptime_s: number;
  storage?: StorageHealthView;
}

/** A node's clock as the gateway sees it (`GET /api/nodes`). */
export interface NodeClockView {
  node: string;
  bed: string;
  /**
   * Device time minus gateway time of the node's least-delayed reading in the last minute (ms):
   * positive = the node's clock is ahead. While a node drains a backlog it looks behind until its
   * live readings arrive.
   */
  clock_offset_ms: number;
  /** The offset exceeds `limits.maxClockAheadMs` either way. */
  clock_skew: boolean;
  last_t: number;
  last_received_at: number;
  /** Readings of this node stored with the flag `clock_skew` since the gateway started. */
  clock_skew_readings: number;
}

export interface NodesResponse {
  now: number;
  nodes: NodeClockView[];
}

export interface ReadingsResponse {
  readings: ReadingView[];
}

/** Messages pushed on the WebSocket /api/live, one JSON object per message. */
export type LiveMessage =
  | { type: "snapshot"; now: number; beds: BedView[]; notices?: NoticeView[] }
  /** The ward notices changed: the whole list. */
  | { type: "notices"; notices: NoticeView[] }
  /** Beds no longer known (discharged with no node, or removed): drop their tiles. */
  | { type: "removed"; beds: string[] }
  | { type: "beds"; now: number; beds: BedView[] }
  | { type: "alert"; alert: AlertView }
  | { type: "alarm_event"; event: AlarmEventView }
  /** The ward's loudest audible alarm priority changed (what a central-station speaker plays). */
  | { type: "sound"; priority: AlarmPriority | null }
  /** Remote notifications waiting, and dead-lettered (never delivered: staff must look). */
  | { type: "notifications"; pending: number; dead: number };
