import {
  type DecoderCounters,
  type DiscardReason,
  newCounters,
  type OximeterDecoder,
  type OximeterFrame,
  type OximeterReading,
  tally,
} from "./oximeter-frame.js";

/** How one checksum-less protocol marks its bytes (bit 7 framing, as Contec/Berry/Nonin DF8 do). */
export interface FixedFrameSpec {
  /** Packet length: a constant, or given by the packet's first byte (Contec's typed packets). */
  length: number | ((first: number) => number);
  /** May byte `b` appear at position `i` of a packet? Position 0 is the sync byte. */
  accepts(i: number, b: number): boolean;
  /**
   * Values of one complete packet, a reason it cannot be a real packet, or `other`: a well-formed
   * packet without values (e.g. a reply to a command), dropped without breaking the lock.
   */
  decode(packet: Uint8Array): OximeterReading | { bad: string } | { other: true };
  /**
   * Consecutive well-formed packets required before values are trusted. These protocols have no
   * checksum: one random byte in 2^5 looks like the sync byte of a 5-byte packet, so a single
   * well-formed packet proves little; several back-to-back do.
   */
  lockAfter: number;
}

/**
 * Splits a bit-7-framed byte stream into packets, resynchronising after garbage, truncated
 * packets (cable pulled mid-packet) or implausible fields, and withholding values until
 * `lockAfter` packets in a row are well formed.
 *
 * A complete packet is also held until the next byte arrives and is accepted only if that byte can
 * start a packet: a noise byte inserted into a packet otherwise completes it early with a wrong value
 * (the packet's real last byte then arrives out of place). This costs one packet of latency.
 */
export class FixedFrameScanner implements OximeterDecoder {
  readonly counters: DecoderCounters = newCounters();
  private packet: number[] = [];
  private expected = 0;
  private noise: number[] = [];
  private inARow = 0;
  private held: { bytes: Uint8Array; decoded: OximeterReading } | null = null;

  constructor(private readonly spec: FixedFrameSpec) {}

  reset(): void {
    this.packet = [];
    this.noise = [];
    this.inARow = 0;
    this.held = null;
  }

  push(chunk: Uint8Array): OximeterFrame[] {
    const out: OximeterFrame[] = [];
    for (const b of chunk) this.feed(b, out);
    this.flushNoise(out);
    return tally(this.counters, out);
  }

  private feed(b: number, out: OximeterFrame[]): void {
    const { spec } = this;
    if (this.held) {
      const held = this.held;
      this.held = null;
      if (spec.accepts(0, b)) this.release(held, out);
      else this.discard(out, held.bytes, "unconfirmed");
    }
    if (this.packet.length > 0 && !spec.accepts(this.packet.length, b)) {
      // A packet cut short: drop what we had and look at this byte afresh.
      this.discard(out, this.packet, "truncated");
      this.packet = [];
    }
    if (this.packet.length === 0) {
      if (!spec.accepts(0, b)) {
        this.noise.push(b);
        this.inARow = 0;
        return;
      }
      this.expected = typeof spec.length === "number" ? spec.length : spec.length(b);
    }
    this.packet.push(b);
    if (this.packet.length < this.expected) return;

    const bytes = Uint8Array.from(this.packet);
    this.packet = [];
    this.flushNoise(out);
    const decoded = spec.decode(bytes);
    if ("other" in decoded) {
      out.push({ kind: "discarded", bytes, why: "other_packet" });
      return;
    }
    if ("bad" in decoded) {
      this.discard(out, bytes, "bad_field");
      return;
    }
    this.held = { bytes, decoded };
  }

  private release(held: { bytes: Uint8Array; decoded: OximeterReading }, out: OximeterFrame[]): void {
    this.inARow++;
    out.push(
      this.inARow < this.spec.lockAfter
        ? { kind: "discarded", bytes: held.bytes, why: "locking" }
        : held.decoded,
    );
  }

  private discard(out: OximeterFrame[], bytes: number[] | Uint8Array, why: DiscardReason): void {
    this.flushNoise(out);
    out.push({ kind: "discarded", bytes: Uint8Array.from(bytes), why });
    this.inARow = 0;
  }

  private flushNoise(out: OximeterFrame[]): void {
    if (this.noise.length === 0) return;
    out.push({ kind: "discarded", bytes: Uint8Array.from(this.noise), why: "no_sync" });
    this.noise = [];
    this.inARow = 0;
  }
}
