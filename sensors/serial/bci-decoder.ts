import {
  ContecFiveByteDecoder,
  decodeContecFiveBytePacket,
  type FlagBit,
} from "./contec-five-byte-packet.js";
import type { OximeterReading } from "./oximeter-frame.js";

/**
 * Berry / BerryMed "BCI protocol" (BM1000 modules and OEM boards such as the Setocare
 * ST-T130-U01): 5-byte packets at about 60 Hz, only byte 0 has bit 7 set.
 *
 *   byte 0: 1 | pulse beep(6) | probe unplugged(5) | no signal(4) | signal strength (3..0)
 *   byte 1: 0 | pleth (6..0)
 *   byte 2: 0 | pulse rate bit 7 (6) | pulse searching(5) | no finger(4) | bar graph (3..0)
 *   byte 3: 0 | pulse rate bits 6..0
 *   byte 4: 0 | SpO2 (6..0)
 * Pulse rate 255 and SpO2 127 are the protocol's "invalid" values.
 *
 * The layout is the Contec legacy one with different names for bits 4/5 of bytes 0 and 2.
 * Sources: zh2x/BCI_Protocol ("BCI Protocol V1.2.pdf", BerryMed); gagistech/bedsidemon
 * src/bedsidemon/spo2/setocare_st_t130_u01.cpp and doc/setocare_st_t130_u01/protocol.adoc
 * (4800 baud 8N1 on that board). BerryMed USB modules are commonly run at 9600 baud 8N1; the
 * baud rate is therefore a driver option, not part of the decoder.
 */
const BCI_FLAGS: readonly FlagBit[] = [
  [0, 0x10, "no_signal"],
  [0, 0x20, "sensor_off"],
  [2, 0x10, "finger_out"],
  [2, 0x20, "searching"],
];

export function decodeBciPacket(p: Uint8Array): OximeterReading | { bad: string } {
  return decodeContecFiveBytePacket(p, BCI_FLAGS);
}

export class BciDecoder extends ContecFiveByteDecoder {
  constructor() {
    super(decodeBciPacket);
  }
}
