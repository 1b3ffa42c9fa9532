import type { VitalsFrame } from "../../gateway/protocol/frames.js";

/**
 * Readings a node has taken but the gateway has not yet acknowledged. The link resends everything
 * pending after a reconnect and drops frames as cumulative acks arrive. Implementations: memory
 * (simulator) and disk (node agent, survives restarts).
 */
export interface Outbox {
  /** Queues a frame; its seq must be higher than any queued before. */
  push(frame: VitalsFrame): void;
  /** Pending frames with seq > afterSeq, oldest first, at most `limit`. */
  pending(afterSeq: number, limit: number): VitalsFrame[];
  /** Drops every frame with seq <= seq. */
  ack(seq: number): void;
  /** Number of pending frames. */
  readonly size: number;
  /** Highest seq ever pushed (or restored), 0 when none: a node continues from lastSeq() + 1. */
  lastSeq(): number;
  /** Continue numbering after `seq` (the gateway's welcome.last_seq, for a node that lost its state). */
  advanceTo(seq: number): void;
  /**
   * The gateway holds readings up to `base` from an earlier life of this node, and this outbox's
   * numbering is behind it: give every pending frame, in order, a seq above `base` so none is taken
   * for a resend, and continue numbering after them.
   */
  renumberAfter(base: number): void;
  close?(): void;
}

/** In-memory outbox, bounded: when full the oldest pending frame is dropped and counted. */
export class MemoryOutbox implements Outbox {
  private frames: VitalsFrame[] = [];
  private highest = 0;
  dropped = 0;

  constructor(private readonly capacity = 100_000) {}

  push(frame: VitalsFrame): void {
    if (frame.seq <= this.highest) throw new RangeError(`seq ${frame.seq} is not above ${this.highest}`);
    this.highest = frame.seq;
    this.frames.push(frame);
    if (this.frames.length > this.capacity) {
      this.frames.shift();
      this.dropped++;
    }
  }

  pending(afterSeq: number, limit: number): VitalsFrame[] {
    const out: VitalsFrame[] = [];
    for (const f of this.frames) {
      if (f.seq <= afterSeq) continue;
      out.push(f);
      if (out.length >= limit) break;
    }
    return out;
  }

  ack(seq: number): void {
    let i = 0;
    while (i < this.frames.length && (this.frames[i] as VitalsFrame).seq <= seq) i++;
    if (i > 0) this.frames.splice(0, i);
  }

  get size(): number {
    return this.frames.length;
  }

  lastSeq(): number {
    return this.highest;
  }

  /** Continue numbering after `seq` (e.g. the gateway's welcome.last_seq). */
  advanceTo(seq: number): void {
    if (seq > this.highest) this.highest = seq;
  }

  renumberAfter(base: number): void {
    this.frames = this.frames.map((f, i) => ({ ...f, seq: base + i + 1 }));
    this.highest = Math.max(this.highest, base + this.frames.length);
  }
}
