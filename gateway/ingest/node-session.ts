import type { Socket } from "node:net";
import type { Logger } from "../../core/logger.js";
import { decodeNodeLine, encodeFrame } from "../../core/protocol/codec.js";
import type {
  GatewayFrame,
  HelloFrame,
  LegacyFrame,
  VitalParameter,
  VitalsFrame,
  WireErrorCode,
} from "../../core/protocol/frames.js";
import { MAX_LINE_BYTES, PROTO_VERSION } from "../../core/protocol/frames.js";
import { LineSplitter } from "../../core/protocol/line-splitter.js";
import type { Reading } from "../../core/reading.js";
import type { TimeSource } from "../../core/time.js";
import type { GatewayConfig } from "../config.js";
import type { GatewayMetrics } from "../metrics.js";
import type { BedAdmission, Refusal } from "./bed-admission.js";
import type { CommitWaiter } from "./commit-queue.js";
import type { NodeBudgets } from "./node-budgets.js";
import { TokenBucket } from "./token-bucket.js";

/** What a session needs from the gateway around it. */
export interface SessionHost {
  config: GatewayConfig;
  time: TimeSource;
  logger: Logger;
  metrics: GatewayMetrics;
  /** Highest seq held for a node's seq space (stored + anything in flight). */
  lastSeq(node: string, boot: string): number | undefined;
  /** Seq for the next reading of a legacy (hello-less) client. */
  nextLegacySeq(node: string): number;
  /** Registers the node as connected; returns the session it replaces, if any. */
  attach(session: NodeSession): NodeSession | undefined;
  detach(session: NodeSession): void;
  /** Queues a node-numbered reading; returns why its seq is refused (bad_seq), if it is. */
  submit(reading: Reading, waiter: CommitWaiter | undefined, arrived: number): string | undefined;
  /** Queues a reading numbered by nextLegacySeq. */
  submitNumbered(reading: Reading, arrived: number): void;
  /** Why a hello may not speak for its bed (closed with unauthorized), or undefined. */
  authorizeHello(hello: HelloFrame, session: NodeSession): string | undefined;
  /** Why flat JSON may not report for this bed (closed with unauthorized), or undefined. */
  authorizeLegacy(bed: string, session: NodeSession): string | undefined;
  /** A value was refused as implausible: a technical alarm for the bed. */
  rejected(bed: string, parameter: VitalParameter, value: number | null, why: string): void;
  /** Per-node line and reading budgets, shared by every connection of a node id. */
  budgets: NodeBudgets;
  /** Which beds hellos and flat JSON may write to. */
  admission: BedAdmission;
}

/** The TCP server's side of a session: its connection budgets. */
export interface SessionGate {
  /**
   * The connection has authenticated (a valid hello for `node`, or accepted flat JSON): moves it from
   * the unauthenticated budget to the nodes' one. Returns why not, when the nodes' budget is full.
   * `node` is the hello's node id: a connection that will replace that node's takes no new slot.
   */
  admit(session: NodeSession, node?: string): string | undefined;
}

/** One node's TCP connection: framing, handshake, validation, rate limits, acks. */
export class NodeSession implements CommitWaiter {
  hello: HelloFrame | undefined;
  legacy: { node: string; bed: string } | undefined;
  private readonly splitter = new LineSplitter();
  private readonly bucket: TokenBucket;
  private errors: number[] = [];
  private ackable = -1;
  private acked = -1;
  private closed = false;
  /** A seq of this connection was refused: later vitals are ignored until the connection closes. */
  private refusedSeq = false;
  /** The node's budget is spent: the rest of what this connection sends is ignored until it closes. */
  private draining = false;
  /** Gateway time of the last complete line (or of the connect): idle time counts from here. */
  lastHeard: number;
  /** Gateway time the unfinished line now buffered started to arrive, if one is. */
  partialSince: number | undefined;
  pinged = false;

