import type {
  AlarmItemView,
  BedAlarmSummary,
  LiveMessage,
  News2Summary,
  NoticeView,
} from "../../core/api-types.js";
import type { Logger } from "../../core/logger.js";
import type { AlarmCommandFrame, VitalParameter } from "../../core/protocol/frames.js";
import type { Classification, ClassifiedReading, Reading } from "../../core/reading.js";
import type { Timer, TimeSource } from "../../core/time.js";
import type { BedRegistry } from "../beds.js";
import { type AlarmStore, eventView } from "../store/alarm-store.js";
import type { AlarmConfig } from "./alarm-config.js";
import { AlarmEngine } from "./alarm-engine.js";
import type { LimitOverrides } from "./limit-overrides.js";
import type { News2Manual } from "./news2.js";
import {
  type AlarmEvent,
  type AlarmView,
  type ClearReason,
  type EscalatedEvent,
  higherPriority,
  type LimitsChangedEvent,
  type Priority,
  type StationAlarmKind,
} from "./types.js";

export interface AlarmServiceDeps {
  config: AlarmConfig;
  time: TimeSource;
  logger: Logger;
  store: AlarmStore;
  beds: BedRegistry;
  live: { broadcast(msg: LiveMessage): void };
  /** Sends a frame to the node(s) of a bed, for bedside buzzers. */
  toBed?: (bed: string, frame: AlarmCommandFrame) => void;
  /** The ward's loudest audible priority changed: what the central station's buzzer plays. */
  onSound?: (priority: Priority | null) => void;
  /** An alarm went unacknowledged too long: remote notification. */
  onEscalation?: (event: EscalatedEvent) => void;
  /** Every alarm event, after it is logged. */
  onAlarmEvent?: (event: AlarmEvent) => void;
  /** The events of one input (a committed batch, a tick, an action), together, after onAlarmEvent. */
  onAlarmEvents?: (events: readonly AlarmEvent[]) => void;
}

/** The published view of one listed alarm. */
export function alarmItemView(a: AlarmView): AlarmItemView {
  return {
    id: a.id,
    bed: a.bed,
    patient: a.patient,
    kind: a.kind,
    parameter: a.parameter,
    priority: a.priority,
    state: a.state,
    latched: a.latched,
    value: a.value,
    since: a.since,
    raised_at: a.raisedAt,
    acknowledged_by: a.acknowledgedBy,
    acknowledged_at: a.acknowledgedAt,
    escalated: a.escalated,
    limit: a.limit,
    group: a.group,
  };
}

const MAX_TICK_MS = 1_000;
/** How often the gateway writes its last sign of life (the restart notice's gap is measured from it). */
const ALIVE_EVERY_MS = 1_000;

/**
 * The alarm engine inside the gateway: feeds it readings, rejections and connections; ticks it exactly
 * when something falls due; logs every event; pushes changes live; keeps bedside and central buzzers
 * in step with the loudest audible alarm; forwards escalations.
 *
 * Readings are judged before their commit (`judge`), so each is stored with the status derived right
 * after it; the events that judging caused are held and fanned out by `settle()` once the batch is
 * durable. Every other input (timer, acknowledgement, pause, connections) settles at once.
 *
 * The engine's state survives restarts: the events and the changed beds' snapshots are written by
 * `writePending()` — inside the readings' transaction for a judged batch, in one transaction of their
 * own otherwise — before anything is fanned out, and restored when the service is built.
 */
