import { EventEmitter } from "node:events";
import { connect, type Socket } from "node:net";
import { connect as connectTls } from "node:tls";
import { type Logger, silentLogger } from "../../core/logger.js";
import { decodeGatewayLine, encodeFrame } from "../../core/protocol/codec.js";
import {
  type ErrorFrame,
  type HelloFrame,
  type NodeFrame,
  PROTO_VERSION,
  type SoundPriority,
  type VitalsFrame,
  type WelcomeFrame,
} from "../../core/protocol/frames.js";
import { LineSplitter } from "../../core/protocol/line-splitter.js";
import { systemTime, type Timer, type TimeSource } from "../../core/time.js";
import { backoffDelay } from "./backoff.js";
import type { Outbox } from "./outbox.js";

export interface GatewayLinkOptions {
  host: string;
  port: number;
  /** Connect over TLS, trusting `ca` (the gateway's `vitals certs init` CA) instead of the system's. */
  tls?: { ca?: string | Buffer; servername?: string } | undefined;
  hello: Omit<HelloFrame, "type" | "proto">;
  outbox: Outbox;
  time?: TimeSource;
  logger?: Logger;
  backoff?: { initialMs: number; maxMs: number };
  /** Most frames sent but not yet acknowledged. */
  window?: number;
  /**
   * Sending pace cap, lines per second. The link paces at 90 % of the limit the gateway announces in
   * its welcome (or of this cap, if lower), so a backlog after an outage drains as fast as allowed
   * without being cut off as a flood. Before a welcome, and with gateways that announce none: 1000.
   */
  maxLinesPerSecond?: number;
  random?: () => number;
}

export type LinkReading = Omit<VitalsFrame, "type" | "seq" | "t"> & { t?: number };

/**
 * A node's connection to the gateway, delivering readings at least once (and, thanks to the
 * gateway's (node, seq) key, stored once): every reading goes to the outbox first, is sent within a
 * window, and leaves the outbox only when a cumulative ack covers it. Reconnects with capped
 * exponential backoff and jitter, and resends everything unacknowledged.
 */
