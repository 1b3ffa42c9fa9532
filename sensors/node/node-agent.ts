import { type Logger, silentLogger } from "../../core/logger.js";
import type { HelloFrame, SoundPriority, VitalParameter } from "../../core/protocol/frames.js";
import { systemTime, type Timer, type TimeSource } from "../../core/time.js";
import { GatewayLink } from "../link/gateway-link.js";
import type { Outbox } from "../link/outbox.js";
import type { SensorDriver } from "../sample.js";
import { SampleMerger, type SampleMergerOptions } from "./sample-merger.js";

/**
 * A system clock before this date has obviously not been set (a Raspberry Pi has no RTC and counts
 * from its last shutdown, or 1970, until NTP answers): readings taken then are flagged clock_unsynced.
 */
export const CLOCK_SET_AFTER = Date.UTC(2024, 0, 1);

/** A sensor the agent runs: made (and, after a failure, remade) on demand, e.g. once its board answers. */
export interface NodeSensor {
  /** Unique within the agent, e.g. "max30205" or "max30205#2". */
  label: string;
  parameters: readonly VitalParameter[];
  create(): Promise<SensorDriver>;
}

export interface NodeAgentOptions {
  gateway: { host: string; port: number; tls?: { ca?: string | Buffer; servername?: string } | undefined };
  hello: Omit<HelloFrame, "type" | "proto">;
  sensors: NodeSensor[];
  outbox: Outbox & { readonly dropped?: number };
  /** Readings per second (default 1). */
  rateHz?: number;
  merger?: SampleMergerOptions;
  /** Wait before retrying a sensor that failed to open or start (default 5000 ms), doubling up to 12×. */
  sensorRetryMs?: number;
  backoff?: { initialMs: number; maxMs: number };
  /**
   * The other end of a broken link alarms too: when the gateway has been unreachable this long (default
   * 30 000 ms; 0 = never), the node raises a local technical alarm — medium priority on every driver with
   * a buzzer, and an error in the log — until the link is back.
   */
  gatewayLostAlarmMs?: number;
  /** Told when the local "gateway unreachable" alarm starts (with how long it has been) and ends. */
  onLocalAlarm?: (on: boolean, lostForMs: number) => void;
  time?: TimeSource;
  logger?: Logger;
}

export interface NodeAgentStatus {
  connected: boolean;
  /** Readings taken and not yet acknowledged (they are on disk with a DiskOutbox). */
  pending: number;
  /** Readings dropped because the outbox was full. */
  dropped: number;
  lastSeq: number;
  ackedSeq: number;
  /** Time (on the agent's time source) of the last ack, undefined before the first. */
  lastAckAt: number | undefined;
  /** Readings that could not be queued (disk full, I/O error). */
  failedRecords: number;
  /** The local "gateway unreachable" technical alarm is on. */
  localAlarm: boolean;
  sensors: {
    label: string;
    /** state === "running". */
    running: boolean;
    /** "starting": not opened yet; "failed": the last attempt to open it failed (it is retried). */
    state: "starting" | "running" | "failed";
    /** Why the last attempt to open it failed. */
    lastError?: string;
    lastSampleAt: number | undefined;
  }[];
}

interface SensorState {
  sensor: NodeSensor;
  driver: SensorDriver | undefined;
  retry: Timer | undefined;
  lastError?: string | undefined;
  failures: number;
}

/**
 * The bedside node: sensors → SampleMerger → GatewayLink over a (disk) outbox. One reading per tick
 * whatever the sensors do, so the gateway sees a steady stream with nulls and flags rather than gaps
 * when a probe falls off; a sensor that fails to open is retried in the background.
 */
export class NodeAgent {
  readonly link: GatewayLink;
  private readonly merger: SampleMerger;
  private readonly time: TimeSource;
  private readonly logger: Logger;
  private readonly states: SensorState[];
  private ticker: Timer | undefined;
  private running = false;
  private lastAckAt: number | undefined;
  /** Since when the gateway has been unreachable (undefined while connected). */
  private lostSince: number | undefined;
  /** The local "gateway unreachable" technical alarm is on. */
  localAlarm = false;
  /** Readings that could not be queued (disk full, I/O error). */
  failedRecords = 0;

