import type { AlarmTopicView } from "../../core/api-types.js";
import type { Logger } from "../../core/logger.js";
import { decodeNodeLine } from "../../core/protocol/codec.js";
import type { ErrorFrame, VitalParameter, WireErrorCode } from "../../core/protocol/frames.js";
import { MAX_LINE_BYTES } from "../../core/protocol/frames.js";
import type { ClassifiedReading, Reading } from "../../core/reading.js";
import type { Timer, TimeSource } from "../../core/time.js";
import type { BedRegistry } from "../beds.js";
import type { GatewayConfig } from "../config.js";
import type { CommitWaiter } from "../ingest/commit-queue.js";
import type { NodeBudgets } from "../ingest/node-budgets.js";
import type { GatewayMetrics } from "../metrics.js";
import type { MqttConfig } from "./mqtt-config.js";
import { MQTT_TOPICS, type MqttPayloads, type NodeStatus, type TopicKind, topicFor } from "./topics.js";

/** What the bridge needs from the gateway: the same entry points the TCP sessions use. */
export interface BridgeHost {
  config: GatewayConfig & { mqtt: MqttConfig };
  time: TimeSource;
  logger: Logger;
  metrics: GatewayMetrics;
  beds: BedRegistry;
  /** Per-node line and reading budgets, shared with the node's TCP connections. */
  budgets: NodeBudgets;
  /** Returns why the reading's seq is refused (bad_seq), if it is. */
  submit(reading: Reading, waiter: CommitWaiter | undefined, arrived: number): string | undefined;
  /** A node came online / went away for a bed (bed registry and alarm engine). */
  nodeOnline(bed: string, node: string, meta: { ward: string | null; patient: string | null }): void;
  nodeOffline(bed: string, node: string): void;
  /** A value was refused as implausible: a technical alarm for the bed. */
  rejected(bed: string, parameter: VitalParameter, value: number | null, why: string): void;
}

/** Sends a message to the broker (embedded: aedes.publish; external: the mqtt.js client). */
export type MqttPublish = (topic: string, payload: string, opts: { retain: boolean; qos: 0 | 1 }) => void;

/** Who sent a reading: the node id and the bed its topic names. */
export interface ReadingSource {
  node: string;
  ward: string;
  bed: string;
  /** Patient from the node's account, if configured; else the one in its status message. */
  patient: string | null;
}

/**
 * `done(undefined)`: acknowledge (the reading is durable, a resend, or rejected for good);
 * `done(error)`: do not acknowledge, so the client resends it (storage failed).
 * `rejected` is true when the payload was refused (and reported on …/error) rather than stored.
 */
export type AckCallback = (error?: Error, rejected?: boolean) => void;

/** Acknowledges one MQTT publish once the group commit that holds its reading is durable. */
class PublishWaiter implements CommitWaiter {
  constructor(private readonly done: AckCallback) {}
  committed(): void {}
  batchDone(): void {
    this.done();
  }
  failed(_seq: number, error: Error): void {
    this.done(error);
  }
}

/**
 * Treats MQTT nodes exactly like TCP nodes: decodeNodeLine on the payload, the gateway's submit
 * (classification, seq dedupe, group commit, alerts), and an ack only once durable. Also publishes
 * what the gateway knows: retained bed state, alarm events, and errors for rejected readings.
 */
export class MqttReadingBridge {
  private readonly patients = new Map<string, string>();
  /** Seq space per bed, from the node's online status. */
  private readonly boots = new Map<string, string>();
  private readonly online = new Map<string, string>();
  private readonly dirty = new Set<string>();
  /** The status each bed's retained state last carried. */
  private readonly publishedStatus = new Map<string, string>();
  private timer: Timer | undefined;

  constructor(
    private readonly host: BridgeHost,
    private readonly publish: MqttPublish,
  ) {}

  private get cfg(): MqttConfig {
    return this.host.config.mqtt;
  }

  publishTopic<K extends TopicKind>(kind: K, ward: string, bed: string, payload: MqttPayloads[K]): void {
    const t = MQTT_TOPICS[kind];
    this.publish(topicFor(kind, ward, bed), JSON.stringify(payload), { retain: t.retained, qos: t.qos });
  }

