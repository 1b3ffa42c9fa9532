import { SeqRanges } from "./seq-ranges.js";

/** Where the ledger finds a seq space's stored ranges (JSON) when it first meets it. */
export interface SeqSpaceSource {
  seqRanges(node: string, boot: string): string | undefined;
}

/** What the commit transaction writes for a seq space touched by a batch. */
export interface SeqSpaceRow {
  node: string;
  boot: string;
  bed: string;
  ranges: string;
  lastSeen: number;
}

export type SeqVerdict = "new" | "resend" | { refused: string };

const key = (node: string, boot: string) => `${node}\u0000${boot}`;

/**
 * Which seqs each (node, boot) seq space holds: those stored plus those accepted into the commit
 * queue. A reading is a resend only when its exact seq is held, so a forged or glitched seq can
 * neither swallow an honest node's later readings nor be acknowledged without being stored.
 * See docs/protocol.md, "Sequence numbers and resends".
 */
export class SeqLedger {
  private readonly spaces = new Map<string, SeqRanges>();

  constructor(
    private readonly source: SeqSpaceSource,
    private readonly opts: { maxJump: number; maxRanges?: number; maxCached?: number },
  ) {}

  private space(node: string, boot: string): SeqRanges {
    const k = key(node, boot);
    let s = this.spaces.get(k);
    if (!s) {
      s = SeqRanges.fromJSON(this.source.seqRanges(node, boot), this.opts.maxRanges);
      this.spaces.set(k, s);
    }
    return s;
  }

  /** Highest seq held for the space, or undefined for a new one. */
  last(node: string, boot: string): number | undefined {
    return this.space(node, boot).max;
  }

  /** Judges a node's reading and, when new, holds its seq. */
  judge(node: string, boot: string, seq: number): SeqVerdict {
    const s = this.space(node, boot);
    if (s.has(seq)) return "resend";
    const top = s.max ?? 0;
    if (seq > top + this.opts.maxJump) {
      return {
        refused: `seq ${seq} is more than ${this.opts.maxJump} ahead of ${s.max === undefined ? "the start of this seq space" : `the highest stored seq ${top}`}; start a new boot`,
      };
    }
    s.add(seq);
    return "new";
  }

  /** The next seq of a client the gateway numbers itself (the original design's flat JSON). */
  next(node: string): number {
    const s = this.space(node, "");
    const seq = (s.max ?? 0) + 1;
    s.add(seq);
    return seq;
  }

  /** The rows to persist, in the commit transaction, for the spaces these readings touched. */
  rows(readings: readonly { node: string; boot: string; bed: string; receivedAt: number }[]): SeqSpaceRow[] {
    const out = new Map<string, SeqSpaceRow>();
    for (const r of readings) {
      const k = key(r.node, r.boot);
      const ranges = JSON.stringify((this.spaces.get(k) as SeqRanges).toJSON());
      out.set(k, { node: r.node, boot: r.boot, bed: r.bed, ranges, lastSeen: r.receivedAt });
    }
    return [...out.values()];
  }

  /** The commit holding these readings failed: reload their spaces from what storage really has. */
  forget(readings: readonly { node: string; boot: string }[]): void {
    for (const r of readings) this.spaces.delete(key(r.node, r.boot));
  }

  /**
   * Called between commits, when nothing accepted is uncommitted: drops the oldest cached spaces
   * beyond the cap (they reload from storage exactly as held).
   */
  settled(): void {
    const cap = this.opts.maxCached ?? 100_000;
    if (this.spaces.size <= cap) return;
    let drop = this.spaces.size - Math.floor(cap / 2);
    for (const k of this.spaces.keys()) {
      if (drop-- <= 0) break;
      this.spaces.delete(k);
    }
  }

  /** Gaps closed because a space had too many (a metric). */
  get forgotten(): number {
    let n = 0;
    for (const s of this.spaces.values()) n += s.forgotten;
    return n;
  }
}
