import { describe, expect, it } from "vitest";
import { detectRPeaks } from "./r-peak-detector.js";

/**
 * A crude lead-II-like ECG: narrow R spike with Q and S dips, a broad T wave 250 ms later, plus
 * baseline wander and mains-like hum. R peaks at `rTimes` (s).
 */
function syntheticEcg(fs: number, seconds: number, rTimes: number[], polarity = 1): Float64Array {
  const g = (t: number, c: number, w: number) => Math.exp(-(((t - c) / w) ** 2));
  return Float64Array.from({ length: Math.round(fs * seconds) }, (_, i) => {
    const t = i / fs;
    let v = 0.3 * Math.sin(2 * Math.PI * 0.25 * t) + 0.02 * Math.sin(2 * Math.PI * 50 * t);
    for (const r of rTimes) {
      if (Math.abs(t - r) > 0.6) continue;
      v += polarity * (g(t, r, 0.012) - 0.15 * g(t, r - 0.03, 0.01) - 0.25 * g(t, r + 0.03, 0.012));
      v += 0.35 * g(t, r + 0.25, 0.06);
    }
    return v;
  });
}

/** R–R intervals swinging between 0.55 and 1.1 s, like a fast-changing rhythm. */
function rTimes(seconds: number): number[] {
  const times: number[] = [];
  for (let t = 0.7, k = 0; t < seconds - 0.5; k++) {
    times.push(t);
    t += 0.8 + 0.25 * Math.sin(k / 2);
  }
  return times;
}

describe("detectRPeaks", () => {
  it.each([125, 250, 360])("finds every R peak and nothing else at %i Hz", (fs) => {
    const truth = rTimes(60);
    const found = detectRPeaks(syntheticEcg(fs, 60, truth), fs).map((i) => i / fs);
    // The first 2 s are the learning phase; from there on, one detection per beat within 20 ms.
    const expected = truth.filter((t) => t > 2);
    const tail = found.filter((t) => t > 1.9);
    expect(tail.length).toBe(expected.length);
    const worst = Math.max(...tail.map((t, k) => Math.abs(t - (expected[k] as number))));
    expect(worst).toBeLessThan(0.02);
  });

  it("works on an inverted lead (negative QRS)", () => {
    const fs = 125;
    const truth = rTimes(30).filter((t) => t > 2);
    const found = detectRPeaks(syntheticEcg(fs, 30, rTimes(30), -1), fs)
      .map((i) => i / fs)
      .filter((t) => t > 1.9);
    expect(found.length).toBe(truth.length);
  });

  it("finds nothing in a flat line and survives NaN samples", () => {
    expect(detectRPeaks(new Float64Array(1000), 125)).toEqual([]);
    expect(detectRPeaks([], 125)).toEqual([]);
    const x = syntheticEcg(125, 20, rTimes(20));
    x[500] = Number.NaN;
    expect(detectRPeaks(x, 125).length).toBeGreaterThan(15);
  });
});
