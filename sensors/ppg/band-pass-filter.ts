import { Biquad, butterworthHighpass, butterworthLowpass } from "./biquad.js";

export interface BandPassOptions {
  sampleRateHz: number;
  /** Removes baseline wander and the DC level (default 0.5 Hz = 30 bpm). */
  lowHz?: number;
  /** Removes noise and most of the dicrotic wave's sharpness (default 4 Hz = 240 bpm). */
  highHz?: number;
}

/**
 * PPG band-pass: a 2nd-order Butterworth high-pass then a 2nd-order Butterworth low-pass.
 * The first sample is subtracted from every input, so a raw ADC level of 130 000 counts does not
 * enter the high-pass as a step and ring for seconds: the output starts settled at zero.
 */
export class BandPassFilter {
  private readonly highPass: Biquad;
  private readonly lowPass: Biquad;
  private offset: number | undefined;

  constructor(options: BandPassOptions) {
    const fs = options.sampleRateHz;
    // Keep the low-pass corner below Nyquist at low rates (10 Hz sampling → 4 Hz still fits, 8 Hz would not).
    const high = Math.min(options.highHz ?? 4, fs * 0.45);
    this.highPass = new Biquad(butterworthHighpass(options.lowHz ?? 0.5, fs));
    this.lowPass = new Biquad(butterworthLowpass(high, fs));
  }

  step(x: number): number {
    if (this.offset === undefined) this.offset = x;
    return this.lowPass.step(this.highPass.step(x - this.offset));
  }
}
