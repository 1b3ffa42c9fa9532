/**
 * How alike the pulses in a window are: each beat's waveform (from 0.3 IBI before its peak to
 * 0.5 IBI after) is correlated with the average of all of them. Real pulses from one finger are
 * near-identical (r ≈ 0.9–1); peaks picked out of noise or motion are not. Returns the mean
 * Pearson r clipped at 0, or 0 with fewer than 3 complete beats.
 *
 * @param signal band-passed samples of the window, oldest first
 * @param beatOffsets beat times in samples relative to signal[0]
 * @param interval median inter-beat interval in samples
 */
export function templateCorrelation(signal: Float64Array, beatOffsets: number[], interval: number): number {
  const before = Math.round(0.3 * interval);
  const after = Math.round(0.5 * interval);
  const length = before + after + 1;
  const starts: number[] = [];
  for (const at of beatOffsets) {
    const start = Math.round(at) - before;
    if (start >= 0 && start + length <= signal.length) starts.push(start);
  }
  if (starts.length < 3 || length < 3) return 0;
  const template = new Float64Array(length);
  for (const s of starts) {
    for (let k = 0; k < length; k++) template[k] = (template[k] as number) + (signal[s + k] as number);
  }
  let sum = 0;
  for (const s of starts) sum += Math.max(0, pearson(signal.subarray(s, s + length), template));
  return sum / starts.length;
}

/** Pearson correlation of two equally long series; 0 when either is constant. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = Math.min(x.length, y.length);
  if (n === 0) return 0;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i] as number;
    my += y[i] as number;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (x[i] as number) - mx;
    const dy = (y[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  const den = Math.sqrt(sxx * syy);
  return den > 0 ? sxy / den : 0;
}

/**
 * Normalised autocorrelation of the window at the beat period: the best r(lag)/r(0) for lags within
 * ±10 % of `interval` (so heart-rate variability does not count as aperiodicity). A pulse train
 * repeats itself one beat later (≈ 0.8–1); band-passed noise has peaks too, but forgets itself
 * within one of its pseudo-periods (≈ 0–0.4). Same idea as R. Fraczkiewicz's rf_signal_periodicity.
 */
export function periodicity(signal: Float64Array, interval: number): number {
  const n = signal.length;
  let energy = 0;
  for (const v of signal) energy += v * v;
  if (!(energy > 0) || !(interval >= 1)) return 0;
  let best = Number.NEGATIVE_INFINITY;
  const from = Math.max(1, Math.floor(interval * 0.9));
  const to = Math.min(n - 1, Math.ceil(interval * 1.1));
  for (let lag = from; lag <= to; lag++) {
    let s = 0;
    for (let i = lag; i < n; i++) s += (signal[i] as number) * (signal[i - lag] as number);
    // Scale to the overlap length so long lags are not penalised for summing fewer products.
    best = Math.max(best, (s / (n - lag)) * (n / energy));
  }
  return Number.isFinite(best) ? Math.max(0, Math.min(1, best)) : 0;
}
