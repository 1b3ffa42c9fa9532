import type { BedAlarmSummary, LiveMessage, News2Summary } from "../../core/api-types.js";
import type { Logger } from "../../core/logger.js";
import type { AlarmCommandFrame, VitalParameter } from "../../core/protocol/frames.js";
import type { Reading } from "../../core/reading.js";
import type { Timer, TimeSource } from "../../core/time.js";
import type { BedRegistry } from "../beds.js";
import { type AlarmStore, eventView } from "../store/alarm-store.js";
import type { AlarmConfig } from "./alarm-config.js";
import { AlarmEngine } from "./alarm-engine.js";
import type { LimitOverrides } from "./limit-overrides.js";
import type { News2Manual } from "./news2.js";
import {
  type AlarmEvent,
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
}

const MAX_TICK_MS = 1_000;

/**
 * The alarm engine inside the gateway: feeds it readings, rejections and connections; ticks it exactly
 * when something falls due; logs every event; pushes changes live; keeps bedside and central buzzers
 * in step with the loudest audible alarm; forwards escalations.
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

  constructor(private readonly deps: AlarmServiceDeps) {
    this.engine = new AlarmEngine({
      time: deps.time,
      config: deps.config,
      onEvent: (e) => this.onEvent(e),
      onListenerError: (err, e) => deps.logger.error({ err, event: e.type }, "alarm event handling failed"),
    });
    this.observations = deps.store.latestObservations();
  }

  start(): void {
    this.running = true;
    this.arm();
  }

  stop(): void {
    this.running = false;
    this.timer?.cancel();
  }

  ingest(readings: readonly Reading[]): void {
    for (const r of readings) this.engine.ingest(r);
    this.settle();
  }

  rejected(bed: string, parameter: VitalParameter, value: number | null, why: string): void {
    this.engine.rejected(bed, parameter, value, why, this.deps.time.now());
    this.settle();
  }

  connected(bed: string, node: string, heartbeatMs: number): void {
    this.engine.heartbeat(bed, heartbeatMs);
    this.engine.nodeConnected(bed, node, this.deps.time.now());
    this.settle();
  }

  disconnected(bed: string, node: string): void {
    this.engine.nodeDisconnected(bed, node, this.deps.time.now());
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
      alarms: s.alarms.map((a) => ({
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
      })),
    };
  }

  /** The loudest audible priority in the ward now. */
  get sound(): Priority | null {
    return this.wardSound;
  }

  private onEvent(e: AlarmEvent): void {
    this.deps.store.record(e);
    this.deps.beds.touch(e.bed);
    this.soundDirty.add(e.bed);
    if (e.type !== "limits_changed") this.deps.live.broadcast({ type: "alarm_event", event: eventView(e) });
    if (e.type === "raised")
      this.deps.logger.info(
        { bed: e.bed, kind: e.kind, parameter: e.parameter, priority: e.priority },
        "alarm raised",
      );
    if (e.type === "escalated") this.deps.onEscalation?.(e);
    this.deps.onAlarmEvent?.(e);
  }

  /** After any input: update buzzers for beds whose alarms changed, and re-arm the tick timer. */
  private settle(): void {
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
