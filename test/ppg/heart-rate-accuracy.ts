import { median } from "../../sensors/ppg/heart-rate.js";
import { PpgProcessor, type PpgProcessorOptions, type PpgWindow } from "../../sensors/ppg/ppg-processor.js";
import { detectRPeaks } from "../../sensors/ppg/reference/r-peak-detector.js";

/**
 * How the PPG heart rate is scored against an ECG: every window the processor emits is paired with
 * the reference rate 60 / median(R–R interval) over the same span of time [t − span, t), taken from
 * the R peaks of the simultaneous ECG. Windows where the processor withholds hr (no_signal) count
 * against "output" but not in the mean absolute error.
 */
export interface AccuracySummary {
  durationSeconds: number;
  windows: number;
  withOutput: number;
  /** Mean |hr − reference| over windows with output, bpm (null without any). */
  mae: number | null;
  maxError: number | null;
  medianQuality: number | null;
  pairs: { t: number; hr: number | null; reference: number | null; quality: number }[];
}

export function referenceHeartRate(rPeaks: number[], fromSample: number, toSample: number, fs: number) {
  const inside = rPeaks.filter((p) => p >= fromSample && p < toSample);
  const rr: number[] = [];
  for (let i = 1; i < inside.length; i++) rr.push((inside[i] ?? 0) - (inside[i - 1] ?? 0));
  return rr.length >= 2 ? (60 * fs) / median(rr) : null;
}

export function scoreAgainstEcg(
  pleth: Float64Array,
  ecg: Float64Array,
  options: PpgProcessorOptions,
  /** The ECG may be sampled faster than the PPG (e.g. a PPG decimated to a firmware's 25 Hz). */
  ecgRateHz = options.sampleRateHz,
): AccuracySummary {
  const fs = ecgRateHz;
  const windows = new PpgProcessor(options).push(pleth);
  const rPeaks = detectRPeaks(ecg, fs);
  const pairs = windows.map((w: PpgWindow) => {
    const end = Math.round(w.t * fs);
    const start = end - Math.round(w.span * fs);
    return { t: w.t, hr: w.hr, reference: referenceHeartRate(rPeaks, start, end, fs), quality: w.quality };
  });
  const errors = pairs.flatMap((p) =>
    p.hr !== null && p.reference !== null ? [Math.abs(p.hr - p.reference)] : [],
  );
  const withOutput = pairs.filter((p) => p.hr !== null).length;
  return {
    durationSeconds: pleth.length / options.sampleRateHz,
    windows: windows.length,
    withOutput,
    mae: errors.length > 0 ? errors.reduce((a, b) => a + b, 0) / errors.length : null,
    maxError: errors.length > 0 ? Math.max(...errors) : null,
    medianQuality: windows.length > 0 ? median(windows.map((w) => w.quality)) : null,
    pairs,
  };
}
