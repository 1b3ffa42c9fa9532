import { median } from "../../sensors/ppg/heart-rate.js";
import { PpgProcessor, type PpgWindow } from "../../sensors/ppg/ppg-processor.js";
import { detectRPeaks } from "../../sensors/ppg/reference/r-peak-detector.js";
import {
  type Agreement,
  agreement,
  breathRate,
  ecgRate,
  withoutDoubles,
} from "../../sensors/ppg/reference/reference-rates.js";
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

export type { Agreement };
export { agreement };

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
    const reference = full ? breathRate(inside, fs) : null;
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
