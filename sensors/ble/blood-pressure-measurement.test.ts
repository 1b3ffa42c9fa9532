import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  encodeBloodPressureMeasurement,
  encodeSfloat,
} from "../../test/support/emulators/ble/blood-pressure-cuff.js";
import { decodeBloodPressureMeasurement } from "./blood-pressure-measurement.js";
import { decodeSfloat } from "./sfloat.js";

const hex = (s: string) => Uint8Array.from(s.match(/../g)?.map((b) => Number.parseInt(b, 16)) ?? []);

describe("IEEE 11073-20601 SFLOAT", () => {
  it("decodes exponent and mantissa, both signed", () => {
    expect(decodeSfloat(0x0072)).toBe(114);
    expect(decodeSfloat(0xf0a0)).toBe(16); // 160 × 10^-1
    expect(decodeSfloat(0xf4d2)).toBe(123.4); // 1234 × 10^-1
    expect(decodeSfloat(0x0fff)).toBe(-1); // mantissa −1
    expect(decodeSfloat(0x1001)).toBe(10); // 1 × 10^1
    expect(decodeSfloat(0xe001)).toBe(0.01);
  });

  it("names the special values", () => {
    expect(decodeSfloat(0x07ff)).toBe("nan");
    expect(decodeSfloat(0x0800)).toBe("nres");
    expect(decodeSfloat(0x07fe)).toBe("+inf");
    expect(decodeSfloat(0x0802)).toBe("-inf");
    expect(decodeSfloat(0x0801)).toBe("reserved");
  });

  it("round-trips every representable value", () => {
    // Finite mantissas are −2045…2045: with exponent 0, 0x07FE…0x0802 are +INF, NaN, NRes, reserved
    // and −INF (IEEE 11073-20601), so −2046 there is −INF, not a number (a counterexample once found).
    expect(decodeSfloat(0x0802)).toBe("-inf");
    fc.assert(
      fc.property(fc.integer({ min: -2045, max: 2045 }), fc.integer({ min: -8, max: 7 }), (m, e) => {
        const v = Number((m * 10 ** e).toPrecision(6));
        expect(decodeSfloat(encodeSfloat(v, e))).toBe(v);
      }),
    );
  });
});

describe("Blood Pressure Measurement (0x2A35)", () => {
  it("decodes the Personal Health Devices Transcoding White Paper example (§2.2.6): 114/114 (114) mmHg", () => {
    expect(decodeBloodPressureMeasurement(hex("00720072007200"))).toEqual({
      kind: "vitals",
      sbp: 114,
      dbp: 114,
      map: 114,
      hr: null,
      timestamp: null,
      userId: null,
      flags: [],
    });
  });

  it("decodes every optional field: kPa converted, time stamp, pulse, user, status", () => {
    const bytes = encodeBloodPressureMeasurement({
      sbp: 16,
      dbp: 10.7,
      map: 12.4,
      unit: "kPa",
      exponent: -1,
      timestamp: [2025, 11, 21, 14, 5, 30],
      pulse: 72,
      userId: 1,
      status: 0b100101,
    });
    expect(decodeBloodPressureMeasurement(bytes)).toEqual({
      kind: "vitals",
      sbp: 120,
      dbp: 80,
      map: 93,
      hr: 72,
      timestamp: { year: 2025, month: 11, day: 21, hours: 14, minutes: 5, seconds: 30 },
      userId: 1,
      flags: ["nibp_irregular_pulse", "nibp_motion", "nibp_position"],
    });
  });

  it("a measurement of NaNs is a failed measurement (nibp_cuff_error), not zeros", () => {
    const f = decodeBloodPressureMeasurement(
      encodeBloodPressureMeasurement({ sbp: "nan", dbp: "nan", map: "nan" }),
    );
    expect(f).toMatchObject({ kind: "vitals", sbp: null, dbp: null, map: null, flags: ["nibp_cuff_error"] });
  });

  it("an unknown time stamp (year 0) is null; an impossible one discards the frame", () => {
    const unknown = encodeBloodPressureMeasurement({
      sbp: 120,
      dbp: 80,
      map: 93,
      timestamp: [0, 0, 0, 0, 0, 0],
    });
    expect(decodeBloodPressureMeasurement(unknown)).toMatchObject({ kind: "vitals", timestamp: null });
    const bad = encodeBloodPressureMeasurement({
      sbp: 120,
      dbp: 80,
      map: 93,
      timestamp: [2025, 1, 1, 25, 0, 0],
    });
    expect(decodeBloodPressureMeasurement(bad)).toMatchObject({
      kind: "discarded",
      why: "time stamp out of range",
    });
  });

  const measurement = fc.record(
    {
      sbp: fc.integer({ min: 20, max: 300 }),
      dbp: fc.integer({ min: 10, max: 250 }),
      map: fc.integer({ min: 10, max: 300 }),
      timestamp: fc.tuple(
        fc.integer({ min: 1582, max: 9999 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 59 }),
      ),
      pulse: fc.integer({ min: 0, max: 350 }),
      userId: fc.integer({ min: 0, max: 254 }),
      status: fc.integer({ min: 0, max: 0x3f }),
    },
    { requiredKeys: ["sbp", "dbp", "map"] },
  );

  it("round-trips any measurement in mmHg", () => {
    fc.assert(
      fc.property(measurement, (m) => {
        const f = decodeBloodPressureMeasurement(encodeBloodPressureMeasurement(m));
        expect(f).toMatchObject({ kind: "vitals", sbp: m.sbp, dbp: m.dbp, map: m.map, hr: m.pulse ?? null });
      }),
    );
  });

  it("a truncated indication is discarded, never a value", () => {
    fc.assert(
      fc.property(measurement, fc.nat(), (m, cut) => {
        const bytes = encodeBloodPressureMeasurement(m);
        const short = bytes.slice(0, cut % bytes.length);
        expect(decodeBloodPressureMeasurement(short).kind).toBe("discarded");
      }),
    );
  });

  it("garbage never throws, and any value it yields is a finite number or null", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        const f = decodeBloodPressureMeasurement(bytes);
        if (f.kind === "vitals") {
          for (const v of [f.sbp, f.dbp, f.map, f.hr]) expect(v === null || Number.isFinite(v)).toBe(true);
        } else expect(f.bytes).toEqual(bytes);
      }),
    );
  });
});
