import { INLIER_TOLERANCE, median } from "../heart-rate.js";

/**
 * Reference rates the PPG estimates are compared with (the evaluation in test/ppg and the
 * `vitals ppg --report` plots), and the agreement statistics of that comparison. Offline helpers, not
 * part of the streaming estimator.
 */

/**
 * R peaks with the reference detector's double detections removed: a peak less than half the median
 * R–R after the one before it (a T wave or a notched QRS counted twice; no heart beats that early).
 */
export function withoutDoubles(rPeaks: number[]): number[] {
  if (rPeaks.length < 3) return rPeaks;
  const med = median(rPeaks.slice(1).map((p, i) => p - (rPeaks[i] as number)));
  const kept: number[] = [];
  for (const p of rPeaks) if (kept.length === 0 || p - (kept.at(-1) as number) >= 0.5 * med) kept.push(p);
  return kept;
}

/** 60 / mean of the R–R intervals within ±20 % of their median; null with fewer than 2 of them. */
export function ecgRate(rPeaks: number[], fs: number): number | null {
  const rr = rPeaks.slice(1).map((p, i) => p - (rPeaks[i] as number));
  if (rr.length < 2) return null;
  const med = median(rr);
  const inliers = rr.filter((v) => Math.abs(v - med) <= INLIER_TOLERANCE * med);
  if (inliers.length < 2) return null;
  return (60 * fs * inliers.length) / inliers.reduce((a, b) => a + b, 0);
}

/** 60 / mean breath-to-breath interval of breath times (samples) in a window; null with fewer than 2 intervals. */
export function breathRate(breaths: number[], fs: number): number | null {
  if (breaths.length < 3) return null;
  return (60 * fs * (breaths.length - 1)) / ((breaths.at(-1) as number) - (breaths[0] as number));
}

export interface Agreement {
  pairs: number;
  mae: number | null;
  bias: number | null;
  /** Bland–Altman 95 % limits of agreement: bias ± 1.96 SD of the differences. */
  loaLow: number | null;
  loaHigh: number | null;
  /** The pair with the largest |estimate − reference|. */
  worst: { t: number; estimate: number; reference: number } | null;
}

/** Agreement of estimates with references over the pairs where both exist. */
export function agreement(
  pairs: { t: number; estimate: number | null; reference: number | null }[],
): Agreement {
  const both = pairs.flatMap((p) =>
    p.estimate !== null && p.reference !== null
      ? [{ t: p.t, estimate: p.estimate, reference: p.reference }]
      : [],
  );
  if (both.length === 0) return { pairs: 0, mae: null, bias: null, loaLow: null, loaHigh: null, worst: null };
  const d = both.map((p) => p.estimate - p.reference);
  const bias = d.reduce((a, b) => a + b, 0) / d.length;
  const sd = d.length > 1 ? Math.sqrt(d.reduce((a, b) => a + (b - bias) ** 2, 0) / (d.length - 1)) : 0;
  let worst = both[0] as (typeof both)[number];
  for (const p of both)
    if (Math.abs(p.estimate - p.reference) > Math.abs(worst.estimate - worst.reference)) worst = p;
  return {
    pairs: both.length,
    mae: d.reduce((a, b) => a + Math.abs(b), 0) / d.length,
    bias,
    loaLow: bias - 1.96 * sd,
    loaHigh: bias + 1.96 * sd,
    worst,
  };
}
