/**
 * The seqs stored for one (node, boot) seq space, as sorted disjoint inclusive ranges. An honest
 * node's space is one range; a rejected reading or a seq that jumped ahead leaves a gap, and a
 * later reading in that gap is new, not a resend: a reading counts as a resend only when its seq is
 * in a range. Pure and synchronous; persisted as JSON (`[[lo,hi],…]`) with the readings it covers.
 */
export class SeqRanges {
  /** Flat [lo0, hi0, lo1, hi1, …], ascending. */
  private r: number[];
  /** Gaps closed because the set grew past its cap (see add). */
  forgotten = 0;

  constructor(
    ranges: readonly (readonly [number, number])[] = [],
    private readonly maxRanges = 256,
  ) {
    this.r = [];
    for (const [lo, hi] of ranges) {
      if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || lo > hi)
        throw new RangeError(`not a seq range: [${lo}, ${hi}]`);
      this.addRange(lo, hi);
    }
    this.compact();
  }

  static fromJSON(text: string | null | undefined, maxRanges?: number): SeqRanges {
    if (!text) return new SeqRanges([], maxRanges);
    const parsed = JSON.parse(text) as [number, number][];
    return new SeqRanges(parsed, maxRanges);
  }

  toJSON(): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0; i < this.r.length; i += 2) out.push([this.r[i] as number, this.r[i + 1] as number]);
    return out;
  }

  /** Highest seq in the set, or undefined when empty. */
  get max(): number | undefined {
    return this.r.length ? this.r[this.r.length - 1] : undefined;
  }

  get rangeCount(): number {
    return this.r.length / 2;
  }

  has(seq: number): boolean {
    const r = this.r;
    // Fast path: the newest range (where an honest node's next seq and most resends fall).
    const n = r.length;
    if (n === 0) return false;
    if (seq >= (r[n - 2] as number)) return seq <= (r[n - 1] as number);
    let lo = 0;
    let hi = n / 2 - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (seq < (r[2 * mid] as number)) hi = mid - 1;
      else if (seq > (r[2 * mid + 1] as number)) lo = mid + 1;
      else return true;
    }
    return false;
  }

  /**
   * Adds a seq not yet in the set. When that would make more than maxRanges ranges, the oldest gap
   * is closed (counted in `forgotten`): its seqs would then pass for resends, which only a node that
   * still holds readings older than hundreds of newer gaps could send.
   */
  add(seq: number): void {
    const r = this.r;
    const n = r.length;
    if (n > 0 && seq === (r[n - 1] as number) + 1) {
      r[n - 1] = seq;
      return;
    }
    this.addRange(seq, seq);
    this.compact();
  }

  private addRange(lo: number, hi: number): void {
    const r = this.r;
    let i = 0;
    while (i < r.length && (r[i + 1] as number) < lo - 1) i += 2;
    if (i === r.length || (r[i] as number) > hi + 1) {
      r.splice(i, 0, lo, hi);
      return;
    }
    r[i] = Math.min(r[i] as number, lo);
    r[i + 1] = Math.max(r[i + 1] as number, hi);
    while (i + 2 < r.length && (r[i + 2] as number) <= (r[i + 1] as number) + 1) this.mergeAt(i / 2);
  }

  /** Joins range k with range k + 1. */
  private mergeAt(k: number): void {
    const r = this.r;
    r[2 * k + 1] = Math.max(r[2 * k + 1] as number, r[2 * k + 3] as number);
    r.splice(2 * k + 2, 2);
  }

  private compact(): void {
    while (this.rangeCount > this.maxRanges) {
      this.mergeAt(0);
      this.forgotten++;
    }
  }
}