  onReading(src: ReadingSource, payload: Buffer, done: AckCallback): void {
    const arrived = performance.now();
    const now = this.host.time.now();
    if (payload.length > MAX_LINE_BYTES) {
      return this.reject(
        src,
        done,
        "too_long",
        `payload of ${payload.length} bytes exceeds ${MAX_LINE_BYTES}`,
      );
    }
    const d = decodeNodeLine(payload.toString("utf8"));
    if (d.kind === "rejected") {
      if (d.code === "bad_value" || d.seq !== undefined) this.host.metrics.received.inc();
      if (d.code === "bad_value" && d.parameter)
        this.host.rejected(src.bed, d.parameter, d.value ?? null, d.message);
      return this.reject(src, done, d.code, d.message, d.seq);
    }
    if (d.kind !== "vitals") {
      return this.reject(src, done, "bad_frame", `expected a vitals frame, got ${d.kind}`);
    }
    this.host.metrics.received.inc();
    const { type: _t, seq, t, flags, ...values } = d.frame;
    const key = `${src.ward}\u0000${src.bed}`;
    const refused = this.host.submit(
      {
        node: src.node,
        boot: this.boots.get(key) ?? "",
        seq,
        bed: src.bed,
        patient: src.patient ?? this.patients.get(key) ?? null,
        ward: src.ward,
        t,
        receivedAt: now,
        values,
        flags: flags ?? [],
      },
      new PublishWaiter(done),
      arrived,
    );
    // Acknowledged like any rejected reading, and reported with its seq: the node starts a new boot.
    if (refused !== undefined) this.reject(src, done, "bad_seq", refused, seq);
  }

  /**
   * A rejected reading is acknowledged (resending it cannot help, and an unacknowledged QoS 1
   * message would block the node's session forever) and reported on `…/error`.
   */
  private reject(src: ReadingSource, done: AckCallback, code: WireErrorCode, message: string, seq?: number) {
    this.host.metrics.rejected.inc({ code });
    this.host.logger.debug({ node: src.node, bed: src.bed, code }, message);
    const err: ErrorFrame =
      seq === undefined ? { type: "error", code, message } : { type: "error", code, message, seq };
    this.publishTopic("error", src.ward, src.bed, err);
    done(undefined, true);
  }

  /** A node's retained status (or its last will): marks the bed connected or disconnected. */
  onNodeStatus(ward: string, bed: string, node: string, status: NodeStatus): void {
    const key = `${ward}\u0000${bed}`;
    if (status.status === "online") {
      if (status.patient) this.patients.set(key, status.patient);
      if (status.boot) this.boots.set(key, status.boot);
      else this.boots.delete(key);
      if (this.online.has(key)) return;
      this.online.set(key, node);
      this.host.nodeOnline(bed, node, { ward, patient: status.patient ?? null });
      this.host.logger.info({ node, ward, bed, fw: status.fw }, "mqtt node online");
    } else {
      this.nodeGone(ward, bed);
    }
    this.bedChanged(bed);
  }

  /** The connection behind a bed ended (a will may also arrive: counted once). */
  nodeGone(ward: string, bed: string): void {
    const key = `${ward}\u0000${bed}`;
    const node = this.online.get(key);
    if (node === undefined) return;
    this.online.delete(key);
    this.host.nodeOffline(bed, node);
    this.host.logger.info({ node, ward, bed }, "mqtt node offline");
    this.bedChanged(bed);
  }

  // ---- gateway → MQTT ----

  start(): void {
    // An embedded broker starts with no retained messages: publish every known bed's state once.
    for (const b of this.host.beds.all()) this.dirty.add(b.bed);
    this.timer = this.host.time.every(this.cfg.stateIntervalMs, () => this.flushState());
  }

  readingsStored(readings: readonly ClassifiedReading[]): void {
    for (const r of readings) this.dirty.add(r.bed);
  }

  bedChanged(bed: string): void {
    this.dirty.add(bed);
  }

  /**
   * Republishes the retained state of every bed changed since the last flush — and of every bed whose
   * derived status moved on its own (values going stale change NORMAL to UNKNOWN with no event).
   */
  flushState(): void {
    for (const b of this.host.beds.all()) {
      if (!this.dirty.has(b.bed) && this.publishedStatus.get(b.bed) === b.status) continue;
      this.publishedStatus.set(b.bed, b.status);
      this.publishTopic("state", b.ward ?? this.cfg.ward, b.bed, b);
    }
    this.dirty.clear();
  }

  /** Every alarm engine event, with the bed's derived status after it, on `vitals/<ward>/<bed>/alarm`. */
  alarmEvent(a: AlarmTopicView): void {
    this.publishTopic("alarm", a.ward ?? this.cfg.ward, a.bed, a);
  }

  stop(): void {
    this.timer?.cancel();
    this.flushState();
  }
}