  constructor(
    readonly socket: Socket,
    private readonly host: SessionHost,
    private readonly gate?: SessionGate,
  ) {
    const now = host.time.now();
    this.lastHeard = now;
    this.bucket = new TokenBucket(host.config.limits.linesPerSecond, host.config.limits.burstLines, now);
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (e) => host.logger.debug({ err: e.message, peer: this.peer }, "socket error"));
    socket.on("close", () => this.onClose());
  }

  get peer(): string {
    return `${this.socket.remoteAddress}:${this.socket.remotePort}`;
  }

  /** The node id this connection speaks for, once known. */
  get node(): string | undefined {
    return this.hello?.node ?? this.legacy?.node;
  }

  get bed(): string | undefined {
    return this.hello?.bed ?? this.legacy?.bed;
  }

  send(frame: GatewayFrame): void {
    if (!this.closed && this.socket.writable) this.socket.write(encodeFrame(frame));
  }

  /** Sends an error frame and closes the connection. */
  close(code: WireErrorCode, message: string, seq?: number): void {
    if (this.closed) return;
    this.send(seq === undefined ? { type: "error", code, message } : { type: "error", code, message, seq });
    this.closed = true;
    this.host.logger.info({ peer: this.peer, node: this.node, code }, `closing connection: ${message}`);
    this.socket.end();
    // A peer that never reads would keep the socket half-open forever.
    this.host.time.after(2_000, () => this.socket.destroy());
  }

  private onData(chunk: Buffer): void {
    const arrived = performance.now();
    const now = this.host.time.now();
    let lines = false;
    for (const ev of this.splitter.push(chunk)) {
      if (this.closed || this.draining) return;
      if (ev.kind === "too_long") {
        this.host.metrics.rejected.inc({ code: "too_long" });
        this.close("too_long", `line of ${ev.bytes}+ bytes exceeds the ${MAX_LINE_BYTES}-byte limit`);
        return;
      }
      lines = true;
      this.lastHeard = now;
      this.pinged = false;
      if (!this.bucket.take(now)) {
        this.host.metrics.rejected.inc({ code: "flood" });
        this.close("flood", `more than ${this.host.config.limits.linesPerSecond} lines/s`);
        return;
      }
      const node = this.node;
      const over = node === undefined ? undefined : this.host.budgets.line(node, now);
      if (over !== undefined) return this.drainAndClose("flood", over);
      this.onLine(ev.line, now, arrived);
    }
    // A line must arrive whole within limits.lineDeadlineMs of its first byte (the sweep checks).
    if (this.splitter.buffered === 0) this.partialSince = undefined;
    else if (lines || this.partialSince === undefined) this.partialSince = now;
  }

  private reject(code: WireErrorCode, message: string, now: number, seq?: number): void {
    this.host.metrics.rejected.inc({ code });
    this.send(seq === undefined ? { type: "error", code, message } : { type: "error", code, message, seq });
    const { maxErrors, errorWindowMs } = this.host.config.limits;
    this.errors.push(now);
    while (this.errors.length && (this.errors[0] as number) < now - errorWindowMs) this.errors.shift();
    if (this.errors.length > maxErrors) {
      this.close("too_many_errors", `more than ${maxErrors} errors in ${errorWindowMs / 1000} s`);
    }
  }

  private onLine(line: string, now: number, arrived: number): void {
    const d = decodeNodeLine(line);
    switch (d.kind) {
      case "vitals":
        this.host.metrics.received.inc();
        return this.onVitals(d.frame, now, arrived);
      case "legacy":
        this.host.metrics.received.inc();
        return this.onLegacy(d.frame, now, arrived);
      case "hello":
        return this.onHello(d.frame);
      case "ping":
        return this.send({ type: "pong" });
      case "pong":
        return;
      case "rejected":
        if (d.code === "bad_value" || d.seq !== undefined) this.host.metrics.received.inc();
        if (d.code === "bad_value" && d.parameter && this.hello) {
          this.host.rejected(this.hello.bed, d.parameter, d.value ?? null, d.message);
        }
        this.host.logger.debug({ peer: this.peer, node: this.node, code: d.code }, d.message);
        return this.reject(d.code, d.message, now, d.seq);
    }
  }

  private onHello(h: HelloFrame): void {
    if (this.hello || this.legacy)
      return this.reject("bad_frame", "hello already received", this.host.time.now());
    if (h.proto !== PROTO_VERSION) {
      return this.close(
        "unsupported_proto",
        `protocol ${h.proto} not supported; this gateway speaks ${PROTO_VERSION}`,
      );
    }
    // Authentication first: nothing (not even last_seq) is told to a node that has not proven itself.
    const refused = this.host.authorizeHello(h, this);
    if (refused !== undefined) {
      this.host.metrics.rejected.inc({ code: "unauthorized" });
      return this.close("unauthorized", refused);
    }
    // Only now, authenticated, may the connection learn anything about stored data (last_seq).
    const bedRefused = this.host.admission.hello(h.bed);
    if (bedRefused) return this.refuse(bedRefused);
    const full = this.gate?.admit(this, h.node);
    if (full !== undefined) return this.refuse({ code: "flood", message: full, close: true });
    this.hello = h;
    const replaced = this.host.attach(this);
    replaced?.close("replaced", "the same node connected again");
    const last = this.host.lastSeq(h.node, h.boot ?? "");
    this.host.logger.info({ node: h.node, bed: h.bed, fw: h.fw, peer: this.peer }, "node connected");
    this.send({
      type: "welcome",
      proto: PROTO_VERSION,
      heartbeat_ms: this.host.config.heartbeatMs,
      max_lines_per_s: this.host.budgets.sustainedPerSecond,
      ...(last !== undefined ? { last_seq: last } : {}),
    });
  }

  private refuse(r: Refusal): void {
    if (r.close) {
      this.host.metrics.rejected.inc({ code: r.code });
      return this.close(r.code, r.message);
    }
    this.reject(r.code, r.message, this.host.time.now());
  }

  /** The per-node reading budget; when it is spent the connection drains and closes. */
  private overBudget(node: string, now: number): boolean {
    const over = this.host.budgets.reading(node, now);
    if (over === undefined) return false;
    this.drainAndClose("flood", over);
    return true;
  }

  /**
   * Ignores the rest of what this connection sends, lets the commit already queued finish (so its
   * ack goes out and a node does not resend what is stored), then closes.
   */
  private drainAndClose(code: WireErrorCode, message: string): void {
    this.draining = true;
    this.host.metrics.rejected.inc({ code });
    this.host.logger.info({ peer: this.peer, node: this.node }, message);
    // The group commit runs on setImmediate scheduled earlier; this one runs after it.
    setImmediate(() => this.close(code, message));
  }

  private onVitals(f: VitalsFrame, now: number, arrived: number): void {
    const h = this.hello;
    if (!h) return this.reject("no_hello", "send hello before vitals", now, f.seq);
    if (this.refusedSeq) return;
    if (this.overBudget(h.node, now)) return;
    const { type: _t, seq, t, flags, rr_src, ...values } = f;
    const refused = this.host.submit(
      {
        node: h.node,
        boot: h.boot ?? "",
        seq,
        bed: h.bed,
        patient: h.patient ?? null,
        ward: h.ward ?? null,
        t,
        receivedAt: now,
        values,
        flags: flags ?? [],
        ...(rr_src !== undefined && values.rr !== undefined ? { rrSource: rr_src } : {}),
      },
      this,
      arrived,
    );
    if (refused !== undefined) this.refuseSeq(seq, refused);
  }

  /**
   * A seq outside the node's seq space: ignore the rest of this connection's vitals, let the commit
   * before it finish (so the ack covers exactly what is stored), then close with bad_seq. The node
   * starts a new boot and resends everything unacknowledged under it.
   */
  private refuseSeq(seq: number, message: string): void {
    this.refusedSeq = true;
    this.host.metrics.rejected.inc({ code: "bad_seq" });
    this.host.logger.warn({ peer: this.peer, node: this.node, seq }, message);
    // The group commit runs on setImmediate scheduled earlier; this one runs after it.
    setImmediate(() => this.close("bad_seq", message, seq));
  }

  private onLegacy(f: LegacyFrame, now: number, arrived: number): void {
    if (this.hello) return this.reject("bad_frame", "flat JSON is only accepted without a hello", now);
    const refused = this.host.admission.legacy(f.bed_no, this.socket.remoteAddress);
    if (refused) {
      this.host.logger.info({ peer: this.peer, bed: f.bed_no }, refused.message);
      return this.refuse(refused);
    }
    const node = `legacy:${f.bed_no}`;
    if (!this.legacy || this.legacy.node !== node) {
      const refused = this.host.authorizeLegacy(f.bed_no, this);
      if (refused !== undefined) {
        this.host.metrics.rejected.inc({ code: "unauthorized" });
        return this.close("unauthorized", refused);
      }
      if (this.legacy) this.host.detach(this);
      else {
        const full = this.gate?.admit(this);
        if (full !== undefined) return this.refuse({ code: "flood", message: full, close: true });
      }
      this.legacy = { node, bed: f.bed_no };
      this.host.attach(this);
    }
    if (this.overBudget(node, now)) return;
    const seq = this.host.nextLegacySeq(node);
    this.host.submitNumbered(
      {
        node,
        boot: "",
        seq,
        bed: f.bed_no,
        patient: f.patient_id,
        ward: null,
        t: now,
        receivedAt: now,
        values: { hr: f.hr, spo2: f.spo2, temp: f.temp },
        flags: [],
      },
      arrived,
    );
  }

  committed(seq: number): void {
    if (seq > this.ackable) this.ackable = seq;
  }

  batchDone(): void {
    if (this.ackable > this.acked) {
      this.acked = this.ackable;
      this.send({ type: "ack", seq: this.acked });
    }
  }

  /** Storage failed: close, so the node reconnects and resends everything not yet acknowledged. */
  failed(seq: number): void {
    this.close("internal", `reading ${seq} could not be stored; reconnect and resend`);
  }

  private onClose(): void {
    if (this.splitter.buffered > 0) {
      this.host.metrics.rejected.inc({ code: "truncated" });
      this.host.logger.info(
        { peer: this.peer, node: this.node, bytes: this.splitter.buffered },
        "connection closed mid-line; partial line discarded",
      );
    }
    this.closed = true;
    this.host.detach(this);
  }
}
