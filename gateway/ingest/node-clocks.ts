import type { NodeClockView } from "../../core/api-types.js";
import type { Reading } from "../../core/reading.js";

/** How long the least-delayed reading stands as a node's clock offset before a newer one replaces it. */
const OFFSET_WINDOW_MS = 60_000;

interface NodeClock {
  bed: string;
  offset: number;
  offsetAt: number;
  lastT: number;
  lastReceivedAt: number;
  skewed: number;
}

/**
 * Device clocks as the gateway sees them. A reading whose `t` cannot be right — ahead of gateway
 * time, or older than any store-and-forward backlog — is stored with the flag `clock_skew` (and
 * never reordered: history is ordered by the gateway's receive time). Per node it estimates the
 * clock's offset as `t − receivedAt` of its least-delayed reading in the last minute, the way NTP
 * filters round trips: a backlog's old readings are delayed, not skewed, and do not count once a
 * live reading arrives.
 */
export class NodeClocks {
  private readonly nodes = new Map<string, NodeClock>();

  constructor(
    private readonly limits: { maxClockAheadMs: number; maxReadingAgeMs: number },
    private readonly maxNodes = 10_000,
  ) {}

  /** Adds `clock_skew` to the reading's flags when its device time cannot be right. */
  judge(r: Reading): void {
    const d = r.t - r.receivedAt;
    const skewed = d > this.limits.maxClockAheadMs || -d > this.limits.maxReadingAgeMs;
    if (skewed && !r.flags.includes("clock_skew")) r.flags = [...r.flags, "clock_skew"];
    let c = this.nodes.get(r.node);
    if (!c) {
      if (this.nodes.size >= this.maxNodes) this.nodes.delete(this.nodes.keys().next().value as string);
      c = {
        bed: r.bed,
        offset: d,
        offsetAt: r.receivedAt,
        lastT: r.t,
        lastReceivedAt: r.receivedAt,
        skewed: 0,
      };
      this.nodes.set(r.node, c);
    }
    if (d >= c.offset || r.receivedAt - c.offsetAt > OFFSET_WINDOW_MS) {
      c.offset = d;
      c.offsetAt = r.receivedAt;
    }
    c.bed = r.bed;
    c.lastT = r.t;
    c.lastReceivedAt = r.receivedAt;
    if (skewed) c.skewed++;
  }

  views(): NodeClockView[] {
    return [...this.nodes].map(([node, c]) => ({
      node,
      bed: c.bed,
      clock_offset_ms: c.offset,
      clock_skew: Math.abs(c.offset) > this.limits.maxClockAheadMs,
      last_t: c.lastT,
      last_received_at: c.lastReceivedAt,
      clock_skew_readings: c.skewed,
    }));
  }
}