export class GatewayLink extends EventEmitter<{
  connected: [WelcomeFrame];
  disconnected: [string];
  ack: [number];
  rejected: [ErrorFrame];
  /** The gateway asks a node with a buzzer to play (or stop) an alarm pattern. */
  alarm: [SoundPriority];
  /** The link started a new seq space (the new boot id). */
  newBoot: [string];
  /** A connection attempt failed or the connection broke (the reason); the link retries. */
  connectionError: [string];
}> {
  private socket: Socket | undefined;
  private splitter = new LineSplitter(1 << 16);
  private welcomed = false;
  private sentUpTo = 0;
  private ackedUpTo = 0;
  private attempt = 0;
  private stopped = true;
  private reconnectTimer: Timer | undefined;
  private heartbeatTimer: Timer | undefined;
  private heartbeatMs = 5_000;
  private lastSent = 0;
  private lastHeard = 0;
  private readonly time: TimeSource;
  private readonly logger: Logger;
  private readonly window: number;
  private rate: number;
  private tokens: number;
  private tokensAt = 0;
  private paceTimer: Timer | undefined;

  constructor(private readonly opts: GatewayLinkOptions) {
    super();
    this.time = opts.time ?? systemTime;
    this.logger = opts.logger ?? silentLogger;
    this.window = opts.window ?? 256;
    this.rate = Math.min(opts.maxLinesPerSecond ?? Number.POSITIVE_INFINITY, 1_000);
    this.tokens = this.rate / 2;
  }

  /** Lines we may send now under the pacing budget (half a second's worth at most saved up). */
  private budget(): number {
    const now = this.time.now();
    this.tokens = Math.min(
      this.rate / 2,
      this.tokens + (Math.max(0, now - this.tokensAt) * this.rate) / 1000,
    );
    this.tokensAt = now;
    return Math.floor(this.tokens);
  }

  get connected(): boolean {
    return this.welcomed;
  }

  get acked(): number {
    return this.ackedUpTo;
  }

  /** Seq of the latest reading taken (0 before the first). */
  get lastSeq(): number {
    return this.opts.outbox.lastSeq();
  }

  get pending(): number {
    return this.opts.outbox.size;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.open();
  }

  /** Takes a reading: numbers it, queues it durably (per the outbox), and sends it when possible. */
  record(reading: LinkReading): VitalsFrame {
    const frame: VitalsFrame = {
      type: "vitals",
      ...reading,
      seq: this.opts.outbox.lastSeq() + 1,
      t: reading.t ?? this.time.now(),
    };
    this.opts.outbox.push(frame);
    this.pump();
    return frame;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.reconnectTimer?.cancel();
    this.paceTimer?.cancel();
    this.heartbeatTimer?.cancel();
    const s = this.socket;
    if (!s || s.destroyed) return;
    await new Promise<void>((resolve) => {
      s.once("close", () => resolve());
      s.end();
      this.time.after(1_000, () => s.destroy());
    });
  }

  private open(): void {
    const { tls } = this.opts;
    const s = tls
      ? connectTls({ host: this.opts.host, port: this.opts.port, ...tls })
      : connect(this.opts.port, this.opts.host);
    this.socket = s;
    this.splitter = new LineSplitter(1 << 16);
    s.setNoDelay(true);
    // The token goes in the hello: over TLS, only once the gateway's certificate has been verified.
    s.on(tls ? "secureConnect" : "connect", () => {
      this.lastHeard = this.time.now();
      const boot = this.opts.outbox.boot;
      this.write({ type: "hello", proto: PROTO_VERSION, ...this.opts.hello, ...(boot ? { boot } : {}) });
    });
    s.on("data", (chunk: Buffer) => {
      this.lastHeard = this.time.now();
      for (const ev of this.splitter.push(chunk)) if (ev.kind === "line") this.onLine(ev.line);
    });
    s.on("error", (e) => {
      this.logger.debug({ err: e.message }, "gateway connection error");
      this.emit("connectionError", e.message);
    });
    s.on("close", () => this.onClose(s));
  }

  private onLine(line: string): void {
    const d = decodeGatewayLine(line);
    if (d.kind === "rejected") {
      this.logger.warn({ why: d.message }, "unreadable line from gateway");
      return;
    }
    const f = d.frame;
    switch (f.type) {
      case "welcome":
        this.welcomed = true;
        this.attempt = 0;
        this.heartbeatMs = f.heartbeat_ms;
        this.rate = Math.min(
          this.opts.maxLinesPerSecond ?? Number.POSITIVE_INFINITY,
          0.9 * (f.max_lines_per_s ?? 1_111),
        );
        if (f.last_seq !== undefined && f.last_seq > this.opts.outbox.lastSeq()) {
          // The gateway holds more of this boot than this queue remembers (a queue restored from an
          // old copy): our next seqs would collide with stored ones. Start a new seq space.
          this.restartSeqSpace(`the gateway holds seq ${f.last_seq} of this boot`);
          return;
        }
        // Everything pending is sent again: the gateway acknowledges what it already holds (it knows
        // exactly which seqs it stored), so nothing depends on last_seq covering every seq below it.
        this.sentUpTo = this.ackedUpTo;
        this.startHeartbeat();
        this.emit("connected", f);
        this.pump();
        return;
      case "ack":
        if (!this.welcomed) return; // an ack from before a new boot
        if (f.seq > this.ackedUpTo) {
          this.ackedUpTo = f.seq;
          this.opts.outbox.ack(f.seq);
          this.emit("ack", f.seq);
        }
        this.pump();
        return;
      case "ping":
        this.write({ type: "pong" });
        return;
      case "pong":
        return;
      case "error":
        this.logger.warn({ code: f.code, seq: f.seq }, f.message);
        this.emit("rejected", f);
        // The gateway acknowledged everything it stored before the refused seq, and closes.
        if (f.code === "bad_seq") this.restartSeqSpace(f.message);
        return;
      case "alarm":
        this.emit("alarm", f.priority);
        return;
    }
  }

  /**
   * A new boot: pending readings get seqs 1… in a new seq space, and the link reconnects to say hello
   * with it (docs/protocol.md, "Sequence numbers and resends").
   */
  private restartSeqSpace(why: string): void {
    this.welcomed = false;
    this.opts.outbox.newBoot();
    this.ackedUpTo = 0;
    this.sentUpTo = 0;
    this.attempt = 0;
    this.logger.warn({ why, boot: this.opts.outbox.boot, pending: this.opts.outbox.size }, "new seq space");
    this.emit("newBoot", this.opts.outbox.boot);
    this.socket?.destroy();
  }

  private pump(): void {
    const s = this.socket;
    if (!this.welcomed || !s || s.destroyed) return;
    const room = this.window - (this.sentUpTo - this.ackedUpTo);
    if (room <= 0) return;
    const allowed = Math.min(room, this.budget());
    if (allowed <= 0) {
      // Out of budget: come back when one line's worth has accrued.
      this.paceTimer ??= this.time.after(Math.ceil(1000 / this.rate), () => {
        this.paceTimer = undefined;
        this.pump();
      });
      return;
    }
    const frames = this.opts.outbox.pending(this.sentUpTo, allowed);
    if (frames.length === 0) return;
    this.tokens -= frames.length;
    if (frames.length === allowed && allowed < room) {
      this.paceTimer ??= this.time.after(Math.ceil(1000 / this.rate), () => {
        this.paceTimer = undefined;
        this.pump();
      });
    }
    let text = "";
    for (const f of frames) text += encodeFrame(f);
    s.write(text);
    this.lastSent = this.time.now();
    this.sentUpTo = (frames[frames.length - 1] as VitalsFrame).seq;
  }

  private write(frame: NodeFrame): void {
    const s = this.socket;
    if (!s || s.destroyed) return;
    s.write(encodeFrame(frame));
    this.lastSent = this.time.now();
  }

  private startHeartbeat(): void {
    this.heartbeatTimer?.cancel();
    this.heartbeatTimer = this.time.every(Math.max(100, this.heartbeatMs / 2), () => {
      const now = this.time.now();
      if (now - this.lastHeard > 3 * this.heartbeatMs) {
        this.logger.warn("gateway silent for 3 heartbeats; reconnecting");
        this.socket?.destroy();
      } else if (now - this.lastSent >= this.heartbeatMs / 2) {
        this.write({ type: "ping" });
      }
    });
  }

  private onClose(s: Socket): void {
    if (s !== this.socket) return;
    this.heartbeatTimer?.cancel();
    const was = this.welcomed;
    this.welcomed = false;
    this.sentUpTo = this.ackedUpTo;
    if (was) this.emit("disconnected", "connection closed");
    if (this.stopped) return;
    const delay = backoffDelay(
      this.attempt++,
      this.opts.backoff ?? { initialMs: 250, maxMs: 10_000 },
      this.opts.random,
    );
    this.logger.debug({ delay, attempt: this.attempt }, "reconnecting");
    this.reconnectTimer = this.time.after(delay, () => this.open());
  }
}
