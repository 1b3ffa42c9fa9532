import { TokenBucket } from "./token-bucket.js";

const WINDOW_S = 60;

/** Readings in the last 60 whole seconds, counted per second. */
class MinuteCount {
  private readonly perSecond = new Uint32Array(WINDOW_S);
  private sum = 0;
  private second = 0;

  take(now: number, limit: number): boolean {
    const s = Math.floor(now / 1000);
    if (s > this.second) {
      for (let k = this.second + 1; k <= Math.min(s, this.second + WINDOW_S); k++) {
        this.sum -= this.perSecond[k % WINDOW_S] as number;
        this.perSecond[k % WINDOW_S] = 0;
      }
      this.second = s;
    }
    if (this.sum >= limit) return false;
    this.perSecond[this.second % WINDOW_S] = (this.perSecond[this.second % WINDOW_S] as number) + 1;
    this.sum++;
    return true;
  }
}

interface Budget {
  lines: TokenBucket;
  readings: MinuteCount;
  lastUsed: number;
}

export interface NodeBudgetLimits {
  linesPerSecond: number;
  burstLines: number;
  maxReadingsPerNodePerMinute: number;
}

/**
 * What one node id may send, across all its connections and transports: a line rate (a token bucket
 * that a reconnect does not refill) and a number of readings per minute. A node quiet for longer
 * than its budget takes to refill is forgotten: it would start from a full budget anyway.
 */
export class NodeBudgets {
  private readonly nodes = new Map<string, Budget>();
  private pruneAt = 1024;

  constructor(private readonly limits: NodeBudgetLimits) {}

  /** The pace a node can sustain, announced in the welcome (`max_lines_per_s`). */
  get sustainedPerSecond(): number {
    const { linesPerSecond, maxReadingsPerNodePerMinute } = this.limits;
    return Math.min(linesPerSecond, maxReadingsPerNodePerMinute / WINDOW_S);
  }

  /** Charges one line (any frame) to the node; returns why it is refused, if it is. */
  line(node: string, now: number): string | undefined {
    if (this.budget(node, now).lines.take(now)) return undefined;
    return `node ${node} sent more than ${this.limits.linesPerSecond} lines/s across its connections`;
  }

  /** Charges one reading to the node; returns why it is refused, if it is. */
  reading(node: string, now: number): string | undefined {
    const max = this.limits.maxReadingsPerNodePerMinute;
    if (this.budget(node, now).readings.take(now, max)) return undefined;
    return `node ${node} sent more than ${max} readings in the last minute`;
  }

  private budget(node: string, now: number): Budget {
    let b = this.nodes.get(node);
    if (!b) {
      if (this.nodes.size >= this.pruneAt) this.prune(now);
      b = {
        lines: new TokenBucket(this.limits.linesPerSecond, this.limits.burstLines, now),
        readings: new MinuteCount(),
        lastUsed: now,
      };
      this.nodes.set(node, b);
    }
    b.lastUsed = now;
    return b;
  }

  private prune(now: number): void {
    const { burstLines, linesPerSecond } = this.limits;
    const refilledAfter = Math.max((WINDOW_S + 1) * 1000, (burstLines / linesPerSecond) * 1000);
    for (const [node, b] of this.nodes) if (now - b.lastUsed > refilledAfter) this.nodes.delete(node);
    this.pruneAt = Math.max(1024, this.nodes.size * 2);
  }
}
