import { describe, expect, it } from "vitest";
import { pearson, periodicity, templateCorrelation } from "./template-correlation.js";

function sine(n: number, period: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * i) / period));
}

/** Deterministic pseudo-random noise (LCG), so the test cannot flake. */
function noise(n: number, seed = 3): Float64Array {
  let s = seed;
  return Float64Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  });
}

describe("pearson", () => {
  it("is 1 for a scaled copy, -1 for a negated one, 0 for a constant", () => {
    const x = [1, 3, 2, 5];
    expect(pearson(x, [2, 6, 4, 10])).toBeCloseTo(1, 12);
    expect(pearson(x, [-1, -3, -2, -5])).toBeCloseTo(-1, 12);
    expect(pearson(x, [7, 7, 7, 7])).toBe(0);
    expect(pearson([], [])).toBe(0);
  });
});

describe("templateCorrelation", () => {
  it("is 1 for identical pulses and low for peaks picked out of noise", () => {
    const x = sine(1000, 100);
    const peaks = [25, 125, 225, 325, 425, 525, 625, 725, 825];
    expect(templateCorrelation(x, peaks, 100)).toBeCloseTo(1, 9);
    const n = noise(1000);
    expect(templateCorrelation(n, peaks, 100)).toBeLessThan(0.5);
  });

  it("needs three complete beats", () => {
    expect(templateCorrelation(sine(300, 100), [25, 125], 100)).toBe(0);
    // Beats too close to the edges for a full segment do not count.
    expect(templateCorrelation(sine(300, 100), [1, 125, 299], 100)).toBe(0);
  });
});

describe("periodicity", () => {
  it("is near 1 at the period of a periodic signal, even 8 % off it", () => {
    expect(periodicity(sine(1000, 80), 80)).toBeGreaterThan(0.95);
    expect(periodicity(sine(1000, 80), 86)).toBeGreaterThan(0.95);
  });

  it("is near 0 for white noise and 0 for silence", () => {
    expect(periodicity(noise(1000), 80)).toBeLessThan(0.2);
    expect(periodicity(new Float64Array(1000), 80)).toBe(0);
  });
});
