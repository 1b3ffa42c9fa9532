import { makesCritical, statusReasons } from "../../core/bed-status.js";
import type { RrSource, VitalParameter } from "../../core/protocol/index.js";
import type { Classification, Reading } from "../../core/reading.js";
import type { AlarmConfig } from "./alarm-config.js";
import type { AlarmRecord } from "./alarm-record.js";
import { BedAlarms } from "./bed-alarms.js";
import type { BedSnapshot } from "./bed-snapshot.js";
import { type BedLimits, initialLimits } from "./limit-overrides.js";
import { ParameterMonitor } from "./parameter-monitor.js";
import {
  ALARM_PARAMETERS,
  type AlarmParameter,
  type BedAlarmState,
  type EmitAlarmEvent,
  NIBP_PARAMETERS,
  type TechnicalAlarmKind,
} from "./types.js";

const NEVER = Number.NEGATIVE_INFINITY;
const COUNT = ALARM_PARAMETERS.length;
const INDEX: Readonly<Record<string, number>> = Object.fromEntries(ALARM_PARAMETERS.map((p, i) => [p, i]));
/** Parameters an oximeter probe delivers: blanked when the probe reports it is off the finger. */
const OXIMETER = [INDEX.hr as number, INDEX.spo2 as number];
const IS_NIBP = new Uint8Array(COUNT);
for (const p of NIBP_PARAMETERS) IS_NIBP[INDEX[p] as number] = 1;
/** NIBP flags that mean the measurement failed (docs/protocol.md, "Blood pressure"). */
const NIBP_FAILURES = ["nibp_cuff_error", "nibp_timeout", "nibp_overpressure", "nibp_air_leak"];

/**
 * Everything the engine knows about one bed: the latest values and how current they are, the node's
 * connection, the technical conditions, and one ParameterMonitor per physiological parameter.
 * Ingest is O(parameters) and allocates nothing unless an alarm changes.
 */
export class BedMonitor {
  readonly alarms: BedAlarms;
  limits: BedLimits;
  private readonly monitors: ParameterMonitor[];
  /** Receive time of the last valid value of each parameter. */
  private readonly lastValidAt = new Float64Array(COUNT).fill(NEVER);
  /** 1 when the latest news about a parameter was "no value" (null, rejected, probe off). */
  private readonly blanked = new Uint8Array(COUNT);
  private lastSeenAt = NEVER;
  private heartbeatMs: number;
  private connected = true;
  private node: string | null = null;
  /** This bed's NIBP cycle when set for the bed; otherwise the profile's or the configured default. */
  private nibpCycleOverride: number | null = null;
  /** After a restart: the node must be heard from by then, or "disconnected" is raised. */
  private reconnectBy = Number.POSITIVE_INFINITY;
  /** After a restart: when monitoring stopped, and the notice the resulting alarms are grouped under. */
  private restart: { lastAliveAt: number; group: string } | null = null;
  /** On standby (no alarms) since then; null while monitoring. */
  standbySince: number | null = null;

  constructor(
    readonly bed: string,
    patient: string | null,
    private readonly config: AlarmConfig,
    emit: EmitAlarmEvent,
    nextId: () => string,
    profile = config.defaultProfile,
  ) {
    this.limits = initialLimits(config, profile);
    this.alarms = new BedAlarms(bed, patient, config, emit, nextId, () => this.limits.latching);
    this.heartbeatMs = config.heartbeatMs;
    this.monitors = ALARM_PARAMETERS.map(
      (p) =>
        new ParameterMonitor(
          p,
          this.limits.limits[p],
          this.limits.delayMs[p],
          this.limits.highPriorityDelayMs,
          this.limits.hysteresis[p],
          this.alarms,
        ),
    );
  }

  /** Source of the held rr when the node derived it (rr_src), e.g. "ppg"; null for a direct measurement. */
  rrSource: RrSource | null = null;

