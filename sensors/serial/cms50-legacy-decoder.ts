import {
  ContecFiveByteDecoder,
  decodeContecFiveBytePacket,
  type FlagBit,
} from "./contec-five-byte-packet.js";
import type { OximeterReading } from "./oximeter-frame.js";

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
const CMS50_LEGACY_FLAGS: readonly FlagBit[] = [
  [0, 0x10, "finger_out"],
  [2, 0x10, "probe_error"],
  [2, 0x20, "searching"],
];

export function decodeCms50LegacyPacket(p: Uint8Array): OximeterReading | { bad: string } {
  return decodeContecFiveBytePacket(p, CMS50_LEGACY_FLAGS);
}

export class Cms50LegacyDecoder extends ContecFiveByteDecoder {
  constructor() {
    super(decodeCms50LegacyPacket);
  }
}
