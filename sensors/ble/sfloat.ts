/**
 * IEEE 11073-20601 SFLOAT-Type: 16 bits, a 4-bit signed exponent (base 10) over a 12-bit signed mantissa,
 * little-endian on a Bluetooth link. Five mantissa values with exponent 0 are reserved: NaN 0x07FF,
 * NRes (not at this resolution) 0x0800, +INFINITY 0x07FE, −INFINITY 0x0802, reserved 0x0801.
 */
export type SfloatSpecial = "nan" | "nres" | "+inf" | "-inf" | "reserved";

const SPECIAL: Readonly<Record<number, SfloatSpecial>> = {
  2047: "nan",
  2048: "nres",
  2046: "+inf",
  2050: "-inf",
  2049: "reserved",
};

/** The value of a raw SFLOAT, or which special value it is. */
export function decodeSfloat(raw: number): number | SfloatSpecial {
  const r = raw & 0xffff;
  const special = SPECIAL[r];
  if (special !== undefined) return special;
  let mantissa = r & 0x0fff;
  if (mantissa >= 0x0800) mantissa -= 0x1000;
  let exponent = r >> 12;
  if (exponent >= 0x8) exponent -= 0x10;
  // Scale in decimal so 0.1 steps stay exact after rounding (mantissa has at most 4 digits).
  const v = exponent >= 0 ? mantissa * 10 ** exponent : mantissa / 10 ** -exponent;
  return Number(v.toPrecision(6));
}
