import type { PpgSample, PpgSource } from "../support/emulators/i2c/max30102-device.js";

/**
 * A short recording played forwards then backwards, over and over: no step where the loop closes (a
 * step would ring through the band-pass for seconds). Reversal keeps the beat-to-beat intervals.
 */
export function mirrored(samples: readonly PpgSample[]): PpgSample[] {
  return [...samples, ...[...samples].reverse().slice(1, -1)];
}

/**
 * A recording replayed at a higher output rate: linear interpolation between its samples, looped.
 * (The MAX30102 fixture is 25 Hz; the firmware runs the sensor at 100 Hz.)
 */
export function resampledSource(samples: readonly PpgSample[], fromHz: number, toHz: number): PpgSource {
  return (n) => {
    const x = (n * fromHz) / toHz;
    const i = Math.floor(x);
    const f = x - i;
    const a = samples[i % samples.length] as PpgSample;
    const b = samples[(i + 1) % samples.length] as PpgSample;
    return { red: Math.round(a.red + (b.red - a.red) * f), ir: Math.round(a.ir + (b.ir - a.ir) * f) };
  };
}
