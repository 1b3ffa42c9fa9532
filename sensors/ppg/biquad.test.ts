import { describe, expect, it } from "vitest";
import { Biquad, biquadGain, butterworthHighpass, butterworthLowpass } from "./biquad.js";

/** Steady-state amplitude of the filter's response to a unit sine, measured by running it. */
function measuredGain(filter: Biquad, freqHz: number, fs: number): number {
  let peak = 0;
  const n = Math.round(fs * 40);
  for (let i = 0; i < n; i++) {
    const y = filter.step(Math.sin((2 * Math.PI * freqHz * i) / fs));
    if (i > n / 2) peak = Math.max(peak, Math.abs(y));
  }
  return peak;
}

describe("Butterworth biquads", () => {
  it("low-pass: unity at DC, -3 dB at the corner, attenuates above", () => {
    for (const fs of [25, 100, 125]) {
      const c = butterworthLowpass(4, fs);
      expect(biquadGain(c, 0, fs)).toBeCloseTo(1, 9);
      expect(biquadGain(c, 4, fs)).toBeCloseTo(Math.SQRT1_2, 6);
      expect(biquadGain(c, 10, fs)).toBeLessThan(0.2);
    }
  });

  it("high-pass: zero at DC, -3 dB at the corner, passes the pulse band", () => {
    const c = butterworthHighpass(0.5, 125);
    expect(biquadGain(c, 0, 125)).toBeCloseTo(0, 9);
    expect(biquadGain(c, 0.5, 125)).toBeCloseTo(Math.SQRT1_2, 6);
    expect(biquadGain(c, 2, 125)).toBeGreaterThan(0.99);
  });

  it("the running filter has the gain the coefficients predict", () => {
    for (const [f, fs] of [
      [1, 25],
      [3, 25],
      [0.3, 125],
    ] as const) {
      const c = butterworthLowpass(2, fs);
      expect(measuredGain(new Biquad(c), f, fs)).toBeCloseTo(biquadGain(c, f, fs), 2);
    }
  });

  it("rejects corners at or above Nyquist and non-positive ones", () => {
    expect(() => butterworthLowpass(12.5, 25)).toThrow(RangeError);
    expect(() => butterworthHighpass(0, 25)).toThrow(RangeError);
    expect(() => butterworthLowpass(Number.NaN, 25)).toThrow(RangeError);
  });
});
