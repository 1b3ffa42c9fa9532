import type { KnownFlag } from "../../core/protocol/index.js";
import { FixedFrameScanner } from "./fixed-frame-scanner.js";
import { type OximeterReading, sortedFlags } from "./oximeter-frame.js";

/**
 * Contec CMS50D+ / CMS50E "legacy" live stream (older firmware, before the 0x7D 0x81 command set):
 * the device streams 5-byte packets at 60 Hz as soon as it is connected, 19200 baud, 8 data bits,
 * ODD parity, 1 stop bit. Only byte 0 has bit 7 set.
 *
 *   byte 0: 1 | beep(6) | SpO2 dropping(5) | signal lost / finger out(4) | signal strength (3..0)
 *   byte 1: 0 | pleth (6..0)
 *   byte 2: 0 | pulse rate bit 7 (6) | searching(5) | probe error(4) | bar graph (3..0)
 *   byte 3: 0 | pulse rate bits 6..0
 *   byte 4: 0 | SpO2 (6..0)
 * Pulse rate 255 and SpO2 127 mean "no value" (also 0, which the device shows while searching).
 *
 * Sources: atbrask/CMS50Dplus cms50dplus/cms50dplus.py (LiveDataPoint, serial settings);
 * OSCAR cms50f37_loader.cpp (commented-out doLiveMode, same layout).
 */
export const CMS50_LEGACY_SERIAL = { baudRate: 19200, dataBits: 8, parity: "odd", stopBits: 1 } as const;
const CMS50_LEGACY_PACKET_BYTES = 5;
const PR_INVALID = 255;
const SPO2_INVALID = 127;

export function decodeCms50LegacyPacket(p: Uint8Array): OximeterReading | { bad: string } {
  const b0 = p[0] ?? 0;
  const b2 = p[2] ?? 0;
  const pr = ((b2 & 0x40) << 1) | ((p[3] ?? 0) & 0x7f);
  const spo2 = (p[4] ?? 0) & 0x7f;
  if (spo2 > 100 && spo2 !== SPO2_INVALID) return { bad: `SpO2 ${spo2}` };
  const flags: KnownFlag[] = [];
  if (b0 & 0x10) flags.push("finger_out");
  if (b2 & 0x10) flags.push("probe_error");
  if (b2 & 0x20) flags.push("searching");
  return {
    kind: "reading",
    hr: pr === PR_INVALID || pr === 0 ? null : pr,
    spo2: spo2 === SPO2_INVALID || spo2 === 0 ? null : spo2,
    pi: null,
    pleth: (p[1] ?? 0) & 0x7f,
    flags: sortedFlags(flags),
  };
}

export class Cms50LegacyDecoder extends FixedFrameScanner {
  constructor() {
    super({
      length: CMS50_LEGACY_PACKET_BYTES,
      accepts: (i, b) => (i === 0 ? (b & 0x80) !== 0 : (b & 0x80) === 0),
      decode: decodeCms50LegacyPacket,
      lockAfter: 5,
    });
  }
}
