import type { KnownFlag } from "../../core/protocol/index.js";
import { FixedFrameScanner } from "./fixed-frame-scanner.js";
import { type OximeterReading, sortedFlags } from "./oximeter-frame.js";

/**
 * Nonin serial Data Format 8 (OEM III modules, 9560/3150/WristOx2 and friends): one 4-byte frame
 * per second, 9600 baud 8N1. DF8 has NO checksum; only the status byte has bit 7 set.
 *
 *   byte 0 STATUS : 1 | SNSD(6) | OOT(5) | LPRF(4) | MPRF(3) | ARTF(2) | HR bit 8 | HR bit 7
 *   byte 1 HR LSB : 0 | HR bits 6..0
 *   byte 2 SpO2   : 0 | SpO2 (0..100, 127 = missing)
 *   byte 3 STATUS2: 0 | reserved | SPA(5) | reserved | SNSA(3) | reserved | critical batt(1) | low batt(0)
 * Heart rate 511 means "missing".
 *
 * Sources: Nonin OEM III / 9560 specifications (mattjlewis/NoninPulseOx "9560 Technical Specs.pdf",
 * DataFormat8Serialiser.java); drphrozen/javautilityclasses NoninAndroid/src/dk/iha/nonin/Format8.java.
 */
const NONIN_DF8_FRAME_BYTES = 4;
const NONIN_HR_MISSING = 511;
const NONIN_SPO2_MISSING = 127;

export function decodeNoninDf8Frame(p: Uint8Array): OximeterReading | { bad: string } {
  const s1 = p[0] ?? 0;
  const s2 = p[3] ?? 0;
  const hr = ((s1 & 0x03) << 7) | ((p[1] ?? 0) & 0x7f);
  const spo2 = (p[2] ?? 0) & 0x7f;
  if (spo2 > 100 && spo2 !== NONIN_SPO2_MISSING) return { bad: `SpO2 ${spo2}` };
  if (hr > 321 && hr !== NONIN_HR_MISSING) return { bad: `HR ${hr}` };
  const flags: KnownFlag[] = [];
  if (s1 & 0x40) flags.push("sensor_off");
  if (s1 & 0x20) flags.push("no_signal");
  if (s1 & 0x10) flags.push("low_perfusion");
  if (s1 & 0x04) flags.push("artifact");
  if (s2 & 0x08) flags.push("probe_error");
  if (s2 & 0x03) flags.push("low_battery");
  return {
    kind: "reading",
    hr: hr === NONIN_HR_MISSING ? null : hr,
    spo2: spo2 === NONIN_SPO2_MISSING ? null : spo2,
    pi: null,
    flags: sortedFlags(flags),
  };
}

export class NoninDf8Decoder extends FixedFrameScanner {
  constructor() {
    super({
      length: NONIN_DF8_FRAME_BYTES,
      accepts: (i, b) => (i === 0 ? (b & 0x80) !== 0 : (b & 0x80) === 0),
      decode: decodeNoninDf8Frame,
      // A 4-byte frame with one sync bit is easy to fake: with 3 in a row, 2 MB of random bytes gave
      // 38 false readings; with 4, none in 20 MB. The cost is a 4–5 s wait after (re)connecting.
      lockAfter: 4,
    });
  }
}
