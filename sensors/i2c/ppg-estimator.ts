/** HR/SpO2 from a window of red/IR samples. sensors/ppg/ will provide the real one; inject it. */
export type PpgEstimator = (
  red: readonly number[],
  ir: readonly number[],
  rateHz: number,
) => { hr: number | null; spo2: number | null; quality: number };

/**
 * A deliberately minimal stand-in until sensors/ppg/ lands: HR from the mean interval between IR
 * troughs (PPG troughs are sharper than peaks), SpO2 from the ratio of ratios with the textbook
 * linear calibration 110 − 25·R. Quality is the perfusion index clipped to [0, 1] per 2 %.
 */
export const ratioOfRatiosEstimator: PpgEstimator = (red, ir, rateHz) => {
  const n = Math.min(red.length, ir.length);
  if (n < rateHz * 2) return { hr: null, spo2: null, quality: 0 };
  const acDc = (x: readonly number[]) => {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const v = x[i] as number;
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
    }
    return { ac: max - min, dc: sum / n };
  };
  const r = acDc(red);
  const i = acDc(ir);
  if (r.dc <= 0 || i.dc <= 0 || i.ac === 0) return { hr: null, spo2: null, quality: 0 };
  const pi = i.ac / i.dc;
  const ratio = r.ac / r.dc / pi;
  const spo2 = Math.max(0, Math.min(100, Math.round(110 - 25 * ratio)));
  // Troughs: local minima below the window mean, at least 0.3 s apart (≤ 200 bpm).
  const minGap = Math.round(rateHz * 0.3);
  const troughs: number[] = [];
  for (let k = 1; k < n - 1; k++) {
    const v = ir[k] as number;
    if (v < i.dc && v <= (ir[k - 1] as number) && v < (ir[k + 1] as number)) {
      const last = troughs[troughs.length - 1];
      if (last === undefined || k - last >= minGap) troughs.push(k);
      else if (v < (ir[last] as number)) troughs[troughs.length - 1] = k;
    }
  }
  const first = troughs[0];
  const last = troughs[troughs.length - 1];
  const hr =
    troughs.length >= 2 && first !== undefined && last !== undefined
      ? Math.round((60 * rateHz * (troughs.length - 1)) / (last - first))
      : null;
  return { hr, spo2, quality: Math.min(1, pi / 0.02) };
};
