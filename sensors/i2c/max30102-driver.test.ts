import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeFifo, fifoUnread } from "./max30102-driver.js";
import { ratioOfRatiosEstimator } from "./ppg-estimator.js";

describe("MAX30102 FIFO arithmetic", () => {
  it("counts unread samples modulo 32; equal pointers are empty unless samples overflowed (then full)", () => {
    expect(fifoUnread(5, 0, 5)).toBe(0);
    expect(fifoUnread(5, 3, 5)).toBe(32);
    expect(fifoUnread(2, 0, 30)).toBe(4); // write pointer wrapped
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 31 }), fc.integer({ min: 1, max: 31 }), (rd, n) => {
        expect(fifoUnread((rd + n) % 32, 0, rd)).toBe(n);
      }),
    );
  });

  it("decodes 18-bit red/IR words and round-trips any samples", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 0x3ffff }), fc.integer({ min: 0, max: 0x3ffff }))),
        (s) => {
          const bytes = s.flatMap(([r, i]) => [
            r >> 16,
            (r >> 8) & 0xff,
            r & 0xff,
            i >> 16,
            (i >> 8) & 0xff,
            i & 0xff,
          ]);
          expect(decodeFifo(bytes, 2)).toEqual({
            kind: "samples",
            red: s.map((x) => x[0]),
            ir: s.map((x) => x[1]),
          });
        },
      ),
    );
  });

  it("ignores the 6 unused top bits and discards partial samples", () => {
    expect(decodeFifo([0xff, 0xff, 0xff], 1)).toEqual({ kind: "samples", red: [0x3ffff], ir: [] });
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 255 })), (bytes) => {
        const r = decodeFifo(bytes, 2);
        expect(r.kind === "samples").toBe(bytes.length % 6 === 0);
      }),
    );
  });
});

describe("ratioOfRatiosEstimator (stand-in until sensors/ppg/)", () => {
  const synth = (bpm: number, rateHz: number, seconds: number, acRed: number, acIr: number) => {
    const red: number[] = [];
    const ir: number[] = [];
    for (let n = 0; n < rateHz * seconds; n++) {
      const phase = Math.sin((2 * Math.PI * bpm * n) / (60 * rateHz));
      red.push(100_000 + acRed * phase);
      ir.push(120_000 + acIr * phase);
    }
    return { red, ir };
  };

  it("finds the pulse rate and the SpO2 of the calibration line", () => {
    const { red, ir } = synth(72, 25, 8, 500, 1200); // R = (1000/100000)/(2400/120000) = 0.5 → 97.5 %
    const e = ratioOfRatiosEstimator(red, ir, 25);
    expect(e.hr).toBeGreaterThanOrEqual(70);
    expect(e.hr).toBeLessThanOrEqual(74);
    expect(e.spo2).toBeGreaterThanOrEqual(97);
    expect(e.spo2).toBeLessThanOrEqual(98);
  });

  it("gives nothing for too little data or a flat line", () => {
    expect(ratioOfRatiosEstimator([1, 2], [1, 2], 25).hr).toBeNull();
    const flat = Array(200).fill(100_000);
    expect(ratioOfRatiosEstimator(flat, flat, 25)).toEqual({ hr: null, spo2: null, quality: 0 });
  });
});
