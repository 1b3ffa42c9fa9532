import type { VitalParameter } from "../../core/protocol/index.js";
import type { Classification, Reading } from "../../core/reading.js";
import type { TimeSource } from "../../core/time.js";
import { type AlarmConfig, type AlarmConfigInput, parseAlarmConfig, profileForWard } from "./alarm-config.js";
import { BedMonitor } from "./bed-monitor.js";
import type { BedSnapshot } from "./bed-snapshot.js";
import { applyOverrides, type BedLimits, initialLimits, type LimitOverrides } from "./limit-overrides.js";
import { computeNews2, type News2Manual, type News2Result } from "./news2.js";
import {
  type AlarmEvent,
  type AlarmView,
  type BedAlarmState,
  type ClearReason,
  type LimitsChangedEvent,
  STATION,
  type StationAlarmKind,
} from "./types.js";
import { type Notice, WardNotices } from "./ward-notices.js";

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
  /** Recent "disconnected" raises not explained by a restart, for grouping many lost at once. */
  private recentDisconnects: { at: number; bed: string; alarmId: string }[] = [];
  private readonly deliver = (event: AlarmEvent): void => {
    if (this.listener === undefined) return;
    try {
      this.listener(event);
    } catch (error) {
      this.onListenerError(error, event);
    }
  };
  private readonly emit = (event: AlarmEvent): void => {
    this.deliver(event);
    if (event.type === "raised" && event.kind === "disconnected" && event.group === undefined)
      this.groupDisconnects(event.bed, event.alarmId, event.at);
    else if (event.type === "cleared" && event.group !== undefined) this.reviewNotices(event.at);
  };
  readonly notices = new WardNotices(this.deliver);
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

  /**
   * A validated reading. Catches up with anything due before it, then judges its values. A reading
   * naming another patient than the bed's raises "patient_mismatch"; it never resets the bed.
   */
  ingest(reading: Reading): void {
    const at = reading.receivedAt;
    const bed = this.bed(reading.bed, reading.patient, reading.ward);
    bed.tick(at);
    bed.ingest(reading, at);
  }

  /**
   * The bed's status derived from what is listed now (core/bed-status.ts): CRITICAL with a medium or
   * high physiological alarm, else NORMAL while a watched parameter is current, else UNKNOWN.
   */
  classify(bed: string, now = this.time.now()): Classification {
    return this.beds.get(bed)?.classify(now) ?? { status: "UNKNOWN", reasons: [] };
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

  /** A node's hello (or MQTT online status); a patient other than the bed's raises "patient_mismatch". */
  nodeConnected(
    bed: string,
    node: string,
    at = this.time.now(),
    ward: string | null = null,
    patient: string | null = null,
  ): void {
    const monitor = this.bed(bed, null, ward);
    monitor.tick(at);
    monitor.connect(node, at, patient);
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
    this.reviewNotices(now);
  }

  /** When `tick` next has something to do without new input (Infinity: nothing pending). */
  nextDueAt(): number {
    let due = this.notices.nextDueAt();
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
   * Forgets a bed (discharge, transfer out, removal): every listed alarm is cleared with `reason`, and
   * the next data starts from the ward's profile.
   */
  resetBed(bed: string, user: string, at = this.time.now(), reason: ClearReason = "reset"): void {
    const monitor = this.beds.get(bed);
    if (monitor === undefined) return;
    monitor.alarms.reset(user, at, reason);
    this.beds.delete(bed);
    this.reviewNotices(at);
  }

  /** Standby on: every alarm closes (reason standby) and the bed is not judged until it is turned off. */
  standby(bed: string, on: boolean, user: string, at = this.time.now()): void {
    const monitor = this.bed(bed, null);
    monitor.tick(at);
    monitor.setStandby(on, user, at);
    this.reviewNotices(at);
  }

  /** The bed's patient is now this one (admission, transfer in): a patient mismatch ends. */
  setPatient(bed: string, patient: string | null, at = this.time.now()): void {
    this.bed(bed, patient).setPatient(patient, at);
  }

  /** Acknowledges a ward notice and every listed, unacknowledged alarm grouped under it. */
  acknowledgeNotice(id: string, user: string, at = this.time.now()): boolean {
    if (this.notices.get(id) === undefined) return false;
    for (const monitor of this.beds.values()) {
      monitor.tick(at);
      for (const r of [...monitor.alarms.records.values()])
        if (r.group === id && r.state === "active") monitor.alarms.acknowledge(r.id, user, at);
    }
    this.notices.acknowledge(id, user, at);
    this.reviewNotices(at);
    return true;
  }

  /** Listed ward notices, oldest first. */
  listNotices(): Notice[] {
    return this.notices.list();
  }

  /** Beds whose listed alarms are grouped under a notice. */
  noticeBeds(id: string): string[] {
    const out: string[] = [];
    for (const monitor of this.beds.values())
      for (const r of monitor.alarms.records.values())
        if (r.group === id) {
          out.push(monitor.bed);
          break;
        }
    return out;
  }

  /** What of a bed must survive a restart; undefined for a bed the engine does not know. */
  snapshot(bed: string): BedSnapshot | undefined {
    return this.beds.get(bed)?.snapshot();
  }

  /** The id counter and the ward notices, to survive a restart with the bed snapshots. */
  wardSnapshot(): { seq: number; notices: ReturnType<WardNotices["snapshot"]> } {
    return { seq: this.seq, notices: this.notices.snapshot() };
  }

  /**
   * Restores a previous run's state at `at`. The gap since `lastAliveAt` (its last sign of life) is one
   * "gateway restarted" notice; a restored bed that was monitored must be heard from within its heartbeat
   * window, or it raises "disconnected", grouped under that notice.
   */
  restore(
    beds: readonly BedSnapshot[],
    ward: { seq: number; notices: ReturnType<WardNotices["snapshot"]> } | undefined,
    restart: { at: number; lastAliveAt: number },
  ): void {
    if (ward) {
      this.seq = Math.max(this.seq, ward.seq);
      this.notices.restore(ward.notices);
    }
    let settlesAt = restart.at;
    const monitors: [BedMonitor, BedSnapshot][] = [];
    for (const s of beds) {
      const monitor = this.bed(s.bed, s.patient);
      monitors.push([monitor, s]);
      for (const r of s.records) {
        const n = Number(r.id.slice(r.id.lastIndexOf("#") + 1));
        if (Number.isFinite(n)) this.seq = Math.max(this.seq, n);
      }
      settlesAt = Math.max(settlesAt, restart.at + this.config.silentHeartbeats * s.heartbeatMs);
    }
    const notice = this.notices.restarted(restart.at, restart.lastAliveAt, settlesAt);
    for (const [monitor, s] of monitors) monitor.restore(s, { ...restart, group: notice.id });
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

  /** Whether the bed has any listed alarm (cheap: no views). */
  listsAlarms(bed: string): boolean {
    return (this.beds.get(bed)?.alarms.records.size ?? 0) > 0;
  }

  bedNames(): string[] {
    return [...this.beds.keys()];
  }

  private reviewNotices(at: number): void {
    this.notices.review(at, (id) => {
      let n = 0;
      for (const monitor of this.beds.values())
        for (const r of monitor.alarms.records.values()) if (r.group === id) n++;
      return n;
    });
  }

  /** Many beds losing their node within the window: one ward notice groups their alarms. */
  private groupDisconnects(bed: string, alarmId: string, at: number): void {
    const { minBeds, windowMs } = this.config.massDisconnect;
    this.recentDisconnects = this.recentDisconnects.filter((d) => at - d.at <= windowMs && d.bed !== bed);
    this.recentDisconnects.push({ at, bed, alarmId });
    if (this.recentDisconnects.length < minBeds) return;
    const notice = this.notices.massDisconnect(at, this.recentDisconnects.length, windowMs);
    for (const d of this.recentDisconnects) {
      const record = this.beds.get(d.bed)?.alarms.byId(d.alarmId);
      if (record && record.group === null) record.group = notice.id;
    }
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
