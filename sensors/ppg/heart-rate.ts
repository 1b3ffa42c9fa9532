/**
 * Heart rate from the beats inside one analysis window.
 * The median inter-beat interval (IBI) picks out the rhythm; intervals within ±20 % of it are
 * "inliers" (a missed or extra beat makes an interval about 2× or 0.5× the median and is dropped),
 * and the rate is 60 / mean(inlier IBIs). Averaging the inliers instead of taking the median alone
 * keeps the rate from snapping to whole-sample intervals (at 25 Hz a median IBI of 24 vs 25 samples
 * is 62.5 vs 60 bpm).
 */
export interface HeartRateEstimate {
  /** bpm, or null with fewer than `minIntervals` usable intervals. */
  bpm: number | null;
  intervals: number;
  /** Share of intervals within ±20 % of the median, 0..1. */
  regularity: number;
  /** Time covered by inlier intervals over the time beats could cover in this window, 0..1. */
  coverage: number;
  /** Median IBI in samples (0 when none). */
  medianInterval: number;
}

export const INLIER_TOLERANCE = 0.2;

export function median(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const mid = n >> 1;
  return n % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * @param beatTimes beat times in samples, ascending, all inside the window
 * @param windowSamples length of the window in samples
 */
export function estimateHeartRate(
  beatTimes: ArrayLike<number>,
  windowSamples: number,
  sampleRateHz: number,
  minIntervals = 2,
): HeartRateEstimate {
  const intervals: number[] = [];
  for (let i = 1; i < beatTimes.length; i++) {
    intervals.push((beatTimes[i] as number) - (beatTimes[i - 1] as number));
  }
  if (intervals.length < minIntervals) {
    return { bpm: null, intervals: intervals.length, regularity: 0, coverage: 0, medianInterval: 0 };
  }
  const med = median(intervals);
  let inlierSum = 0;
  let inliers = 0;
  for (const ibi of intervals) {
    if (Math.abs(ibi - med) <= INLIER_TOLERANCE * med) {
      inlierSum += ibi;
      inliers++;
    }
  }
  const regularity = inliers / intervals.length;
  // A window of W samples holds at most W - IBI samples between its first and last beat.
  const coverable = Math.max(windowSamples - med, med);
  const coverage = Math.min(1, inlierSum / coverable);
  const bpm = inliers >= minIntervals ? (60 * sampleRateHz * inliers) / inlierSum : null;
  return { bpm, intervals: intervals.length, regularity, coverage, medianInterval: med };
}
