import { describe, expect, it } from "vitest";
import { BandPassFilter } from "./band-pass-filter.js";

function run(fs: number, x: (t: number) => number, seconds: number): Float64Array {
  const f = new BandPassFilter({ sampleRateHz: fs });
  const out = new Float64Array(Math.round(fs * seconds));
  for (let i = 0; i < out.length; i++) out[i] = f.step(x(i / fs));
  return out;
}

function peakAfter(y: Float64Array, from: number): number {
  let m = 0;
  for (let i = from; i < y.length; i++) m = Math.max(m, Math.abs(y[i] as number));
  return m;
}

describe("BandPassFilter", () => {
  it("starts settled on a large DC level (MAX30102-like 130 000 counts): no start-up transient", () => {
    const y = run(25, () => 131_500, 10);
    expect(peakAfter(y, 0)).toBe(0);
  });

  it("passes the heart-rate band and rejects baseline wander and high-frequency noise", () => {
    const fs = 125;
    const pulse = peakAfter(
      run(fs, (t) => Math.sin(2 * Math.PI * 1.5 * t), 30),
      fs * 10,
    );
    const wander = peakAfter(
      run(fs, (t) => Math.sin(2 * Math.PI * 0.05 * t), 120),
      fs * 60,
    );
    const hiss = peakAfter(
      run(fs, (t) => Math.sin(2 * Math.PI * 20 * t), 30),
      fs * 10,
    );
    expect(pulse).toBeGreaterThan(0.9);
    expect(wander).toBeLessThan(0.02);
    expect(hiss).toBeLessThan(0.05);
  });

  it("keeps the low-pass corner below Nyquist at 10 Hz sampling", () => {
    const y = run(10, (t) => Math.sin(2 * Math.PI * 1 * t), 30);
    expect(Number.isFinite(peakAfter(y, 100))).toBe(true);
    expect(peakAfter(y, 100)).toBeGreaterThan(0.8);
  });
});
