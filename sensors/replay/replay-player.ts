import { EventEmitter } from "node:events";
import { type Logger, silentLogger } from "../../core/logger.js";
import { systemTime, type Timer, type TimeSource } from "../../core/time.js";
import { GatewayLink } from "../link/gateway-link.js";
import { MemoryOutbox } from "../link/outbox.js";
import { frameValues, type ParsedRecording } from "./replay-row.js";

export interface ReplayBed {
  bed: string;
  recording: ParsedRecording;
  /** Node id in the hello; default `replay-<bed>`. */
  node?: string;
}

export interface ReplayPlayerOptions {
  host: string;
  port: number;
  beds: ReplayBed[];
  /** Playback speed: 1 = the recording's own pace, 60 = a minute per second. */
  speed?: number;
  /** Start again from the beginning (or --start) after the last row. */
  loop?: boolean;
  /** Skip the recording's first `startMs` milliseconds. */
  startMs?: number;
  token?: string | undefined;
  time?: TimeSource;
  logger?: Logger;
}

export interface ReplayBedStatus {
  bed: string;
  connected: boolean;
  /** Rows taken into the outbox so far (counting loops). */
  sent: number;
  /** Rows in one pass of the recording (after --start). */
  total: number;
  acked: number;
  pending: number;
}

/**
 * Plays recordings into a gateway as bedside nodes: one GatewayLink with a MemoryOutbox per bed, each
 * row taken at its recorded offset divided by the speed, on the injected time source (so a test can
 * run it on FakeTime). The frame's device time is the time source's now() when the row is played.
 */
export class ReplayPlayer extends EventEmitter<{ done: []; row: [string, number] }> {
  private readonly time: TimeSource;
  private readonly beds: {
    spec: ReplayBed;
    link: GatewayLink;
    rows: ParsedRecording["rows"];
    next: number;
    sent: number;
    timer?: Timer;
  }[];
  private finished = false;

  constructor(private readonly opts: ReplayPlayerOptions) {
    super();
    this.time = opts.time ?? systemTime;
    const logger = opts.logger ?? silentLogger;
    this.beds = opts.beds.map((spec) => {
      const node = spec.node ?? `replay-${spec.bed}`;
      const link = new GatewayLink({
        host: opts.host,
        port: opts.port,
        hello: { node, bed: spec.bed, fw: "vitals-replay", ...(opts.token ? { token: opts.token } : {}) },
        outbox: new MemoryOutbox(),
        time: this.time,
        logger: logger.child({ bed: spec.bed }),
      });
      link.on("ack", () => this.checkDone());
      const rows = spec.recording.rows.filter((r) => r.t >= (opts.startMs ?? 0));
      return { spec, link, rows, next: 0, sent: 0 };
    });
  }

  start(): void {
    for (const b of this.beds) {
      b.link.start();
      this.schedule(b, 0);
    }
    this.checkDone();
  }

  status(): ReplayBedStatus[] {
    return this.beds.map((b) => ({
      bed: b.spec.bed,
      connected: b.link.connected,
      sent: b.sent,
      total: b.rows.length,
      acked: b.sent - b.link.pending,
      pending: b.link.pending,
    }));
  }

  async stop(): Promise<void> {
    for (const b of this.beds) b.timer?.cancel();
    await Promise.all(this.beds.map((b) => b.link.stop()));
  }

  private schedule(b: (typeof this.beds)[number], delayMs: number): void {
    if (b.next >= b.rows.length) {
      if (!this.opts.loop || b.rows.length === 0) return;
      b.next = 0;
    }
    b.timer = this.time.after(delayMs, () => this.play(b));
  }

  private play(b: (typeof this.beds)[number]): void {
    const row = b.rows[b.next] as ParsedRecording["rows"][number];
    b.link.record({
      ...frameValues(row, b.spec.recording.keys),
      ...(row.rrFromPpg && row.values.rr != null ? { rr_src: "ppg" as const } : {}),
    });
    b.sent++;
    this.emit("row", b.spec.bed, b.sent);
    b.next++;
    const following = b.rows[b.next];
    const speed = this.opts.speed ?? 1;
    // After the last row of a loop, the next pass starts one typical row interval later.
    const gap = following !== undefined ? following.t - row.t : (b.rows[1]?.t ?? 1_000) - (b.rows[0]?.t ?? 0);
    this.schedule(b, Math.max(0, gap) / speed);
  }

  private checkDone(): void {
    if (this.finished || this.opts.loop) return;
    if (this.beds.every((b) => b.next >= b.rows.length && b.link.pending === 0)) {
      this.finished = true;
      this.emit("done");
    }
  }
}
