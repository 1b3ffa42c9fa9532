import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PpgProcessor, type PpgWindow } from "./ppg-processor.js";
import { spo2FromRatio } from "./spo2.js";

/** Deterministic Gaussian noise source (LCG + Box–Muller) so a property's counterexample replays. */
function gaussian(seed: number): () => number {
  let s = seed >>> 0 || 1;
  const uniform = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s + 1) / 4294967297;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

interface PulseSpec {
  bpm: number;
  fs: number;
  seconds: number;
  dc: number;
  /** Pulse amplitude relative to DC (perfusion). */
  ac: number;
  /** Dicrotic wave height relative to the systolic one. */
  dicrotic: number;
  phase: number;
  noise: number;
  seed: number;
  /** A pure sinusoid instead of the systolic + dicrotic bumps. */
  sine?: boolean;
}

/** A PPG-like pulse train: systolic and dicrotic bumps on a cardiac phase, so the shape scales with rate. */
function pulseTrain(p: PulseSpec): Float64Array {
  const rnd = gaussian(p.seed);
  const bump = (phi: number, centre: number) => {
    const d = ((phi - centre + 1.5) % 1) - 0.5;
    return Math.exp(-((d / 0.1) ** 2));
  };
  return Float64Array.from({ length: Math.round(p.fs * p.seconds) }, (_, i) => {
    const phi = ((i / p.fs) * p.bpm) / 60 + p.phase;
    const pulse = p.sine
      ? Math.sin(2 * Math.PI * phi)
      : bump(phi % 1, 0.2) + p.dicrotic * bump(phi % 1, 0.55);
    const shape = pulse + p.noise * rnd();
    return p.dc * (1 + p.ac * shape);
  });
}

const pulseSpec = fc.record({
  bpm: fc.double({ min: 40, max: 180, noNaN: true }),
  fs: fc.constantFrom(25, 50, 64, 100, 125),
  seconds: fc.constant(20),
  dc: fc.double({ min: 1_000, max: 200_000, noNaN: true }),
  ac: fc.double({ min: 0.005, max: 0.05, noNaN: true }),
  dicrotic: fc.double({ min: 0, max: 0.5, noNaN: true }),
  phase: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
  noise: fc.double({ min: 0, max: 0.03, noNaN: true }),
  seed: fc.integer({ min: 1, max: 2 ** 31 }),
  sine: fc.boolean(),
});

function expectNoNaN(w: PpgWindow): void {
  for (const v of [w.t, w.span, w.quality, w.hr, w.spo2, w.perfusion, w.ratio]) {
    if (v !== null) expect(Number.isNaN(v)).toBe(false);
  }
  expect(w.quality).toBeGreaterThanOrEqual(0);
  expect(w.quality).toBeLessThanOrEqual(1);
}

