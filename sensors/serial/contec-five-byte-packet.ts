import type { KnownFlag } from "../../core/protocol/index.js";
import { FixedFrameScanner } from "./fixed-frame-scanner.js";
import { type OximeterReading, sortedFlags } from "./oximeter-frame.js";

/**
 * The 5-byte live packet of Contec's legacy stream, which Berry's BCI protocol reuses: only byte 0
 * has bit 7 set, and the two families name bits 4 and 5 of bytes 0 and 2 differently.
 *
 *   byte 0: 1 | beep(6) | flag(5) | flag(4) | signal strength (3..0)
 *   byte 1: 0 | pleth (6..0)
 *   byte 2: 0 | pulse rate bit 7 (6) | flag(5) | flag(4) | bar graph (3..0)
 *   byte 3: 0 | pulse rate bits 6..0
 *   byte 4: 0 | SpO2 (6..0)
 * Pulse rate 255 and SpO2 127 mean "no value" (also 0, which the devices show while searching).
 */
const PACKET_BYTES = 5;
const PR_INVALID = 255;
const SPO2_INVALID = 127;

/** One device family's meaning of a flag bit: [byte 0 or 2, mask 0x10 or 0x20, flag]. */
export type FlagBit = readonly [byte: 0 | 2, mask: 0x10 | 0x20, flag: KnownFlag];

export function decodeContecFiveBytePacket(
  p: Uint8Array,
  flagBits: readonly FlagBit[],
): OximeterReading | { bad: string } {
  const pr = (((p[2] ?? 0) & 0x40) << 1) | ((p[3] ?? 0) & 0x7f);
  const spo2 = (p[4] ?? 0) & 0x7f;
  if (spo2 > 100 && spo2 !== SPO2_INVALID) return { bad: `SpO2 ${spo2}` };
  const flags = flagBits.filter(([byte, mask]) => ((p[byte] ?? 0) & mask) !== 0).map(([, , flag]) => flag);
  return {
    kind: "reading",
    hr: pr === PR_INVALID || pr === 0 ? null : pr,
    spo2: spo2 === SPO2_INVALID || spo2 === 0 ? null : spo2,
    pi: null,
    pleth: (p[1] ?? 0) & 0x7f,
    flags: sortedFlags(flags),
  };
}

/** The stream decoder for one family: framing and lock are the same, only the flag bits differ. */
export class ContecFiveByteDecoder extends FixedFrameScanner {
  constructor(decode: (packet: Uint8Array) => OximeterReading | { bad: string }) {
    super({
      length: PACKET_BYTES,
      accepts: (i, b) => (i === 0 ? (b & 0x80) !== 0 : (b & 0x80) === 0),
      decode,
      lockAfter: 5,
    });
  }
}
