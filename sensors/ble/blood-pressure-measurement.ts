import { decodeSfloat } from "./sfloat.js";

/**
 * Bluetooth SIG Blood Pressure Profile: the Blood Pressure Measurement characteristic (UUID 0x2A35,
 * indicated), as laid out in the GATT Specification Supplement ("Blood Pressure Measurement"):
 *
 *   flags u8 | systolic SFLOAT | diastolic SFLOAT | MAP SFLOAT | [time stamp 7] | [pulse rate SFLOAT]
 *   | [user id u8] | [measurement status u16]
 *
 * flags: bit 0 units (0 mmHg, 1 kPa), bit 1 time stamp, bit 2 pulse rate, bit 3 user id, bit 4 measurement
 * status present. Time stamp: year u16 (0 = unknown), month, day (0 = unknown), hours, minutes, seconds —
 * the cuff's local time without a zone. Measurement status: bit 0 body movement, bit 1 cuff too loose,
 * bit 2 irregular pulse, bits 3–4 pulse rate range (1 above, 2 below the device's range), bit 5 improper
 * measurement position.
 * Pure: one indication's bytes in, one tagged frame out.
 */
export interface BpmTimestamp {
  year: number;
  month: number;
  day: number;
  hours: number;
  minutes: number;
  seconds: number;
}

export type BloodPressureFrame =
  | {
      kind: "vitals";
      /** mmHg (kPa values converted), null when the cuff sent a special value (NaN, NRes, ±INF). */
      sbp: number | null;
      dbp: number | null;
      map: number | null;
      hr: number | null;
      timestamp: BpmTimestamp | null;
      userId: number | null;
      /** Protocol flags: nibp_motion, nibp_cuff_loose, nibp_irregular_pulse, nibp_position, nibp_cuff_error. */
      flags: string[];
    }
  | { kind: "discarded"; bytes: Uint8Array; why: string };

/** 1 kPa in mmHg (101.325 kPa = 760 mmHg). */
export const MMHG_PER_KPA = 760 / 101.325;

export function decodeBloodPressureMeasurement(bytes: Uint8Array): BloodPressureFrame {
  const discard = (why: string): BloodPressureFrame => ({ kind: "discarded", bytes: bytes.slice(), why });
  if (bytes.length < 7) return discard(`${bytes.length} bytes, at least 7 expected`);
  const f = bytes[0] as number;
  if ((f & 0xe0) !== 0) return discard(`reserved flag bits set (0x${f.toString(16)})`);
  const kpa = (f & 0x01) !== 0;
  const expected = 7 + (f & 0x02 ? 7 : 0) + (f & 0x04 ? 2 : 0) + (f & 0x08 ? 1 : 0) + (f & 0x10 ? 2 : 0);
  if (bytes.length < expected)
    return discard(`${bytes.length} bytes, flags 0x${f.toString(16)} need ${expected}`);
  const u16 = (i: number) => (bytes[i] as number) | ((bytes[i + 1] as number) << 8);
  const flags = new Set<string>();
  let special = false;
  const pressure = (i: number): number | null => {
    const v = decodeSfloat(u16(i));
    if (typeof v !== "number") {
      special = true;
      return null;
    }
    return Math.round(kpa ? v * MMHG_PER_KPA : v);
  };
  const sbp = pressure(1);
  const dbp = pressure(3);
  const map = pressure(5);
  let i = 7;
  let timestamp: BpmTimestamp | null = null;
  if (f & 0x02) {
    const ts = {
      year: u16(i),
      month: bytes[i + 2] as number,
      day: bytes[i + 3] as number,
      hours: bytes[i + 4] as number,
      minutes: bytes[i + 5] as number,
      seconds: bytes[i + 6] as number,
    };
    i += 7;
    const known = ts.year >= 1582 && ts.year <= 9999 && ts.month >= 1 && ts.month <= 12 && ts.day >= 1;
    const valid = ts.day <= 31 && ts.hours <= 23 && ts.minutes <= 59 && ts.seconds <= 59;
    if (!valid) return discard("time stamp out of range");
    timestamp = known ? ts : null;
  }
  let hr: number | null = null;
  if (f & 0x04) {
    const v = decodeSfloat(u16(i));
    hr = typeof v === "number" ? Math.round(v) : null;
    i += 2;
  }
  let userId: number | null = null;
  if (f & 0x08) {
    const u = bytes[i] as number;
    userId = u === 0xff ? null : u; // 0xFF: unknown user
    i += 1;
  }
  if (f & 0x10) {
    const s = u16(i);
    if (s & 0x01) flags.add("nibp_motion");
    if (s & 0x02) flags.add("nibp_cuff_loose");
    if (s & 0x04) flags.add("nibp_irregular_pulse");
    if (s & 0x20) flags.add("nibp_position");
  }
  // A cuff that indicates a measurement without numbers has failed to measure.
  if (special && sbp === null) flags.add("nibp_cuff_error");
  return { kind: "vitals", sbp, dbp, map, hr, timestamp, userId, flags: [...flags].sort() };
}
