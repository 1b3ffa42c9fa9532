import { Biquad, butterworthHighpass, butterworthLowpass } from "../biquad.js";

/**
 * ECG R-peak detector after Pan & Tompkins (IEEE Trans. Biomed. Eng. 32(3):230–236, 1985), simplified:
 * band-pass 5–15 Hz, five-point derivative, squaring, 150 ms moving-window integration, then peaks of
 * the integrated signal above an adaptive threshold (running signal and noise peak levels, threshold
 * at noise + 0.25 (signal − noise)) with a 200 ms refractory period and a 360 ms T-wave slope check.
 * Each accepted peak is placed at the raw ECG sample farthest from the mean of the 250 ms before it
 * (the band-passed signal would put it a filter delay late).
 * Offline (whole arrays); only used to build the reference heart rate for the PPG accuracy tests.
 * Returns R-peak sample indices, ascending.
 */
export function detectRPeaks(ecg: ArrayLike<number>, sampleRateHz: number): number[] {
  const fs = sampleRateHz;
  const n = ecg.length;
  if (n === 0) return [];
  const hp = new Biquad(butterworthHighpass(5, fs));
  const lp = new Biquad(butterworthLowpass(Math.min(15, fs * 0.45), fs));
  const first = finite(ecg[0]);
  const band = new Float64Array(n);
  for (let i = 0; i < n; i++) band[i] = lp.step(hp.step(finite(ecg[i]) - first));

  const slope = new Float64Array(n);
  for (let i = 4; i < n; i++) {
    const d = (2 * (band[i] ?? 0) + (band[i - 1] ?? 0) - (band[i - 3] ?? 0) - 2 * (band[i - 4] ?? 0)) / 8;
    slope[i] = d * d;
  }
  const width = Math.max(1, Math.round(0.15 * fs));
  const integrated = new Float64Array(n);
  let acc = 0;
  for (let i = 0; i < n; i++) {
    acc += (slope[i] ?? 0) - (i >= width ? (slope[i - width] ?? 0) : 0);
    integrated[i] = acc / width;
  }

  // Learning phase: the first 2 s set the initial signal and noise levels.
  const learn = Math.min(n, Math.round(2 * fs));
  let signalLevel = 0;
  let noiseLevel = 0;
  for (let i = 0; i < learn; i++) {
    signalLevel = Math.max(signalLevel, integrated[i] ?? 0);
    noiseLevel += (integrated[i] ?? 0) / learn;
  }
  signalLevel *= 0.25;
  noiseLevel *= 0.5;

  const refractory = Math.round(0.2 * fs);
  const tWaveWindow = Math.round(0.36 * fs);
  const searchBack = Math.round(0.25 * fs);
  const peaks: number[] = [];
  let lastPeak = Number.NEGATIVE_INFINITY;
  let lastSlope = 0;
  for (let i = 1; i < n - 1; i++) {
    const v = integrated[i] ?? 0;
    if (!(v > (integrated[i - 1] ?? 0) && v >= (integrated[i + 1] ?? 0))) continue;
    const threshold = noiseLevel + 0.25 * (signalLevel - noiseLevel);
    if (v < threshold || i - lastPeak < refractory) {
      noiseLevel = 0.875 * noiseLevel + 0.125 * v;
      continue;
    }
    const maxSlope = maxOf(slope, i - width, i);
    if (i - lastPeak < tWaveWindow && maxSlope < 0.5 * lastSlope) {
      noiseLevel = 0.875 * noiseLevel + 0.125 * v;
      continue;
    }
    signalLevel = 0.875 * signalLevel + 0.125 * v;
    lastPeak = i;
    lastSlope = maxSlope;
    const at = largestDeviation(ecg, Math.max(0, i - searchBack), i);
    if (peaks.length === 0 || at > (peaks[peaks.length - 1] ?? 0)) peaks.push(at);
  }
  return peaks;
}

function finite(v: number | undefined): number {
  return v !== undefined && Number.isFinite(v) ? v : 0;
}

function maxOf(values: Float64Array, from: number, to: number): number {
  let m = 0;
  for (let k = Math.max(0, from); k <= to; k++) m = Math.max(m, values[k] ?? 0);
  return m;
}

/** Index in [from, to] of the finite sample farthest from those samples' mean: the R (or inverted R) tip. */
function largestDeviation(x: ArrayLike<number>, from: number, to: number): number {
  let sum = 0;
  let count = 0;
  for (let k = from; k <= to; k++) {
    const v = x[k];
    if (v !== undefined && Number.isFinite(v)) {
      sum += v;
      count++;
    }
  }
  const mean = count > 0 ? sum / count : 0;
  let at = to;
  let best = -1;
  for (let k = from; k <= to; k++) {
    const v = x[k];
    if (v !== undefined && Number.isFinite(v) && Math.abs(v - mean) > best) {
      best = Math.abs(v - mean);
      at = k;
    }
  }
  return at;
}
