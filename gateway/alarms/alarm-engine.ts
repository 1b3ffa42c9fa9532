import type { VitalParameter } from "../../core/protocol/index.js";
import type { Reading } from "../../core/reading.js";
import type { TimeSource } from "../../core/time.js";
import { type AlarmConfig, type AlarmConfigInput, parseAlarmConfig } from "./alarm-config.js";
import { BedMonitor } from "./bed-monitor.js";
import { applyOverrides, type BedLimits, initialLimits, type LimitOverrides } from "./limit-overrides.js";
import { computeNews2, type News2Manual, type News2Result } from "./news2.js";
import {
  type AlarmEvent,
  type AlarmView,
  type BedAlarmState,
  type LimitsChangedEvent,
  STATION,
  type StationAlarmKind,
} from "./types.js";

export interface AlarmEngineOptions {
  time: TimeSource;
  /** Parsed config, or raw input that is parsed (defaults filled) here. */
  config?: AlarmConfig | AlarmConfigInput;
  /** Receives every event synchronously, in order. Must not throw (errors go to onListenerError). */
  onEvent?: (event: AlarmEvent) => void;
  /** Default: rethrown on a microtask so a broken listener is loud but cannot corrupt alarm state. */
  onListenerError?: (error: unknown, event: AlarmEvent) => void;
}

/**
 * Clinical alarm engine: physiological alarms with delays, priorities and hysteresis, technical alarms,
 * acknowledge / latch / audio pause, escalation and per-patient limits, for every bed.
 *
 * Pure: it reads the injected time source's now() and sets no timers, so nothing happens between calls.
 * The gateway calls `tick(now)` on a timer (ideally at `nextDueAt()`, which makes alarms fire exactly when
 * their delay ends) and feeds readings, rejections and connection changes. Times are epoch ms on the
 * gateway's time source; readings are judged at `receivedAt`.
 */
export class AlarmEngine {
  readonly config: AlarmConfig;
  private readonly time: TimeSource;
  private readonly beds = new Map<string, BedMonitor>();
  private readonly listener: ((event: AlarmEvent) => void) | undefined;
  private readonly onListenerError: (error: unknown, event: AlarmEvent) => void;
  private seq = 0;
  private readonly emit = (event: AlarmEvent): void => {
    if (this.listener === undefined) return;
    try {
      this.listener(event);
    } catch (error) {
      this.onListenerError(error, event);
    }
  };
  private readonly nextId = (bed: string) => (): string => `${bed}#${++this.seq}`;

  constructor(options: AlarmEngineOptions) {
    this.time = options.time;
    this.config = parseAlarmConfig(options.config as AlarmConfigInput);
    this.listener = options.onEvent;
    this.onListenerError =
      options.onListenerError ??
      ((error) =>
        queueMicrotask(() => {
          throw error;
        }));
  }

  /** A validated reading. Catches up with anything due before it, then judges its values. */
  ingest(reading: Reading): void {
    const at = reading.receivedAt;
    const known = this.beds.get(reading.bed)?.alarms.patient ?? null;
    // A different patient in the bed must not inherit the last one's alarms or personal limits.
    if (reading.patient !== null && known !== null && reading.patient !== known)
      this.resetBed(reading.bed, "system", at);
    const bed = this.bed(reading.bed, reading.patient);
    bed.tick(at);
    bed.ingest(reading, at);
  }

  /** A value the gateway refused as implausible (`why` is for logs; the event carries the value). */
  rejected(
    bed: string,
    parameter: VitalParameter,
    value: number | null,
    _why: string,
    at = this.time.now(),
  ): void {
    const monitor = this.bed(bed, null);
    monitor.tick(at);
    monitor.rejected(parameter, value, at);
  }

  nodeConnected(bed: string, node: string, at = this.time.now()): void {
    this.bed(bed, null).connect(node, at);
  }

  nodeDisconnected(bed: string, node: string, at = this.time.now()): void {
    const monitor = this.beds.get(bed);
    if (monitor === undefined) return;
    monitor.tick(at);
    monitor.disconnect(node, at);
  }

  /**
   * A technical condition of the central station itself (listed under the bed STATION). It clears
   * when the condition ends, without latching: staff cannot fix a disk by acknowledging.
   */
  stationCondition(kind: StationAlarmKind, on: boolean, at = this.time.now()): void {
    const alarms = this.bed(STATION, null).alarms;
    if (on && !alarms.has(kind, "device")) {
      alarms.raiseAlarm(kind, "device", this.config.technical[kind], null, at, at);
    } else if (!on && alarms.has(kind, "device")) alarms.resolveAlarm(kind, "device", null, at, false);
  }

  /** The heartbeat negotiated with the bed's node; silence for `silentHeartbeats` of them raises no_data. */
  heartbeat(bed: string, heartbeatMs: number): void {
    this.bed(bed, null).setHeartbeat(heartbeatMs);
  }