  constructor(private readonly opts: NodeAgentOptions) {
    this.time = opts.time ?? systemTime;
    this.logger = opts.logger ?? silentLogger;
    this.merger = new SampleMerger(opts.merger);
    this.states = opts.sensors.map((sensor) => ({
      sensor,
      driver: undefined,
      retry: undefined,
      failures: 0,
    }));
    this.link = new GatewayLink({
      host: opts.gateway.host,
      port: opts.gateway.port,
      tls: opts.gateway.tls,
      hello: opts.hello,
      outbox: opts.outbox,
      time: this.time,
      logger: this.logger.child({ ns: "link" }),
      ...(opts.backoff ? { backoff: opts.backoff } : {}),
    });
    this.link.on("connected", (w) => {
      this.logger.info({ lastSeq: w.last_seq, pending: this.opts.outbox.size }, "connected to gateway");
      this.lostSince = undefined;
      this.endLocalAlarm();
    });
    this.link.on("disconnected", () => {
      if (!this.running) return;
      this.lostSince ??= this.time.now();
      this.logger.warn({ pending: this.opts.outbox.size }, "gateway connection lost; queueing on disk");
    });
    this.link.on("ack", () => {
      this.lastAckAt = this.time.now();
    });
    this.link.on("rejected", (e) => this.logger.error({ code: e.code, seq: e.seq }, e.message));
    // The gateway's alarm frames go to every driver with a buzzer (e.g. the serial-firmware board).
    this.link.on("alarm", (priority) => {
      this.alarm = priority;
      if (!this.localAlarm) for (const s of this.states) s.driver?.setAlarm?.(priority);
    });
  }

  /** The last alarm priority the gateway sent for this bed. */
  alarm: SoundPriority = "none";

  start(): void {
    if (this.running) return;
    this.running = true;
    const now = this.time.now();
    for (const s of this.states) {
      this.merger.register(s.sensor.label, s.sensor.parameters, now);
      void this.startSensor(s);
    }
    this.lostSince = now;
    this.link.start();
    const periodMs = 1000 / (this.opts.rateHz ?? 1);
    this.ticker = this.time.every(periodMs, () => this.tick());
  }

  /** Takes one reading now (the timer calls this every 1/rate s); watches the link to the gateway. */
  tick(): void {
    // The protocol's t is whole milliseconds; an injected time source (an emulator's) need not be.
    const now = this.time.now();
    this.watchLink(now);
    try {
      const reading = this.merger.merge(now);
      // At most 16 flags go on the wire: this one takes the place of the last if need be.
      if (now < CLOCK_SET_AFTER) reading.flags = [...(reading.flags ?? []).slice(0, 15), "clock_unsynced"];
      this.link.record({ ...reading, t: Math.floor(now) });
    } catch (e) {
      // A full or failing disk must not kill the agent: this reading is lost, the next may not be.
      this.failedRecords++;
      if (this.failedRecords === 1 || this.failedRecords % 60 === 0)
        this.logger.error(
          { err: (e as Error).message, failed: this.failedRecords },
          "could not queue a reading",
        );
    }
  }

  /** Raises the local technical alarm once the gateway has been unreachable for gatewayLostAlarmMs. */
  private watchLink(now: number): void {
    const limit = this.opts.gatewayLostAlarmMs ?? 30_000;
    if (this.localAlarm || limit <= 0 || this.lostSince === undefined || this.link.connected) return;
    const lostFor = now - this.lostSince;
    if (lostFor < limit) return;
    this.localAlarm = true;
    let buzzers = 0;
    for (const s of this.states) {
      if (!s.driver?.setAlarm) continue;
      // Medium: a technical alarm, not masking a high-priority one the gateway already asked for.
      s.driver.setAlarm(this.alarm === "high" ? "high" : "medium");
      buzzers++;
    }
    this.logger.error(
      { lostForMs: lostFor, buzzers, gateway: `${this.opts.gateway.host}:${this.opts.gateway.port}` },
      "LOCAL ALARM: gateway unreachable — this bed is not being monitored centrally",
    );
    this.opts.onLocalAlarm?.(true, lostFor);
  }

