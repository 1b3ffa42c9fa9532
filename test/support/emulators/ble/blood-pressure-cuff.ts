/**
 * Test double: what a Bluetooth Blood Pressure Profile cuff indicates on 0x2A35, built field by field from
 * the GATT Specification Supplement layout (the encoder mirror of sensors/ble/blood-pressure-measurement.ts).
 */
export interface CuffMeasurement {
  sbp: number | "nan";
  dbp: number | "nan";
  map: number | "nan";
  unit?: "mmHg" | "kPa";
  /** Exponent for the pressures (default 0: whole mmHg; kPa usually −1). */
  exponent?: number;
  timestamp?: [year: number, month: number, day: number, h: number, m: number, s: number];
  pulse?: number;
  userId?: number;
  status?: number;
}

export function encodeSfloat(value: number | "nan", exponent = 0): number {
  if (value === "nan") return 0x07ff;
  const mantissa = Math.round(value / 10 ** exponent);
  if (mantissa < -2046 || mantissa > 2045) throw new RangeError(`${value} does not fit at 10^${exponent}`);
  return ((exponent & 0x0f) << 12) | (mantissa & 0x0fff);
}

export function encodeBloodPressureMeasurement(m: CuffMeasurement): Uint8Array {
  const out: number[] = [];
  const u16 = (v: number) => out.push(v & 0xff, (v >> 8) & 0xff);
  let flags = m.unit === "kPa" ? 0x01 : 0;
  if (m.timestamp) flags |= 0x02;
  if (m.pulse !== undefined) flags |= 0x04;
  if (m.userId !== undefined) flags |= 0x08;
  if (m.status !== undefined) flags |= 0x10;
  out.push(flags);
  const e = m.exponent ?? 0;
  for (const p of [m.sbp, m.dbp, m.map]) u16(encodeSfloat(p, e));
  if (m.timestamp) {
    const [y, mo, d, h, mi, s] = m.timestamp;
    u16(y);
    out.push(mo, d, h, mi, s);
  }
  if (m.pulse !== undefined) u16(encodeSfloat(m.pulse));
  if (m.userId !== undefined) out.push(m.userId);
  if (m.status !== undefined) u16(m.status);
  return Uint8Array.from(out);
}