  tick(now = this.time.now()): void {
    for (const bed of this.beds.values()) bed.tick(now);
  }

  /** When `tick` next has something to do without new input (Infinity: nothing pending). */
  nextDueAt(): number {
    let due = Number.POSITIVE_INFINITY;
    for (const bed of this.beds.values()) due = Math.min(due, bed.nextDueAt());
    return due;
  }

  /** Returns false when the alarm is not listed (already cleared or unknown). */
  acknowledge(alarmId: string, user: string, at = this.time.now()): boolean {
    const cut = alarmId.lastIndexOf("#");
    const monitor = cut > 0 ? this.beds.get(alarmId.slice(0, cut)) : undefined;
    if (monitor === undefined) return false;
    monitor.tick(at);
    return monitor.alarms.acknowledge(alarmId, user, at);
  }

  /** Audio pause for the bed (default config.pauseMs). A new high-priority alarm ends it early. */
  pause(bed: string, user: string, at = this.time.now(), durationMs = this.config.pauseMs): void {
    const monitor = this.bed(bed, null);
    monitor.tick(at);
    monitor.alarms.pause(user, at, durationMs);
  }

  /**
   * Changes a patient's profile, limits or delays. Returns the audit entries (also emitted as
   * "limits_changed" events); throws VitalsError(config.invalid) and changes nothing when invalid.
   */
  setLimits(
    bed: string,
    patient: string | null,
    overrides: LimitOverrides,
    user: string,
    at = this.time.now(),
  ): LimitsChangedEvent[] {
    const monitor = this.bed(bed, patient);
    const { next, changes } = applyOverrides(this.config, monitor.limits, overrides);
    monitor.tick(at);
    const audit = changes.map(
      (c): LimitsChangedEvent => ({
        type: "limits_changed",
        at,
        bed,
        patient: patient ?? monitor.alarms.patient,
        user,
        ...c,
      }),
    );
    for (const entry of audit) this.emit(entry);
    monitor.applyLimits(next, at);
    return audit;
  }

  /**
   * Forgets a bed (discharge, or a new patient): every listed alarm is cleared with reason "reset", and the
   * next data starts from the default profile.
   */
  resetBed(bed: string, user: string, at = this.time.now()): void {
    const monitor = this.beds.get(bed);
    if (monitor === undefined) return;
    monitor.alarms.reset(user, at);
    this.beds.delete(bed);
  }

  /** Sets a bed's NIBP measurement cycle (null: the profile's or the default); false for an unknown bed. */
  setNibpCycle(bed: string, ms: number | null): boolean {
    const monitor = this.beds.get(bed);
    if (monitor === undefined) return false;
    monitor.setNibpCycle(ms);
    return true;
  }

  /** A bed's NIBP cycle in force (the default profile's for a bed not seen yet). */
  nibpCycleMs(bed: string): number {
    return (
      this.beds.get(bed)?.nibpCycleMs() ??
      this.config.nibp.profiles[this.config.defaultProfile] ??
      this.config.nibp.cycleMs
    );
  }

  /** The limits and delays in force for a bed (the default profile for a bed not seen yet). */
  limits(bed: string): BedLimits {
    return this.beds.get(bed)?.limits ?? initialLimits(this.config);
  }

  state(bed: string, now = this.time.now()): BedAlarmState | undefined {
    return this.beds.get(bed)?.state(now);
  }

  /** NEWS2 from the bed's current (non-stale) values plus the clinician's entries; undefined for an unknown bed. */
  news2(bed: string, manual: News2Manual = {}, now = this.time.now()): News2Result | undefined {
    const monitor = this.beds.get(bed);
    if (monitor === undefined) return undefined;
    const current = monitor.currentValues(now);
    return computeNews2(
      current.rr !== undefined && monitor.rrSource ? { ...current, rrSource: monitor.rrSource } : current,
      manual,
    );
  }

  /** Every listed alarm of every bed, highest priority first (central station list). */
  activeAlarms(): AlarmView[] {
    const all: AlarmView[] = [];
    for (const bed of this.beds.values()) all.push(...bed.alarms.views());
    const rank = { high: 3, medium: 2, low: 1 } as const;
    return all.sort((a, b) => rank[b.priority] - rank[a.priority] || a.raisedAt - b.raisedAt);
  }

  bedNames(): string[] {
    return [...this.beds.keys()];
  }

  private bed(name: string, patient: string | null): BedMonitor {
    let monitor = this.beds.get(name);
    if (monitor === undefined) {
      monitor = new BedMonitor(name, patient, this.config, this.emit, this.nextId(name));
      this.beds.set(name, monitor);
    }
    return monitor;
  }
}