  private endLocalAlarm(): void {
    if (!this.localAlarm) return;
    this.localAlarm = false;
    // Back to what the gateway last asked for; it tells the node the bed's current sound on reconnect.
    for (const s of this.states) s.driver?.setAlarm?.(this.alarm);
    this.logger.warn("gateway reachable again: local alarm ended");
    this.opts.onLocalAlarm?.(false, 0);
  }

  status(): NodeAgentStatus {
    const last = this.merger.lastSamples();
    return {
      connected: this.link.connected,
      pending: this.opts.outbox.size,
      dropped: this.opts.outbox.dropped ?? 0,
      lastSeq: this.opts.outbox.lastSeq(),
      ackedSeq: this.link.acked,
      lastAckAt: this.lastAckAt,
      failedRecords: this.failedRecords,
      localAlarm: this.localAlarm,
      sensors: this.states.map((s) => {
        const device = s.driver?.device?.();
        const error = s.driver === undefined ? s.lastError : device?.error;
        const state =
          s.driver === undefined
            ? s.failures > 0
              ? "failed"
              : "starting"
            : device && !device.open
              ? device.error !== undefined
                ? "failed"
                : "starting"
              : "running";
        return {
          label: s.sensor.label,
          running: state === "running",
          state,
          ...(state !== "running" && error !== undefined ? { lastError: error } : {}),
          lastSampleAt: last[s.sensor.label],
        };
      }),
    };
  }

  /**
   * Stops taking readings and stops the sensors; then, if the gateway is connected, waits up to
   * `drainMs` for the queue to empty (what is left stays on disk for the next start).
   */
  async stop(opts: { drainMs?: number } = {}): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.ticker?.cancel();
    await Promise.all(
      this.states.map(async (s) => {
        s.retry?.cancel();
        const d = s.driver;
        s.driver = undefined;
        await d?.stop().catch((e: unknown) => this.logger.warn({ err: String(e) }, "sensor stop failed"));
      }),
    );
    await this.drain(opts.drainMs ?? 0);
    await this.link.stop();
    this.opts.outbox.close?.();
  }

  private async drain(ms: number): Promise<void> {
    if (ms <= 0 || !this.link.connected || this.opts.outbox.size === 0) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        timer.cancel();
        this.link.off("ack", check);
        this.link.off("disconnected", done);
        resolve();
      };
      const check = () => {
        if (this.opts.outbox.size === 0) done();
      };
      const timer = this.time.after(ms, done);
      this.link.on("ack", check);
      this.link.on("disconnected", done);
    });
  }

  private async startSensor(s: SensorState): Promise<void> {
    const log = this.logger.child({ sensor: s.sensor.label });
    let driver: SensorDriver | undefined;
    try {
      driver = await s.sensor.create();
      // Samples are relabelled so two sensors of one kind (two thermometers) stay apart in the merger.
      await driver.start((sample) => {
        if (this.running) this.merger.add({ ...sample, source: s.sensor.label });
      });
      if (!this.running) {
        await driver.stop();
        return;
      }
      s.driver = driver;
      s.failures = 0;
      s.lastError = undefined;
      log.info("sensor started");
    } catch (e) {
      await driver?.stop().catch(() => undefined);
      if (!this.running) return;
      // Back off (5 s … 60 s by default): a board left unplugged all night need not be hammered.
      const retryMs = Math.min(12, 2 ** s.failures) * (this.opts.sensorRetryMs ?? 5000);
      s.failures++;
      s.lastError = (e as Error).message;
      log.warn({ err: (e as Error).message, retryMs }, "sensor failed to start; retrying");
      s.retry = this.time.after(retryMs, () => void this.startSensor(s));
    }
  }
}
