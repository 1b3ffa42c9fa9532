/**
 * Second-order IIR sections (RBJ "Audio EQ Cookbook" Butterworth, Q = 1/√2), Direct Form I.
 * Direct Form I keeps the input and output histories separately, which is the form that ports to
 * fixed point without internal overflow surprises (the AVR firmware follows this file).
 */
export interface BiquadCoefficients {
  b0: number;
  b1: number;
  b2: number;
  /** Denominator coefficients, already divided by a0. */
  a1: number;
  a2: number;
}

const BUTTERWORTH_Q = Math.SQRT1_2;

function prewarp(cutoffHz: number, sampleRateHz: number): { cos: number; alpha: number } {
  if (!(sampleRateHz > 0) || !(cutoffHz > 0) || cutoffHz >= sampleRateHz / 2) {
    throw new RangeError(`cutoff ${cutoffHz} Hz must lie in (0, ${sampleRateHz / 2}) Hz`);
  }
  const w0 = (2 * Math.PI * cutoffHz) / sampleRateHz;
  return { cos: Math.cos(w0), alpha: Math.sin(w0) / (2 * BUTTERWORTH_Q) };
}

export function butterworthLowpass(cutoffHz: number, sampleRateHz: number): BiquadCoefficients {
  const { cos, alpha } = prewarp(cutoffHz, sampleRateHz);
  const a0 = 1 + alpha;
  const b = (1 - cos) / 2 / a0;
  return { b0: b, b1: 2 * b, b2: b, a1: (-2 * cos) / a0, a2: (1 - alpha) / a0 };
}

export function butterworthHighpass(cutoffHz: number, sampleRateHz: number): BiquadCoefficients {
  const { cos, alpha } = prewarp(cutoffHz, sampleRateHz);
  const a0 = 1 + alpha;
  const b = (1 + cos) / 2 / a0;
  return { b0: b, b1: -2 * b, b2: b, a1: (-2 * cos) / a0, a2: (1 - alpha) / a0 };
}

/** One streaming biquad section: feed a sample, get the filtered sample. */
export class Biquad {
  private x1 = 0;
  private x2 = 0;
  private y1 = 0;
  private y2 = 0;

  constructor(private readonly c: BiquadCoefficients) {}

  step(x: number): number {
    const { b0, b1, b2, a1, a2 } = this.c;
    const y = b0 * x + b1 * this.x1 + b2 * this.x2 - a1 * this.y1 - a2 * this.y2;
    this.x2 = this.x1;
    this.x1 = x;
    this.y2 = this.y1;
    this.y1 = y;
    return y;
  }
}

/** Gain magnitude |H(e^{jw})| of a section at `freqHz`; used by tests and by the docs' coefficient table. */
export function biquadGain(c: BiquadCoefficients, freqHz: number, sampleRateHz: number): number {
  const w = (2 * Math.PI * freqHz) / sampleRateHz;
  // H(z) evaluated at z = e^{jw}: numerator and denominator as complex numbers.
  const re = (k0: number, k1: number, k2: number) => k0 + k1 * Math.cos(w) + k2 * Math.cos(2 * w);
  const im = (k1: number, k2: number) => -k1 * Math.sin(w) - k2 * Math.sin(2 * w);
  const num = Math.hypot(re(c.b0, c.b1, c.b2), im(c.b1, c.b2));
  const den = Math.hypot(re(1, c.a1, c.a2), im(c.a1, c.a2));
  return num / den;
}