  ingest(reading: Reading, at: number): void {
    this.node = reading.node;
    if (this.standbySince !== null) return;
    // The bed's patient is who was admitted (or first named); another id is a technical alarm, never a reset.
    this.checkPatient(reading.patient, at);
    this.seen(at);
    const flags = reading.flags;
    let probeOff = false;
    if (flags.length > 0) {
      const fingerOut = flags.includes("finger_out");
      const sensorOff =
        flags.includes("sensor_off") || flags.includes("probe_error") || flags.includes("no_signal");
      probeOff = fingerOut || sensorOff;
      this.technical("finger_out", fingerOut, null, at);
      this.technical("sensor_off", sensorOff, null, at);
    } else {
      this.technical("finger_out", false, null, at);
      this.technical("sensor_off", false, null, at);
    }
    const battery = reading.values.battery;
    const lowBattery =
      (flags.length > 0 && flags.includes("low_battery")) ||
      (typeof battery === "number" && battery < this.config.lowBatteryPercent);
    this.technical("low_battery", lowBattery, typeof battery === "number" ? battery : null, at);
    this.technical("implausible", false, null, at, "device");

    const values = reading.values;
    const nibpFailed = this.nibpOutcome(reading, at);
    // A cuff's value belongs to its measurement time (t), which may be earlier than its arrival.
    const measuredAt = Math.min(at, reading.t);
    const hold = this.limits.holdValues;
    for (let i = 0; i < COUNT; i++) {
      const parameter = ALARM_PARAMETERS[i] as AlarmParameter;
      const v = values[parameter];
      if (v === undefined && hold) continue; // not sent in this frame: keep the held value until it goes stale
      // A failed cuff measurement leaves the previous one in place until it goes stale.
      if (nibpFailed && IS_NIBP[i] === 1) continue;
      if (v === undefined || v === null || (probeOff && (i === OXIMETER[0] || i === OXIMETER[1]))) {
        this.blanked[i] = 1;
        // Judged reading by reading, a value this reading lacks ends its condition.
        if (!hold) (this.monitors[i] as ParameterMonitor).absent(at);
        continue;
      }
      if (IS_NIBP[i] === 1) {
        this.lastValidAt[i] = measuredAt;
        this.blanked[i] = 0;
        this.technical("implausible", false, v, at, parameter);
        // A measurement already older than its cycle (forwarded late) is history, not a current value.
        if (!this.isStale(i, at)) (this.monitors[i] as ParameterMonitor).observe(v, at);
        continue;
      }
      this.lastValidAt[i] = at;
      this.blanked[i] = 0;
      this.technical("implausible", false, v, at, parameter);
      (this.monitors[i] as ParameterMonitor).observe(v, at);
    }
    if (typeof values.rr === "number") this.rrSource = reading.rrSource ?? null;
  }

  /**
   * Raises `nibp_failed` for a failed cuff measurement and ends it with the next good one; frames that
   * carry no blood pressure (an oximeter's) leave it alone. Returns whether this frame is a failure.
   */
  private nibpOutcome(reading: Reading, at: number): boolean {
    const flags = reading.flags;
    const sbp = reading.values.sbp;
    const hasValue = typeof sbp === "number";
    let failure: string | undefined;
    if (flags.length > 0) {
      failure = NIBP_FAILURES.find((f) => flags.includes(f));
      if (failure === undefined && !hasValue && flags.includes("nibp_motion")) failure = "nibp_motion";
    }
    if (failure !== undefined) {
      this.technical("nibp_failed", true, null, at, "sbp");
      return true;
    }
    if (hasValue) this.technical("nibp_failed", false, sbp, at, "sbp");
    return false;
  }

  /** Sets this bed's NIBP cycle (null: back to the profile's or the default). */
  setNibpCycle(ms: number | null): void {
    this.nibpCycleOverride = ms;
  }

  /** The NIBP cycle in force for this bed. */
  nibpCycleMs(): number {
    return (
      this.nibpCycleOverride ?? this.config.nibp.profiles[this.limits.profile] ?? this.config.nibp.cycleMs
    );
  }

  /** Time of each parameter's held value (measurement time for a cuff's), when there is one. */
  valueTimes(): Partial<Record<AlarmParameter, number>> {
    const out: Partial<Record<AlarmParameter, number>> = {};
    for (let i = 0; i < COUNT; i++) {
      const t = this.lastValidAt[i] as number;
      if (t !== NEVER && this.blanked[i] === 0) out[ALARM_PARAMETERS[i] as AlarmParameter] = t;
    }
    return out;
  }

  /** A value the gateway refused as physiologically impossible: a technical alarm, and no current value. */
  rejected(parameter: VitalParameter, value: number | null, at: number): void {
    if (this.standbySince !== null) return;
    this.seen(at);
    const i = INDEX[parameter];
    if (i === undefined) {
      this.technical("implausible", true, value, at, "device");
      return;
    }
    this.blanked[i] = 1;
    this.technical("implausible", true, value, at, parameter as AlarmParameter);
  }

  connect(node: string, at: number, patient: string | null = null): void {
    this.node = node;
    if (this.standbySince !== null) {
      this.connected = true;
      return;
    }
    this.checkPatient(patient, at);
    this.seen(at);
  }

  disconnect(node: string, at: number): void {
    // A replaced connection's late close must not mark the bed's current node as gone.
    if (this.node !== null && node !== this.node) return;
    this.connected = false;
    if (this.standbySince !== null) return;
    for (const m of this.monitors) m.cancelPending();
    this.technical("no_data", false, null, at);
    this.technical("disconnected", true, null, at);
  }

