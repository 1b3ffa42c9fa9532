import { randomBytes } from "node:crypto";
import type { VitalsFrame } from "../../core/protocol/frames.js";

/** A new seq-space id for a hello's `boot`: 64 random bits, hex. */
export function newBootId(): string {
  return randomBytes(8).toString("hex");
}

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
  /** Highest seq ever pushed (or restored) in this boot, 0 when none: numbering continues from it + 1. */
  lastSeq(): number;
  /** The seq space these seqs belong to (the hello's `boot`); "" for the node's unnamed space. */
  readonly boot: string;
  /**
   * Starts a new seq space (the gateway refused a seq, or holds more of this boot than this queue
   * remembers): a new boot id, every pending frame renumbered from 1 in order, numbering after them.
   */
  newBoot(): void;
  close?(): void;
}

/** In-memory outbox, bounded: when full the oldest pending frame is dropped and counted. */
export class MemoryOutbox implements Outbox {
  private frames: VitalsFrame[] = [];
  private highest = 0;
  dropped = 0;
  boot = newBootId();

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

  newBoot(): void {
    this.boot = newBootId();
    this.frames = this.frames.map((f, i) => ({ ...f, seq: i + 1 }));
    this.highest = this.frames.length;
  }
}