describe("PpgProcessor", () => {
  it("recovers the rate of pulse trains at 40–180 bpm within 2 bpm once the 8 s window is full", () => {
    fc.assert(
      fc.property(pulseSpec, (spec) => {
        const windows = new PpgProcessor({ sampleRateHz: spec.fs }).push(pulseTrain(spec));
        const full = windows.filter((w) => w.t >= 8);
        expect(full.length).toBe(13);
        for (const w of full) {
          expect(w.flags).toEqual([]);
          expect(Math.abs((w.hr ?? Number.NaN) - spec.bpm)).toBeLessThanOrEqual(2);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("reports no_signal and null values for a constant signal (no finger, saturated ADC)", () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constantFrom(25, 100), (level, fs) => {
        const windows = new PpgProcessor({ sampleRateHz: fs, withRed: true }).push(
          new Float64Array(fs * 12).fill(level),
          new Float64Array(fs * 12).fill(level),
        );
        expect(windows.length).toBe(9);
        for (const w of windows) {
          expectNoNaN(w);
          expect(w.hr).toBeNull();
          expect(w.spo2).toBeNull();
          expect(w.flags).toContain("no_signal");
        }
      }),
      { numRuns: 30 },
    );
  });

  it("reports no_signal for noise: white, uniform and random-walk (motion-like)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 }),
        fc.constantFrom("white", "walk"),
        fc.constantFrom(25, 64, 125),
        (seed, kind, fs) => {
          const rnd = gaussian(seed);
          let walk = 0;
          const x = Float64Array.from({ length: fs * 20 }, () => {
            walk += rnd();
            return 50_000 + (kind === "walk" ? walk : 100 * rnd());
          });
          for (const w of new PpgProcessor({ sampleRateHz: fs }).push(x)) {
            expectNoNaN(w);
            expect(w.hr).toBeNull();
            expect(w.flags).toContain("no_signal");
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it("gives identical output however the input is chunked", () => {
    fc.assert(
      fc.property(
        pulseSpec,
        fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 30 }),
        (spec, cuts) => {
          const x = pulseTrain({ ...spec, seconds: 12 });
          const whole = new PpgProcessor({ sampleRateHz: spec.fs }).push(x);
          const p = new PpgProcessor({ sampleRateHz: spec.fs });
          const pieces: PpgWindow[] = [];
          let at = 0;
          for (let k = 0; at < x.length; k++) {
            const size = cuts[k % cuts.length] as number;
            pieces.push(...p.push(x.subarray(at, at + size)));
            at += size;
          }
          expect(pieces).toEqual(whole);
        },
      ),
      { numRuns: 40 },
    );
  });

  // Scale only: an added offset changes AC/DC, which is the perfusion gate's business, on purpose.
  it("heart rate does not depend on the signal's scale (LED current, ADC gain)", () => {
    fc.assert(
      fc.property(pulseSpec, fc.double({ min: 1e-3, max: 1e3, noNaN: true }), (spec, scale) => {
        const x = pulseTrain({ ...spec, seconds: 12 });
        const a = new PpgProcessor({ sampleRateHz: spec.fs }).push(x);
        const b = new PpgProcessor({ sampleRateHz: spec.fs }).push(x.map((v) => v * scale));
        expect(b.map((w) => w.hr === null)).toEqual(a.map((w) => w.hr === null));
        a.forEach((w, i) => {
          if (w.hr !== null) expect(b[i]?.hr).toBeCloseTo(w.hr, 6);
        });
      }),
      { numRuns: 40 },
    );
  });

  it("SpO2 follows the calibration curve for red and IR pulses with a known ratio R", () => {
    fc.assert(
      fc.property(pulseSpec, fc.double({ min: 0.4, max: 1.2, noNaN: true }), (spec, r) => {
        const ir = pulseTrain({ ...spec, seconds: 12, noise: 0 });
        const red = pulseTrain({ ...spec, seconds: 12, noise: 0, dc: spec.dc * 0.8, ac: spec.ac * r });
        const windows = new PpgProcessor({ sampleRateHz: spec.fs, withRed: true }).push(ir, red);
        const last = windows[windows.length - 1];
        expect(last?.ratio).toBeCloseTo(r, 2);
        expect(Math.abs((last?.spo2 ?? Number.NaN) - (spo2FromRatio(r) as number))).toBeLessThan(1);
      }),
      { numRuns: 40 },
    );
  });

  it("never yields NaN, whatever the samples (NaN, ±Infinity, ±1e308)", () => {
    fc.assert(
      fc.property(fc.array(fc.double(), { minLength: 100, maxLength: 600 }), (xs) => {
        const p = new PpgProcessor({ sampleRateHz: 25, minWindowSeconds: 1, withRed: true });
        for (const w of p.push(xs, xs.slice().reverse())) expectNoNaN(w);
      }),
      { numRuns: 50 },
    );
  });

  it("withholds values when more than 10 % of the window is missing samples", () => {
    const spec = {
      bpm: 72,
      fs: 50,
      seconds: 20,
      dc: 1e5,
      ac: 0.02,
      dicrotic: 0.3,
      phase: 0,
      noise: 0,
      seed: 1,
    };
    const x = pulseTrain(spec);
    for (let i = 300; i < 400; i += 2) x[i] = Number.NaN;
    const windows = new PpgProcessor({ sampleRateHz: 50 }).push(x);
    // Samples 300..399 (6–8 s) are half NaN = 50 of 400 samples = 12.5 % of the 8 s window at t = 8.
    expect(windows.find((w) => w.t === 8)?.hr).toBeNull();
    // The window at 16 s (8–16 s) no longer holds the gap.
    expect(windows.find((w) => w.t === 16)?.hr).toBeCloseTo(72, 0);
  });

  it("rejects a chunk whose red channel does not match how it was built", () => {
    expect(() => new PpgProcessor({ sampleRateHz: 25 }).push([1, 2], [1, 2])).toThrow(RangeError);
    expect(() => new PpgProcessor({ sampleRateHz: 25, withRed: true }).push([1, 2])).toThrow(RangeError);
    expect(() => new PpgProcessor({ sampleRateHz: 25, withRed: true }).push([1, 2], [1])).toThrow(RangeError);
    expect(() => new PpgProcessor({ sampleRateHz: 5 })).toThrow(RangeError);
  });
});
