import type { VitalParameter } from "../../core/protocol/index.js";
import type { Classification, Clock, Reading } from "../../core/reading.js";
import { type AlarmConfig, type AlarmConfigInput, parseAlarmConfig, profileForWard } from "./alarm-config.js";
import { BedMonitor } from "./bed-monitor.js";
import { applyOverrides, type BedLimits, initialLimits, type LimitOverrides } from "./limit-overrides.js";
import { computeNews2, type News2Manual, type News2Result } from "./news2.js";
import type { AlarmEvent, AlarmView, BedAlarmState, LimitsChangedEvent } from "./types.js";

export interface AlarmEngineOptions {
  clock: Clock;
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
 * Pure and clock-injected: nothing happens between calls. The gateway calls `tick(now)` on a timer (ideally
 * at `nextDueAt()`, which makes alarms fire exactly when their delay ends) and feeds readings, rejections and
 * connection changes. Times are epoch ms on the gateway clock; readings are judged at `receivedAt`.
 */
export class AlarmEngine {
  readonly config: AlarmConfig;
  private readonly clock: Clock;
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
    this.clock = options.clock;
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
    const bed = this.bed(reading.bed, reading.patient, reading.ward);
    bed.tick(at);
    bed.ingest(reading, at);
  }

  /**
   * The bed's status derived from what is listed now (core/bed-status.ts): CRITICAL with a medium or
   * high physiological alarm, else NORMAL while a watched parameter is current, else UNKNOWN.
   */
  classify(bed: string, now = this.clock.now()): Classification {
    return this.beds.get(bed)?.classify(now) ?? { status: "UNKNOWN", reasons: [] };
  }

  /** A value the gateway refused as implausible (`why` is for logs; the event carries the value). */
  rejected(
    bed: string,
    parameter: VitalParameter,
    value: number | null,
    _why: string,
    at = this.clock.now(),
  ): void {
    const monitor = this.bed(bed, null);
    monitor.tick(at);
    monitor.rejected(parameter, value, at);
  }

  nodeConnected(bed: string, node: string, at = this.clock.now(), ward: string | null = null): void {
    this.bed(bed, null, ward).connect(node, at);
  }

  nodeDisconnected(bed: string, node: string, at = this.clock.now()): void {
    const monitor = this.beds.get(bed);
    if (monitor === undefined) return;
    monitor.tick(at);
    monitor.disconnect(node, at);
  }

  /** The heartbeat negotiated with the bed's node; silence for `silentHeartbeats` of them raises no_data. */
  heartbeat(bed: string, heartbeatMs: number): void {
    this.bed(bed, null).setHeartbeat(heartbeatMs);
  }

  tick(now = this.clock.now()): void {
    for (const bed of this.beds.values()) bed.tick(now);
  }

  /** When `tick` next has something to do without new input (Infinity: nothing pending). */
  nextDueAt(): number {
    let due = Number.POSITIVE_INFINITY;
    for (const bed of this.beds.values()) due = Math.min(due, bed.nextDueAt());
    return due;
  }

  /** Returns false when the alarm is not listed (already cleared or unknown). */
  acknowledge(alarmId: string, user: string, at = this.clock.now()): boolean {
    const cut = alarmId.lastIndexOf("#");
    const monitor = cut > 0 ? this.beds.get(alarmId.slice(0, cut)) : undefined;
    if (monitor === undefined) return false;
    monitor.tick(at);
    return monitor.alarms.acknowledge(alarmId, user, at);
  }

  /** Audio pause for the bed (default config.pauseMs). A new high-priority alarm ends it early. */
  pause(bed: string, user: string, at = this.clock.now(), durationMs = this.config.pauseMs): void {
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
    at = this.clock.now(),
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
  resetBed(bed: string, user: string, at = this.clock.now()): void {
    const monitor = this.beds.get(bed);
    if (monitor === undefined) return;
    monitor.alarms.reset(user, at);
    this.beds.delete(bed);
  }

  /** The limits and delays in force for a bed (the default profile for a bed not seen yet). */
  limits(bed: string): BedLimits {
    return this.beds.get(bed)?.limits ?? initialLimits(this.config);
  }

  state(bed: string, now = this.clock.now()): BedAlarmState | undefined {
    return this.beds.get(bed)?.state(now);
  }

  /** NEWS2 from the bed's current (non-stale) values plus the clinician's entries; undefined for an unknown bed. */
  news2(bed: string, manual: News2Manual = {}, now = this.clock.now()): News2Result | undefined {
    const monitor = this.beds.get(bed);
    return monitor === undefined ? undefined : computeNews2(monitor.currentValues(now), manual);
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

  private bed(name: string, patient: string | null, ward: string | null = null): BedMonitor {
    let monitor = this.beds.get(name);
    if (monitor === undefined) {
      monitor = new BedMonitor(
        name,
        patient,
        this.config,
        this.emit,
        this.nextId(name),
        profileForWard(this.config, ward),
      );
      this.beds.set(name, monitor);
    }
    return monitor;
  }
}