export class AlarmService {
  readonly engine: AlarmEngine;
  private timer: Timer | undefined;
  private armedFor = Number.POSITIVE_INFINITY;
  private running = false;
  private readonly observations: Map<string, News2Manual>;
  private readonly soundDirty = new Set<string>();
  private readonly bedSound = new Map<string, Priority | null>();
  private wardSound: Priority | null = null;
  private readonly staleSignature = new Map<string, string>();
  /** Events emitted and not yet logged and fanned out (judged readings wait for their commit). */
  private pending: AlarmEvent[] = [];
  /** How many of `pending` are written (inside a transaction that has not failed). */
  private written = 0;
  /** Beds whose snapshot changed since it was last written, and those the last write covered. */
  private dirty = new Set<string>();
  private lastWritten = new Set<string>();
  private readonly persisted = new Set<string>();
  private aliveWrittenAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly deps: AlarmServiceDeps) {
    this.engine = new AlarmEngine({
      time: deps.time,
      config: deps.config,
      onEvent: (e) => this.onEvent(e),
      onListenerError: (err, e) => deps.logger.error({ err, event: e.type }, "alarm event handling failed"),
    });
    this.observations = deps.store.latestObservations();
    this.restore();
  }

  /** Picks up the previous run's alarms; a previous run that monitored beds leaves a restart notice. */
  private restore(): void {
    const beds = this.deps.store.states();
    const lastAliveAt = this.deps.store.meta<number>("alive_at");
    if (beds.length === 0 || lastAliveAt === undefined) return;
    const now = this.deps.time.now();
    this.engine.restore(beds, this.deps.store.meta("alarm_ward"), { at: now, lastAliveAt });
    for (const b of beds) {
      this.persisted.add(b.bed);
      // Restored alarms sound at once, on the central station and the bedside.
      this.soundDirty.add(b.bed);
    }
    this.deps.logger.warn(
      { beds: beds.length, alarms: this.engine.activeAlarms().length, gapMs: now - lastAliveAt },
      "alarm state restored after a restart",
    );
  }

  start(): void {
    this.running = true;
    this.alive(this.deps.time.now(), true);
    this.settle();
    this.arm();
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.timer?.cancel();
    this.settle();
    this.alive(this.deps.time.now(), true);
  }

  /**
   * Writes the events held and the changed beds' snapshots. Call inside the transaction that stores
   * the readings they came from; `settle()` writes what is left in a transaction of its own.
   */
  writePending(): void {
    const store = this.deps.store;
    for (let i = this.written; i < this.pending.length; i++) store.record(this.pending[i] as AlarmEvent);
    const beds = new Set(this.dirty);
    for (const bed of beds) {
      store.saveState(bed, this.engine.snapshot(bed), this.deps.time.now());
      this.persisted.add(bed);
    }
    if (this.pending.length > this.written) store.saveMeta("alarm_ward", this.engine.wardSnapshot());
    this.written = this.pending.length;
    this.lastWritten = beds;
    this.dirty.clear();
  }

  /** The transaction `writePending()` ran in failed: it is all still to be written. */
  rolledBack(): void {
    this.written = 0;
    for (const bed of this.lastWritten) this.dirty.add(bed);
    this.lastWritten = new Set();
  }

  private alive(now: number, force = false): void {
    if (!force && now - this.aliveWrittenAt < ALIVE_EVERY_MS) return;
    this.aliveWrittenAt = now;
    this.deps.store.saveMeta("alive_at", now);
  }

  ingest(readings: readonly Reading[]): void {
    for (const r of readings) this.engine.ingest(r);
    this.settle();
  }

  /**
   * Feeds a batch that is about to be committed and sets each reading's status and reasons to the
   * bed's derived status right after it. Call `settle()` once the batch is durable.
   */
  judge(readings: readonly ClassifiedReading[]): void {
    for (const r of readings) {
      this.engine.ingest(r);
      // Listed alarms change in place (latest value, latching) without an event: keep them current.
      if (!this.persisted.has(r.bed) || this.engine.listsAlarms(r.bed)) this.dirty.add(r.bed);
      const c = this.engine.classify(r.bed, r.receivedAt);
      r.status = c.status;
      r.reasons = c.reasons;
    }
  }

  /** The bed's derived status now (core/bed-status.ts). */
  classify(bed: string): Classification {
    return this.engine.classify(bed, this.deps.time.now());
  }

  rejected(bed: string, parameter: VitalParameter, value: number | null, why: string): void {
    this.engine.rejected(bed, parameter, value, why, this.deps.time.now());
    this.dirty.add(bed);
    this.settle();
  }

  connected(
    bed: string,
    node: string,
    heartbeatMs: number,
    meta: { ward: string | null; patient: string | null } = { ward: null, patient: null },
  ): void {
    this.engine.nodeConnected(bed, node, this.deps.time.now(), meta.ward, meta.patient);
    this.engine.heartbeat(bed, heartbeatMs);
    this.dirty.add(bed);
    this.settle();
    // Tell the (re)connected node what its bed sounds now, once its hello has been answered.
    queueMicrotask(() =>
      this.deps.toBed?.(bed, { type: "alarm", priority: this.engine.state(bed)?.audible ?? "none" }),
    );
  }

  disconnected(bed: string, node: string): void {
    this.engine.nodeDisconnected(bed, node, this.deps.time.now());
    this.dirty.add(bed);
    this.settle();
  }

  /** Acknowledges a ward notice and the listed alarms grouped under it; false for an unknown notice. */
  acknowledgeNotice(id: string, user: string): boolean {
    const ok = this.engine.acknowledgeNotice(id, user, this.deps.time.now());
    this.settle();
    return ok;
  }

  notices(): NoticeView[] {
    return this.engine.listNotices().map((n) => ({
      id: n.id,
      kind: n.kind,
      text: n.text,
      at: n.at,
      gap_ms: n.gapMs,
      state: n.state,
      acknowledged_by: n.acknowledgedBy,
      acknowledged_at: n.acknowledgedAt,
      beds: this.engine.noticeBeds(n.id),
    }));
  }

  /** Standby on/off (no alarms while on: they close with reason standby). */
  standby(bed: string, on: boolean, user: string): void {
    this.engine.standby(bed, on, user, this.deps.time.now());
    this.dirty.add(bed);
    this.deps.beds.touch(bed);
    this.settle();
  }

  /** The bed's patient is now this one (admission, transfer in). */
  setPatient(bed: string, patient: string | null): void {
    this.engine.setPatient(bed, patient, this.deps.time.now());
    this.dirty.add(bed);
    this.deps.beds.touch(bed);
    this.settle();
  }

  /** Forgets the bed: its alarms close with `reason` (discharge, transfer out, removal). */
  release(bed: string, user: string, reason: ClearReason): void {
    this.engine.resetBed(bed, user, this.deps.time.now(), reason);
    this.dirty.add(bed);
    this.deps.beds.touch(bed);
    this.settle();
  }

  /** Raises or clears a technical alarm of the central station (e.g. storage failing). */
  stationCondition(kind: StationAlarmKind, on: boolean): void {
    this.engine.stationCondition(kind, on, this.deps.time.now());
    this.settle();
  }

  acknowledge(alarmId: string, user: string): boolean {
    const ok = this.engine.acknowledge(alarmId, user, this.deps.time.now());
    this.settle();
    return ok;
  }

  pause(bed: string, user: string, durationMs?: number): number | null {
    this.engine.pause(bed, user, this.deps.time.now(), durationMs);
    this.settle();
    return this.engine.state(bed)?.pausedUntil ?? null;
  }

  setLimits(bed: string, overrides: LimitOverrides, user: string): LimitsChangedEvent[] {
    const patient = this.deps.beds.view(bed)?.patient ?? null;
    const audit = this.engine.setLimits(bed, patient, overrides, user, this.deps.time.now());
    this.dirty.add(bed);
    this.deps.beds.touch(bed);
    this.settle();
    return audit;
  }

  observe(bed: string, entry: News2Manual, user: string): void {
    const merged = { ...this.observations.get(bed), ...entry };
    this.observations.set(bed, merged);
    this.deps.store.saveObservation(
      this.deps.time.now(),
      bed,
      this.deps.beds.view(bed)?.patient ?? null,
      user,
      merged,
    );
    this.deps.beds.touch(bed);
  }

  news2(bed: string): News2Summary | null {
    const r = this.engine.news2(bed, this.observations.get(bed) ?? {});
    if (!r) return null;
    return {
      total: r.total,
      band: r.band,
      red_score: r.redScore,
      complete: r.complete,
      missing: r.missing,
      scale: r.scale,
      parts: r.parts,
    };
  }

  summary(bed: string): BedAlarmSummary | null {
    const s = this.engine.state(bed);
    if (!s) return null;
    return {
      profile: s.profile,
      audible: s.audible,
      paused_until: s.pausedUntil,
      stale: s.stale,
      alarms: s.alarms.map(alarmItemView),
    };
  }

  /** The loudest audible priority in the ward now. */
  get sound(): Priority | null {
    return this.wardSound;
  }

  private onEvent(e: AlarmEvent): void {
    this.pending.push(e);
    if (e.bed === "") return; // a ward notice
    this.soundDirty.add(e.bed);
    this.dirty.add(e.bed);
  }

  /** Fans out the events held so far (they are written by then). */
  private fanOut(): void {
    if (this.pending.length === 0) return;
    const events = this.pending;
    this.pending = [];
    this.written = 0;
    let notices = false;
    for (const e of events) {
      if (e.type === "notice" || ("group" in e && e.group !== undefined)) notices = true;
      if (e.bed === "") {
        this.deps.live.broadcast({ type: "alarm_event", event: eventView(e) });
        this.deps.onAlarmEvent?.(e);
        continue;
      }
      this.deps.beds.touch(e.bed);
      if (e.type !== "limits_changed") this.deps.live.broadcast({ type: "alarm_event", event: eventView(e) });
      if (e.type === "raised")
        this.deps.logger.info(
          { bed: e.bed, kind: e.kind, parameter: e.parameter, priority: e.priority },
          "alarm raised",
        );
      if (e.type === "escalated") this.deps.onEscalation?.(e);
      this.deps.onAlarmEvent?.(e);
    }
    if (notices) this.deps.live.broadcast({ type: "notices", notices: this.notices() });
    this.deps.onAlarmEvents?.(events);
  }

  /**
   * After any input (and after a judged batch is durable): log and fan out its events, update buzzers
   * for beds whose alarms changed, and re-arm the tick timer.
   */
  settle(): void {
    if (this.pending.length > this.written || this.dirty.size > 0)
      this.deps.store.transaction(() => this.writePending());
    this.lastWritten = new Set();
    this.fanOut();
    if (this.soundDirty.size) {
      for (const bed of this.soundDirty) {
        const now = this.engine.state(bed)?.audible ?? null;
        if ((this.bedSound.get(bed) ?? null) !== now) {
          this.bedSound.set(bed, now);
          this.deps.toBed?.(bed, { type: "alarm", priority: now ?? "none" });
        }
      }
      this.soundDirty.clear();
      let loudest: Priority | null = null;
      for (const p of this.bedSound.values()) loudest = higherPriority(loudest, p);
      if (loudest !== this.wardSound) {
        this.wardSound = loudest;
        this.deps.onSound?.(loudest);
        this.deps.live.broadcast({ type: "sound", priority: loudest });
      }
    }
    if (this.running && this.engine.nextDueAt() < this.armedFor) this.arm();
  }

  private tick(): void {
    const now = this.deps.time.now();
    this.engine.tick(now);
    this.alive(now);
    // Staleness changes with time alone: push beds whose stale set changed since the last tick.
    for (const bed of this.engine.bedNames()) {
      const s = this.engine.state(bed, now);
      if (!s) continue;
      const sig = Object.values(s.stale).join();
      if (this.staleSignature.get(bed) !== sig) {
        this.staleSignature.set(bed, sig);
        this.deps.beds.touch(bed);
      }
    }
    this.settle();
    this.arm();
  }

  private arm(): void {
    this.timer?.cancel();
    if (!this.running) return;
    const now = this.deps.time.now();
    const due = Math.min(this.engine.nextDueAt(), now + MAX_TICK_MS);
    this.armedFor = due;
    this.timer = this.deps.time.after(Math.max(0, due - now), () => this.tick());
  }
}
