import { describe, expect, it } from "vitest";
import { StreamingPpgEstimator } from "./streaming-ppg-estimator.js";

const FS = 25;
/** A pulse-like PPG: DC plus a fundamental and a harmonic (a dicrotic shoulder) at `bpm`. */
function ppg(seconds: number, bpm: number, dc: number, ac: number): number[] {
  const f = bpm / 60;
  return Array.from({ length: seconds * FS }, (_, i) => {
    const ph = 2 * Math.PI * f * (i / FS);
    return Math.round(dc - ac * (Math.sin(ph) + 0.4 * Math.sin(2 * ph + 0.8)));
  });
}

function feed(e: StreamingPpgEstimator, red: number[], ir: number[], chunk: number): void {
  for (let i = 0; i < ir.length; i += chunk) e.onRaw(red.slice(i, i + chunk), ir.slice(i, i + chunk));
}

describe("StreamingPpgEstimator", () => {
  it("reports the heart rate of a pulse-like signal, whatever the batch size", () => {
    const ir = ppg(12, 72, 120_000, 900);
    const red = ppg(12, 72, 100_000, 500);
    const results = [1, 5, 13].map((chunk) => {
      const e = new StreamingPpgEstimator({ sampleRateHz: FS });
      feed(e, red, ir, chunk);
      return e.estimate([], [], FS);
    });
    const hr = results[0]?.hr as number;
    expect(Math.abs(hr - 72)).toBeLessThanOrEqual(3);
    expect(results[0]?.quality).toBeGreaterThan(0.5);
    for (const r of results) expect(r).toEqual(results[0]);
  });

  it("says nothing before enough signal, for a flat signal, and when samples stop arriving", () => {
    const e = new StreamingPpgEstimator({ sampleRateHz: FS });
    expect(e.estimate([], [], FS)).toEqual({ hr: null, spo2: null, quality: 0 });
    feed(e, ppg(2, 72, 1e5, 500), ppg(2, 72, 1.2e5, 900), 5);
    expect(e.estimate([], [], FS).hr).toBeNull();
    const flat = new StreamingPpgEstimator({ sampleRateHz: FS });
    const dc = Array.from({ length: 10 * FS }, () => 120_000);
    feed(flat, dc, dc, 5);
    expect(flat.estimate([], [], FS).hr).toBeNull();
    expect(flat.flags).toContain("no_signal");
  });
});
