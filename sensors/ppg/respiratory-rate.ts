import { INLIER_TOLERANCE, median } from "./heart-rate.js";

/**
 * Respiratory rate from the PPG's beat-to-beat modulations (Karlen et al., "Multiparameter respiratory
 * rate estimation from the photoplethysmogram", IEEE Trans Biomed Eng 60(7):1946–1953, 2013):
 * breathing modulates the baseline intensity of each beat (RIIV: venous return, intrathoracic
 * pressure), its pulse height (RIAV: stroke volume) and its timing (RIFV: respiratory sinus
 * arrhythmia). Each of the three beat series is resampled at 4 Hz, detrended and Hann-windowed; its
 * rate is the frequency of the largest spectral peak between 4 breaths/min and min(60, HR/2) (beats
 * sample the modulation, so nothing above half the heart rate is observable). Smart fusion: the
 * window's RR is the mean of the three when their standard deviation is at most 4 breaths/min,
 * otherwise nothing (the modulations disagree: motion, arrhythmia, or breathing too irregular to
 * have a rate).
 */
export interface BeatFeatures {
  /** Peak time, samples since the first sample. */
  at: number;
  /** Pulse height (band-passed peak). */
  amplitude: number;
  /** Mean raw level from the previous beat to this one: the beat's baseline intensity. */
  intensity: number;
}

export interface RespiratoryRateEstimate {
  /** Fused breaths/min, or null when withheld. */
  rr: number | null;
  /** The three modulations' own estimates (null when a series is unusable). */
  riiv: number | null;
  riav: number | null;
  rifv: number | null;
}

export const RR_MIN_BPM = 4;
export const RR_MAX_BPM = 60;
/** Karlen et al. 2013: fuse only when the modulations agree within this standard deviation. */
export const RR_FUSION_MAX_SD = 4;
const RESAMPLE_HZ = 4;
const STEP_BPM = 0.25;

const NONE: RespiratoryRateEstimate = { rr: null, riiv: null, rifv: null, riav: null };

/**
 * @param beats beats inside the window, ascending
 * @param windowSamples length of the window, samples
 * @param minCoverage share of the window regular beats must cover for an estimate (default 0.8)
 */
export function estimateRespiratoryRate(
  beats: BeatFeatures[],
  windowSamples: number,
  sampleRateHz: number,
  minCoverage = 0.8,
): RespiratoryRateEstimate {
  if (beats.length < 8) return NONE;
  const intervals = beats.slice(1).map((b, i) => b.at - (beats[i] as BeatFeatures).at);
  const med = median(intervals);
  const regular = (i: number) => {
    const v = intervals[i];
    return v !== undefined && Math.abs(v - med) <= INLIER_TOLERANCE * med;
  };
  // A beat is used when both intervals around it are regular: an ectopic or a missed beat corrupts
  // its own height, baseline and timing.
  const tIntensity: number[] = [];
  const intensity: number[] = [];
  const tAmplitude: number[] = [];
  const amplitude: number[] = [];
  const tInterval: number[] = [];
  const interval: number[] = [];
  let covered = 0;
  for (let i = 0; i < intervals.length; i++) {
    if (!regular(i)) continue;
    const a = beats[i] as BeatFeatures;
    const b = beats[i + 1] as BeatFeatures;
    covered += intervals[i] as number;
    tInterval.push((a.at + b.at) / 2);
    interval.push(intervals[i] as number);
    if (i > 0 && regular(i - 1)) {
      tIntensity.push(a.at);
      intensity.push(a.intensity);
      tAmplitude.push(a.at);
      amplitude.push(a.amplitude);
    }
  }
  if (covered < minCoverage * windowSamples) return NONE;
  const hr = (60 * sampleRateHz) / med;
  const maxBpm = Math.min(RR_MAX_BPM, hr / 2);
  const riiv = dominantRate(tIntensity, intensity, sampleRateHz, maxBpm);
  const riav = dominantRate(tAmplitude, amplitude, sampleRateHz, maxBpm);
  const rifv = dominantRate(tInterval, interval, sampleRateHz, maxBpm);
  const found = [riiv, riav, rifv].filter((v): v is number => v !== null);
  if (found.length < 2) return { rr: null, riiv, riav, rifv };
  const mean = found.reduce((a, b) => a + b, 0) / found.length;
  const sd = Math.sqrt(found.reduce((a, b) => a + (b - mean) ** 2, 0) / (found.length - 1));
  return { rr: sd <= RR_FUSION_MAX_SD ? mean : null, riiv, riav, rifv };
}

/**
 * Breaths/min of the largest spectral peak of an irregularly sampled series, or null when the series
 * is too short or flat. Resampled at 4 Hz by linear interpolation, least-squares linear trend removed,
 * Hann window, DFT evaluated every 0.25 breaths/min (a zero-padded spectrum, so the peak is located
 * finer than the 1/window resolution).
 */
export function dominantRate(
  times: number[],
  values: number[],
  sampleRateHz: number,
  maxBpm: number,
): number | null {
  if (times.length < 6 || !(maxBpm > RR_MIN_BPM)) return null;
  const step = sampleRateHz / RESAMPLE_HZ;
  const first = times[0] as number;
  const count = Math.floor(((times.at(-1) as number) - first) / step) + 1;
  if (count < 16) return null;
  const y = new Float64Array(count);
  let k = 0;
  for (let i = 0; i < count; i++) {
    const t = first + i * step;
    while (k + 1 < times.length - 1 && (times[k + 1] as number) <= t) k++;
    const t0 = times[k] as number;
    const t1 = times[k + 1] as number;
    const f = t1 > t0 ? Math.min(1, Math.max(0, (t - t0) / (t1 - t0))) : 0;
    y[i] = (values[k] as number) * (1 - f) + (values[k + 1] as number) * f;
  }
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of y) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  // A series that does not vary (beyond rounding) has no rate.
  if (!(hi - lo > 1e-9 * Math.max(Math.abs(hi), Math.abs(lo)))) return null;
  detrend(y);
  let energy = 0;
  for (let i = 0; i < count; i++) {
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (count - 1));
    y[i] = (y[i] as number) * w;
    energy += (y[i] as number) ** 2;
  }
  if (!(energy > 0)) return null;
  // The largest *interior* local maximum: a spectrum still rising at the 4 /min edge is residual
  // trend or a rhythm slower than the window can resolve, not a breathing rate.
  const power: number[] = [];
  for (let bpm = RR_MIN_BPM; bpm <= maxBpm + 1e-9; bpm += STEP_BPM) {
    // Goertzel: |DFT at one frequency|² with one multiply-add per sample (no trigonometry per sample).
    const c = 2 * Math.cos((2 * Math.PI * bpm) / 60 / RESAMPLE_HZ);
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < count; i++) {
      const s0 = (y[i] as number) + c * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    power.push(s1 * s1 + s2 * s2 - c * s1 * s2);
  }
  let best = 0;
  let bestBpm: number | null = null;
  for (let k = 1; k < power.length - 1; k++) {
    const p = power[k] as number;
    if (p > (power[k - 1] as number) && p >= (power[k + 1] as number) && p > best) {
      best = p;
      bestBpm = RR_MIN_BPM + k * STEP_BPM;
    }
  }
  return bestBpm;
}

function detrend(y: Float64Array): void {
  const n = y.length;
  const mx = (n - 1) / 2;
  let my = 0;
  for (const v of y) my += v / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (i - mx) * ((y[i] as number) - my);
    sxx += (i - mx) ** 2;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  for (let i = 0; i < n; i++) y[i] = (y[i] as number) - my - slope * (i - mx);
}
