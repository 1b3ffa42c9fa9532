import { describe, expect, it } from "vitest";
import { estimateHeartRate, median } from "./heart-rate.js";

function cumulative(start: number, intervals: number[]): number[] {
  const times = [start];
  for (const d of intervals) times.push((times[times.length - 1] as number) + d);
  return times;
}

describe("estimateHeartRate", () => {
  it("is 60 / mean interval for a regular rhythm", () => {
    // 100 Hz, intervals of 75 samples = 0.75 s = 80 bpm.
    const beats = cumulative(10, [75, 75, 75, 75, 75, 75, 75, 75, 75, 75]);
    const hr = estimateHeartRate(beats, 800, 100);
    expect(hr.bpm).toBeCloseTo(80, 9);
    expect(hr.regularity).toBe(1);
    expect(hr.coverage).toBeGreaterThan(0.95);
  });

  it("drops a missed beat (double interval) and an extra beat (split interval)", () => {
    const beats = cumulative(0, [100, 100, 200, 100, 40, 60, 100, 100]);
    const hr = estimateHeartRate(beats, 800, 100);
    expect(hr.bpm).toBeCloseTo(60, 9);
    expect(hr.regularity).toBeCloseTo(5 / 8, 9);
    expect(hr.coverage).toBeLessThan(0.8);
  });

  it("averages fractional intervals instead of snapping to whole samples", () => {
    // 25 Hz, 24.5-sample intervals = 61.22 bpm; a whole-sample median would say 60 or 62.5.
    const beats = cumulative(3, [24.4, 24.6, 24.5, 24.4, 24.6, 24.5]);
    expect(estimateHeartRate(beats, 200, 25).bpm).toBeCloseTo((60 * 25) / 24.5, 6);
  });

  it("needs at least two intervals", () => {
    expect(estimateHeartRate([], 800, 100).bpm).toBeNull();
    expect(estimateHeartRate([5, 80], 800, 100).bpm).toBeNull();
    expect(estimateHeartRate([5, 80, 155], 800, 100).bpm).toBeCloseTo(80, 9);
  });

  it("median of odd, even and empty inputs", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});