  setHeartbeat(ms: number): void {
    this.heartbeatMs = ms;
  }

  applyLimits(next: BedLimits, at: number): void {
    this.limits = next;
    for (let i = 0; i < COUNT; i++) {
      const p = ALARM_PARAMETERS[i] as AlarmParameter;
      const m = this.monitors[i] as ParameterMonitor;
      m.configure(next.limits[p], next.delayMs[p], next.highPriorityDelayMs, next.hysteresis[p]);
      // Re-judge the held value against the new limits so a widened limit clears and a narrowed one starts now.
      if (m.lastValue !== null && !this.isStale(i, at)) m.observe(m.lastValue, at);
    }
  }

  tick(now: number): void {
    if (this.standbySince !== null) return;
    if (now >= this.reconnectBy) this.missedReconnect(now);
    this.alarms.advance(now);
    if (this.connected && this.lastSeenAt !== NEVER && now - this.lastSeenAt > this.silentMs()) {
      this.technical("no_data", true, null, now, "device", this.lastSeenAt);
    }
    for (let i = 0; i < COUNT; i++) {
      (this.monitors[i] as ParameterMonitor).tick(now, this.currentUntil(i));
    }
  }

  /** Earliest time something may change without new input: pending alarm, silence, escalation, pause end. */
  nextDueAt(): number {
    if (this.standbySince !== null) return Number.POSITIVE_INFINITY;
    let due = Math.min(this.alarms.nextDueAt(), this.reconnectBy);
    if (this.connected && this.lastSeenAt !== NEVER && !this.alarms.has("no_data", "device")) {
      due = Math.min(due, this.lastSeenAt + this.silentMs() + 1);
    }
    for (const m of this.monitors) due = Math.min(due, m.nextDueAt());
    return due;
  }

  state(now: number): BedAlarmState {
    const stale = {} as Record<AlarmParameter, boolean>;
    for (let i = 0; i < COUNT; i++) stale[ALARM_PARAMETERS[i] as AlarmParameter] = this.isStale(i, now);
    const pausedUntil =
      this.alarms.pausedUntil !== null && now < this.alarms.pausedUntil ? this.alarms.pausedUntil : null;
    return {
      bed: this.bed,
      patient: this.alarms.patient,
      profile: this.limits.profile,
      alarms: this.alarms.views(),
      audible: this.alarms.audible(now),
      pausedUntil,
      stale,
      current: this.hasCurrentValue(now),
      standbySince: this.standbySince,
    };
  }

  /** The derived status (core/bed-status.ts) without building views: this runs for every stored reading. */
  classify(now: number): Classification {
    if (this.standbySince !== null) return { status: "UNKNOWN", reasons: [] };
    let critical: AlarmRecord[] | null = null;
    for (const r of this.alarms.records.values()) {
      if (!makesCritical(r)) continue;
      if (critical === null) critical = [];
      critical.push(r);
    }
    if (critical !== null) return { status: "CRITICAL", reasons: statusReasons(critical) };
    return { status: this.hasCurrentValue(now) ? "NORMAL" : "UNKNOWN", reasons: [] };
  }

  /** Some parameter the profile watches (at least one limit on) has a current value: the bed is judged. */
  hasCurrentValue(now: number): boolean {
    if (this.standbySince !== null) return false;
    for (let i = 0; i < COUNT; i++) {
      const l = this.limits.limits[ALARM_PARAMETERS[i] as AlarmParameter];
      const watched = l.low !== null || l.high !== null || l.criticalLow !== null || l.criticalHigh !== null;
      if (watched && !this.isStale(i, now)) return true;
    }
    return false;
  }

  /** Held values that are still current at `now`; stale ones are left out, never reported as live. */
  currentValues(now: number): Partial<Record<AlarmParameter, number>> {
    const out: Partial<Record<AlarmParameter, number>> = {};
    for (let i = 0; i < COUNT; i++) {
      const v = (this.monitors[i] as ParameterMonitor).lastValue;
      if (v !== null && !this.isStale(i, now)) out[ALARM_PARAMETERS[i] as AlarmParameter] = v;
    }
    return out;
  }

  private isStale(i: number, now: number): boolean {
    if (this.standbySince !== null || !this.connected || this.alarms.has("no_data", "device")) return true;
    return now > this.currentUntil(i);
  }

