import { median } from "../../sensors/ppg/heart-rate.js";
import { PpgProcessor, type PpgWindow } from "../../sensors/ppg/ppg-processor.js";
import { detectRPeaks } from "../../sensors/ppg/reference/r-peak-detector.js";
import { pearson } from "../../sensors/ppg/template-correlation.js";
import type { EvaluationRecord } from "./evaluation-records.js";

/**
 * How the PPG estimates are scored against their references, per record.
 *
 * Heart rate. Every window the processor emits covers [t − span, t). Its reference is the ECG's rate
 * over the same span: 60 / mean R–R of the intervals within ±20 % of the median (the estimator's own
 * inlier rule, so an ectopic beat or a missed R peak changes neither). A window is *readable* when
 * (a) the ECG shows regular beats: ≥ 3 R–R intervals, all within ±20 % of their median, and (b) the
 * PPG shows pulses: each beat's PPG (from its R peak, one median R–R long, its linear trend removed)
 * correlates with the ECG-aligned average of them all by r ≥ 0.86 on average (the template-matching
 * threshold of Orphanidou et al., IEEE J Biomed Health Inform 19(3):832–838, 2015). The alignment
 * comes from the ECG, so the readability judgement does not depend on the PPG beat detector under
 * test. Coverage = readable windows with an HR output / readable windows; MAE, bias and limits of
 * agreement (bias ± 1.96 SD) are over every window with an output and a reference.
 *
 * Respiratory rate. Each window's reference is 60 / mean breath-to-breath interval of the breaths
 * inside its RR span (≥ 2 intervals); coverage = windows with an RR output / windows with a reference.
 */
export const READABLE_TEMPLATE_R = 0.86;
/** The processor's default respiratory-rate window, s. */
export const RR_WINDOW_SECONDS = 32;

export interface Agreement {
  pairs: number;
  mae: number | null;
  bias: number | null;
  loaLow: number | null;
  loaHigh: number | null;
  /** The window with the largest |error|. */
  worst: { t: number; estimate: number; reference: number } | null;
}

export interface HrPair {
  t: number;
  hr: number | null;
  reference: number | null;
  readable: boolean;
  quality: number;
}

export interface RrPair {
  t: number;
  rr: number | null;
  reference: number | null;
}

export interface RecordEvaluation {
  record: EvaluationRecord;
  windows: PpgWindow[];
  rPeaks: number[];
  hr: HrPair[];
  readable: number;
  readableWithOutput: number;
  /** Windows with an HR output that are not readable (output where the reference judges the PPG unclear). */
  outputNotReadable: number;
  hrAgreement: Agreement;
  rr: RrPair[];
  rrWithReference: number;
  rrWithOutput: number;
  rrAgreement: Agreement;
}

export function evaluateRecord(record: EvaluationRecord): RecordEvaluation {
  const { fs } = record;
  const windows = new PpgProcessor({ sampleRateHz: fs }).push(record.ppg);
  const rPeaks = withoutDoubles(detectRPeaks(record.ecg, fs));
  const hr = windows.map((w): HrPair => {
    const end = Math.round(w.t * fs);
    const start = end - Math.round(w.span * fs);
    const inside = rPeaks.filter((p) => p >= start && p < end);
    return {
      t: w.t,
      hr: w.hr,
      reference: ecgRate(inside, fs),
      readable: isReadable(record.ppg, inside, end),
      quality: w.quality,
    };
  });
  const readable = hr.filter((p) => p.readable);
  const rr = windows.map((w): RrPair => {
    const end = Math.round(w.t * fs);
    const start = end - Math.round(w.rrSpan * fs);
    const inside = (record.breaths ?? []).filter((b) => b >= start && b < end);
    // Only full RR windows are scored: before that the estimator says nothing by design.
    const full = w.t >= RR_WINDOW_SECONDS;
    const reference =
      full && inside.length >= 3
        ? (60 * fs * (inside.length - 1)) / ((inside.at(-1) as number) - (inside[0] as number))
        : null;
    return { t: w.t, rr: w.rr, reference };
  });
  return {
    record,
    windows,
    rPeaks,
    hr,
    readable: readable.length,
    readableWithOutput: readable.filter((p) => p.hr !== null).length,
    outputNotReadable: hr.filter((p) => p.hr !== null && !p.readable).length,
    hrAgreement: agreement(hr.map((p) => ({ t: p.t, estimate: p.hr, reference: p.reference }))),
    rr,
    rrWithReference: rr.filter((p) => p.reference !== null).length,
    rrWithOutput: rr.filter((p) => p.reference !== null && p.rr !== null).length,
    rrAgreement: agreement(rr.map((p) => ({ t: p.t, estimate: p.rr, reference: p.reference }))),
  };
}

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

/** 60 / mean of the R–R intervals within ±20 % of their median; null with fewer than 2 intervals. */
export function ecgRate(rPeaks: number[], fs: number): number | null {
  const rr = rPeaks.slice(1).map((p, i) => p - (rPeaks[i] as number));
  if (rr.length < 2) return null;
  const med = median(rr);
  const inliers = rr.filter((v) => Math.abs(v - med) <= 0.2 * med);
  if (inliers.length < 2) return null;
  return (60 * fs * inliers.length) / inliers.reduce((a, b) => a + b, 0);
}

/** Readable window (see the module comment): regular ECG beats and ECG-aligned PPG pulses that match. */
export function isReadable(ppg: Float64Array, rPeaks: number[], end: number): boolean {
  const rr = rPeaks.slice(1).map((p, i) => p - (rPeaks[i] as number));
  if (rr.length < 3) return false;
  const med = median(rr);
  if (rr.some((v) => Math.abs(v - med) > 0.2 * med)) return false;
  const length = Math.round(med);
  const segments = rPeaks
    .filter((p) => Math.round(p) + length <= Math.min(end, ppg.length))
    .map((p) => detrended(ppg.subarray(Math.round(p), Math.round(p) + length)));
  if (segments.length < 3) return false;
  const template = new Float64Array(length);
  for (const s of segments)
    for (let k = 0; k < length; k++) template[k] = (template[k] as number) + (s[k] as number);
  const r = segments.map((s) => pearson(s, template));
  return r.reduce((a, b) => a + b, 0) / r.length >= READABLE_TEMPLATE_R;
}

function detrended(x: Float64Array): Float64Array {
  const n = x.length;
  const a = x[0] as number;
  const b = x[n - 1] as number;
  return Float64Array.from(x, (v, i) => v - (a + ((b - a) * i) / Math.max(1, n - 1)));
}

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
