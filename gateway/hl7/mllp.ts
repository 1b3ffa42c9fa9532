/**
 * MLLP (HL7 v2 Minimal Lower Layer Protocol, release 2 framing): <VT> message <FS><CR>.
 * `mllpFrame` writes one frame; `MllpDecoder` is the one bounded splitter every MLLP socket reads
 * through. Pure: bytes in, tagged events out.
 */

export const VT = 0x0b;
export const FS = 0x1c;
export const CR = 0x0d;

/** Default bound on one message (1 MiB): PCD-01/04 and ADT messages are a few kB. */
export const DEFAULT_MAX_MLLP_BYTES = 1 << 20;

export function mllpFrame(message: string): Buffer {
  const body = Buffer.from(message, "utf8");
  const out = Buffer.allocUnsafe(body.length + 3);
  out[0] = VT;
  body.copy(out, 1);
  out[body.length + 1] = FS;
  out[body.length + 2] = CR;
  return out;
}

export type MllpEvent =
  | { kind: "message"; text: string }
  | {
      kind: "discarded";
      bytes: number;
      why: "outside_frame" | "too_long" | "unterminated" | "bad_end";
    };

export class MllpDecoder {
  private parts: Buffer[] = [];
  private size = 0;
  private inFrame = false;
  /** Saw FS as the last byte of the previous chunk: the next byte decides. */
  private sawFs = false;
  /** Dropping the rest of an oversized frame until its end. */
  private skipping = false;
  private outside = 0;

  constructor(private readonly maxBytes = DEFAULT_MAX_MLLP_BYTES) {}

  push(chunk: Buffer): MllpEvent[] {
    const events: MllpEvent[] = [];
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] as number;
      if (!this.inFrame) {
        if (b === VT) {
          this.flushOutside(events);
          this.inFrame = true;
          this.sawFs = false;
          this.skipping = false;
          this.parts = [];
          this.size = 0;
          start = i + 1;
        } else if (b !== CR && b !== 0x0a) {
          // Line ends between frames are common and harmless; anything else is reported.
          this.outside++;
        }
        continue;
      }
      if (this.sawFs) {
        this.sawFs = false;
        if (b === CR) {
          this.finish(events, chunk, start, i - 1, true);
          continue;
        }
        // FS not followed by CR: the frame is malformed.
        this.finish(events, chunk, start, i - 1, false);
        if (b === VT) i--; // re-read as the start of the next frame
        continue;
      }
      if (b === FS) {
        this.sawFs = true;
        continue;
      }
      if (b === VT) {
        // A new frame started before this one ended.
        this.take(chunk, start, i);
        if (this.size > 0 || this.skipping)
          events.push({ kind: "discarded", bytes: this.size, why: "unterminated" });
        this.parts = [];
        this.size = 0;
        this.skipping = false;
        start = i + 1;
      }
    }
    if (this.inFrame) {
      // Keep what this chunk holds of the frame (but not a trailing FS, which is not data).
      this.take(chunk, start, this.sawFs ? chunk.length - 1 : chunk.length);
    } else {
      this.flushOutside(events);
    }
    return events;
  }

  private take(chunk: Buffer, from: number, to: number): void {
    if (to <= from || this.skipping) return;
    this.size += to - from;
    if (this.size > this.maxBytes) {
      this.skipping = true;
      this.parts = [];
      return;
    }
    this.parts.push(chunk.subarray(from, to));
  }

  /** Ends the current frame at chunk[to] (exclusive: the FS). */
  private finish(events: MllpEvent[], chunk: Buffer, from: number, to: number, ok: boolean): void {
    this.take(chunk, from, Math.max(from, to));
    this.inFrame = false;
    if (this.skipping) {
      events.push({ kind: "discarded", bytes: this.size, why: "too_long" });
    } else if (ok) {
      events.push({ kind: "message", text: Buffer.concat(this.parts).toString("utf8") });
    } else {
      events.push({ kind: "discarded", bytes: this.size, why: "bad_end" });
    }
    this.parts = [];
    this.size = 0;
    this.skipping = false;
  }

  private flushOutside(events: MllpEvent[]): void {
    if (this.outside > 0) events.push({ kind: "discarded", bytes: this.outside, why: "outside_frame" });
    this.outside = 0;
  }
}