  /** Last instant the held value of parameter i counts as current. */
  private currentUntil(i: number): number {
    if (!this.connected || this.blanked[i] === 1) return NEVER;
    const parameter = ALARM_PARAMETERS[i] as AlarmParameter;
    const configured = this.config.staleAfterMs[parameter];
    if (configured !== undefined) return (this.lastValidAt[i] as number) + configured;
    if (IS_NIBP[i] === 1) {
      return (this.lastValidAt[i] as number) + this.nibpCycleMs() + this.config.nibp.graceMs;
    }
    return (this.lastValidAt[i] as number) + this.silentMs();
  }

  private silentMs(): number {
    return this.config.silentHeartbeats * this.heartbeatMs;
  }

  private seen(at: number): void {
    this.lastSeenAt = at;
    this.reconnectBy = Number.POSITIVE_INFINITY;
    if (!this.connected) {
      this.connected = true;
      this.technical("disconnected", false, null, at);
    }
    this.technical("no_data", false, null, at);
  }

  /** Raises or resolves a technical alarm; the `has` check keeps the common "still fine" path cheap. */
  private technical(
    kind: TechnicalAlarmKind,
    on: boolean,
    value: number | null,
    at: number,
    subject: AlarmParameter | "device" = "device",
    since = at,
    group?: string,
  ): void {
    const active = this.alarms.has(kind, subject);
    // A latched alarm whose condition comes back is live again (raiseAlarm un-latches it).
    if (on && (!active || this.alarms.isLatched(kind, subject))) {
      this.alarms.raiseAlarm(kind, subject, this.config.technical[kind], value, since, at, undefined, group);
    } else if (!on && active) this.alarms.resolveAlarm(kind, subject, value, at);
  }

  /** A node or reading naming a patient other than the bed's: "patient mismatch" instead of a silent reset. */
  private checkPatient(patient: string | null, at: number): void {
    if (patient === null) return;
    if (this.alarms.patient === null) this.alarms.patient = patient;
    this.technical("patient_mismatch", patient !== this.alarms.patient, null, at);
  }

  /** The bed's patient is (now) this one: admission, or a transfer in. Ends a mismatch. */
  setPatient(patient: string | null, at: number): void {
    this.alarms.patient = patient;
    this.technical("patient_mismatch", false, null, at);
  }

  /** Standby: every alarm closes (reason standby) and nothing is judged until monitoring resumes. */
  setStandby(on: boolean, user: string, at: number): void {
    if (on === (this.standbySince !== null)) return;
    if (on) {
      this.alarms.reset(user, at, "standby");
      this.standbySince = at;
      for (const m of this.monitors) m.clear();
      this.lastValidAt.fill(NEVER);
      this.blanked.fill(0);
      this.reconnectBy = Number.POSITIVE_INFINITY;
      this.restart = null;
    } else {
      this.standbySince = null;
      this.lastSeenAt = NEVER;
    }
  }

  /** The node was not heard from within its heartbeat window after a gateway restart. */
  private missedReconnect(now: number): void {
    this.reconnectBy = Number.POSITIVE_INFINITY;
    const restart = this.restart;
    this.restart = null;
    this.connected = false;
    for (const m of this.monitors) m.cancelPending();
    this.technical("disconnected", true, null, now, "device", restart?.lastAliveAt ?? now, restart?.group);
  }

  /** What must survive a gateway restart (JSON-safe). */
  snapshot(): BedSnapshot {
    return {
      bed: this.bed,
      patient: this.alarms.patient,
      limits: this.limits,
      heartbeatMs: this.heartbeatMs,
      node: this.node,
      monitored: this.connected && this.standbySince === null,
      standbySince: this.standbySince,
      ...this.alarms.snapshot(),
    };
  }

  /**
   * Picks up where the previous run left off: listed alarms (with their acknowledgements, latches and
   * escalation times), the pause, limits, heartbeat. Values are not restored: they are stale until the
   * node sends again, and a bed that was monitored must be heard from within its heartbeat window.
   */
  restore(s: BedSnapshot, restart: { at: number; lastAliveAt: number; group: string }): void {
    this.alarms.patient = s.patient;
    this.heartbeatMs = s.heartbeatMs;
    this.node = s.node;
    this.standbySince = s.standbySince;
    this.applyLimits(s.limits, restart.at);
    this.alarms.restore(s);
    for (const r of s.records) {
      if (r.kind !== "physiological" || r.latched || r.parameter === "device" || r.priority === "low")
        continue;
      this.monitors[INDEX[r.parameter] as number]?.restoreRaised(r.priority);
    }
    this.connected = s.monitored || this.standbySince !== null;
    if (s.monitored) {
      this.reconnectBy = restart.at + this.silentMs();
      this.restart = { lastAliveAt: restart.lastAliveAt, group: restart.group };
    }
  }
}
