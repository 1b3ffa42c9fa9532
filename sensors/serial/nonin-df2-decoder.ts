import type { KnownFlag } from "../../core/protocol/index.js";
import {
  type DecoderCounters,
  type DiscardReason,
  newCounters,
  type OximeterDecoder,
  type OximeterFrame,
  sortedFlags,
  tally,
} from "./oximeter-frame.js";

/**
 * Nonin serial Data Format 2 (OEM III): 75 five-byte frames a second, 9600 baud 8N1, grouped in
 * packets of 25 frames (3 packets/s).
 *
 *   frame: 0x01 | STATUS | PLETH | FLOAT | CHK   with CHK = (sum of the first four bytes) mod 256
 *   STATUS: 1 | SNSD(6) | ARTF(5) | OOT(4) | SNSA(3) | perfusion (2..1: 01 green, 10 red, 11 yellow) | SYNC(0)
 *   SYNC marks the first frame of a packet. FLOAT carries one value per frame position:
 *   0 HR MSB (bits 8..7 in bits 1..0), 1 HR LSB (bits 6..0), 2 SpO2, 3 firmware revision,
 *   7 STATUS2 (bit 0 low battery), 8 SpO2-D, 19/20 HR-D MSB/LSB, ... HR 511 / SpO2 127 = missing.
 *
 * Sources: Nonin OEM III specification as implemented in pez-globo/pufferfish-software
 * firmware/.../Driver/Serial/Nonin/{FrameReceiver,PacketReceiver}.cpp (status masks, checksum,
 * frame indexes) and mattjlewis/NoninPulseOx DataFormat2{Frame,Packet}Serialiser.java.
 */
const NONIN_DF2_FRAME_BYTES = 5;
const NONIN_DF2_FRAMES_PER_PACKET = 25;

export function df2Checksum(b0: number, b1: number, b2: number, b3: number): number {
  return (b0 + b1 + b2 + b3) & 0xff;
}

function looksLikeFrameStart(buf: number[], i: number): boolean {
  return buf[i] === 0x01 && ((buf[i + 1] ?? 0) & 0x80) !== 0;
}

export class NoninDf2Decoder implements OximeterDecoder {
  readonly counters: DecoderCounters = newCounters();
  private buf: number[] = [];
  private frames: Uint8Array[] = [];
  private noise: number[] = [];
  private inSync = false;

  reset(): void {
    this.buf = [];
    this.frames = [];
    this.noise = [];
    this.inSync = false;
  }

  push(chunk: Uint8Array): OximeterFrame[] {
    const out: OximeterFrame[] = [];
    for (const b of chunk) this.buf.push(b);
    let i = 0;
    while (this.buf.length - i >= NONIN_DF2_FRAME_BYTES) {
      const f = this.buf.slice(i, i + NONIN_DF2_FRAME_BYTES);
      const [b0 = 0, b1 = 0, b2 = 0, b3 = 0, chk = 0] = f;
      const startOk = looksLikeFrameStart(this.buf, i);
      if (startOk && df2Checksum(b0, b1, b2, b3) === chk) {
        this.flushNoise(out);
        this.inSync = true;
        this.onFrame(Uint8Array.from(f), out);
        i += NONIN_DF2_FRAME_BYTES;
      } else if (startOk && this.inSync) {
        // In step with the stream and the frame is corrupt: a real checksum failure. Count it,
        // drop the packet in progress (its values can no longer be trusted) and hunt again.
        this.flushNoise(out);
        this.dropPacket(out, "checksum", Uint8Array.from(f));
        this.inSync = false;
        i += NONIN_DF2_FRAME_BYTES;
      } else {
        if (this.inSync || this.frames.length > 0) this.dropPacket(out, "truncated");
        this.inSync = false;
        this.noise.push(b0);
        i += 1;
      }
    }
    this.buf = this.buf.slice(i);
    this.flushNoise(out);
    return tally(this.counters, out);
  }

  private onFrame(f: Uint8Array, out: OximeterFrame[]): void {
    const status = f[1] ?? 0;
    if (status & 0x01) {
      if (this.frames.length > 0) this.dropPacket(out, "truncated");
    } else if (this.frames.length === 0) {
      out.push({ kind: "discarded", bytes: f, why: "no_sync" });
      return;
    }
    this.frames.push(f);
    if (this.frames.length === NONIN_DF2_FRAMES_PER_PACKET) {
      out.push(this.decodePacket(this.frames));
      this.frames = [];
    }
  }

  private decodePacket(frames: Uint8Array[]): OximeterFrame {
    const float = (k: number) => frames[k]?.[3] ?? 0;
    const hr = ((float(0) & 0x03) << 7) | (float(1) & 0x7f);
    const spo2 = float(2) & 0x7f;
    if (spo2 > 100 && spo2 !== 127) {
      return { kind: "discarded", bytes: concat(frames), why: "bad_field" };
    }
    const flags: KnownFlag[] = [];
    for (const f of frames) {
      const s = f[1] ?? 0;
      if (s & 0x40) flags.push("sensor_off");
      if (s & 0x20) flags.push("artifact");
      if (s & 0x10) flags.push("no_signal");
      if (s & 0x08) flags.push("probe_error");
      if ((s & 0x06) === 0x04) flags.push("low_perfusion");
    }
    if (float(7) & 0x01) flags.push("low_battery");
    return {
      kind: "reading",
      hr: hr === 511 ? null : hr,
      spo2: spo2 === 127 ? null : spo2,
      pi: null,
      flags: sortedFlags(flags),
    };
  }

  private dropPacket(out: OximeterFrame[], why: DiscardReason, extra?: Uint8Array): void {
    const parts = extra ? [...this.frames, extra] : this.frames;
    this.frames = [];
    if (parts.length > 0) out.push({ kind: "discarded", bytes: concat(parts), why });
  }

  private flushNoise(out: OximeterFrame[]): void {
    if (this.noise.length === 0) return;
    out.push({ kind: "discarded", bytes: Uint8Array.from(this.noise), why: "no_sync" });
    this.noise = [];
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
