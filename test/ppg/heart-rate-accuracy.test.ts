import { describe, expect, it } from "vitest";
import { median } from "../../sensors/ppg/heart-rate.js";
import { PpgProcessor } from "../../sensors/ppg/ppg-processor.js";
import { detectRPeaks } from "../../sensors/ppg/reference/r-peak-detector.js";
import { pearson } from "../../sensors/ppg/template-correlation.js";
import { fixtureColumns, requireColumn } from "../support/fixtures.js";
import { referenceHeartRate, scoreAgainstEcg } from "./heart-rate-accuracy.js";

/**
 * PPG heart rate against the ECG on real recordings from the PhysioNet BIDMC PPG and Respiration
 * Dataset 1.0.0 (ODC-By 1.0): record 01 in full (bidmc_01_Signals.csv, via berkott/SciFairPPG) and the
 * first 8 s of record 03 (bidmc_03_Signals_first8s.csv, via SaraElsaggan/sampling_studio_DSP).
 * PLETH and ECG lead II are simultaneous, 125 Hz. See test/fixtures/PROVENANCE.md.
 */
const FS = 125;

describe("PPG heart rate vs ECG R-peaks (BIDMC)", () => {
  it("record 01, 480 s: mean absolute error ≤ 3 bpm with output in ≥ 85 % of windows", () => {
    const csv = fixtureColumns("bidmc_01_Signals.csv");
    const s = scoreAgainstEcg(requireColumn(csv, "PLETH"), requireColumn(csv, "II"), { sampleRateHz: FS });
    expect(s.windows).toBe(477); // t = 4, 5, …, 480 s
    expect(s.mae).not.toBeNull();
    expect(s.mae as number).toBeLessThanOrEqual(3);
    expect(s.withOutput / s.windows).toBeGreaterThanOrEqual(0.85);
    // Every window with output has a reference to compare with.
    expect(s.pairs.every((p) => p.hr === null || p.reference !== null)).toBe(true);
  });

  it("record 01 decimated to 25 Hz (a MAX30102 firmware's rate): mean absolute error ≤ 3 bpm", () => {
    const csv = fixtureColumns("bidmc_01_Signals.csv");
    const pleth = requireColumn(csv, "PLETH");
    // Average each run of 5 samples: 125 Hz → 25 Hz, as a sensor's on-chip sample averaging would.
    const at25 = Float64Array.from({ length: Math.floor(pleth.length / 5) }, (_, i) => {
      let sum = 0;
      for (let k = 0; k < 5; k++) sum += pleth[5 * i + k] as number;
      return sum / 5;
    });
    const s = scoreAgainstEcg(at25, requireColumn(csv, "II"), { sampleRateHz: 25 }, FS);
    expect(s.mae as number).toBeLessThanOrEqual(3);
    expect(s.withOutput / s.windows).toBeGreaterThanOrEqual(0.85);
  });

  it("record 01: the ECG reference itself is plausible (one R peak per beat, 40–150 bpm)", () => {
    const csv = fixtureColumns("bidmc_01_Signals.csv");
    const r = detectRPeaks(requireColumn(csv, "II"), FS);
    const rr = r.slice(1).map((v, i) => (v - (r[i] as number)) / FS);
    const bpm = 60 / median(rr);
    expect(bpm).toBeGreaterThan(40);
    expect(bpm).toBeLessThan(150);
    // Beats counted ≈ duration × rate: no systematic double or missed detections.
    expect(r.length).toBeGreaterThan(0.95 * (480 / 60) * bpm);
    expect(r.length).toBeLessThan(1.05 * (480 / 60) * bpm);
    expect(Math.min(...rr)).toBeGreaterThan(0.3);
  });

  it("record 03, first 8 s: mean absolute error ≤ 3 bpm", () => {
    const csv = fixtureColumns("bidmc_03_Signals_first8s.csv");
    const s = scoreAgainstEcg(requireColumn(csv, "PLETH"), requireColumn(csv, "II"), { sampleRateHz: FS });
    expect(s.windows).toBe(4); // 7.99 s of signal: windows end at 4, 5, 6, 7 s
    expect(s.withOutput).toBe(4);
    expect(s.mae as number).toBeLessThanOrEqual(3);
  });

  it("the scoring can fail: a PPG at a different rate from the ECG scores a large error", () => {
    const csv = fixtureColumns("bidmc_01_Signals.csv");
    const pleth = requireColumn(csv, "PLETH");
    // Keep every other sample but claim the original rate: the pulse now runs twice as fast.
    const fast = pleth.filter((_, i) => i % 2 === 0);
    const ecg = requireColumn(csv, "II").subarray(0, fast.length);
    const s = scoreAgainstEcg(fast, ecg, { sampleRateHz: FS });
    expect(s.mae as number).toBeGreaterThan(30);
  });
});

describe("PPG on the MAX30102-format recording generated from BIDMC 01", () => {
  // test/fixtures/generate.ts: the first 8 s of record 01 PLETH averaged 5:1 to 25 Hz, inverted into
  // raw IR counts (DC 131 000, counts fall in systole like a real sensor's), red built with the R
  // that Maxim's curve maps to 97 %. The ECG of the same 8 s is the heart-rate reference.
  const csv = fixtureColumns("generated/max30102_from_bidmc01_25hz.csv");
  const ir = requireColumn(csv, "IR");
  const red = requireColumn(csv, "RED");
  const bidmc = fixtureColumns("bidmc_01_Signals.csv");

  it("is record 01's pulse, upside down: IR anticorrelates with PLETH", () => {
    expect(ir.length).toBe(8 * 25);
    const pleth = requireColumn(bidmc, "PLETH");
    const at25 = Float64Array.from(ir, (_, i) => {
      let sum = 0;
      for (let k = 0; k < 5; k++) sum += pleth[5 * i + k] as number;
      return sum / 5;
    });
    expect(pearson(ir, at25)).toBeLessThan(-0.999);
    expect(pearson(red, at25)).toBeLessThan(-0.999);
  });

  it("heart rate within 3 bpm of the ECG on average, SpO2 97 % (what the generator encoded) in every window", () => {
    const windows = new PpgProcessor({ sampleRateHz: 25, withRed: true }).push(ir, red);
    expect(windows.map((w) => w.t)).toEqual([4, 5, 6, 7, 8]);
    const rPeaks = detectRPeaks(requireColumn(bidmc, "II"), FS);
    const errors = windows.map((w) => {
      const reference = referenceHeartRate(rPeaks, Math.round((w.t - w.span) * FS), Math.round(w.t * FS), FS);
      expect(w.hr).not.toBeNull();
      expect(reference).not.toBeNull();
      return Math.abs((w.hr as number) - (reference as number));
    });
    expect(errors.reduce((a, b) => a + b, 0) / errors.length).toBeLessThanOrEqual(3);
    for (const w of windows) expect(w.spo2).toBeCloseTo(97, 1);
  });
});
