import { fixtureColumns, requireColumn } from "../support/fixtures.js";

/**
 * The PPG evaluation set: every record the heart-rate and respiratory-rate evaluation runs on, with
 * its reference signals and the split it belongs to. Sources and licences: test/fixtures/PROVENANCE.md.
 *
 * - tuning: the estimator's constants may be chosen by looking at these.
 * - held-out: never used to choose a constant; the tests assert the targets here.
 * - stress: generated from a tuning record (time-scaled, modulation amplified) to reach rates and
 *   modulation depths the open recordings do not; they test the code at those rates, they are not
 *   evidence about patients, and they count as tuning.
 */
export type Split = "tuning" | "held-out" | "stress";

export interface EvaluationRecord {
  id: string;
  /** What it is and where it comes from, for the table. */
  label: string;
  dataset: string;
  split: Split;
  fs: number;
  ppg: Float64Array;
  /** Simultaneous ECG at fs: the heart-rate reference. */
  ecg: Float64Array;
  /** Breath times in samples at fs (manual annotations or detected on a belt), when there is one. */
  breaths?: number[];
  /** How the breaths were obtained. */
  breathSource?: string;
}

let cache: EvaluationRecord[] | undefined;

export function evaluationRecords(): EvaluationRecord[] {
  cache ??= build();
  return cache;
}

function build(): EvaluationRecord[] {
  const bidmc01 = fixtureColumns("bidmc_01_Signals.csv");
  const breaths01 = bidmcBreaths(
    requireColumn(fixtureColumns("bidmc_01_Breaths.csv"), "breaths ann1 [signal sample no]"),
  );
  const base: EvaluationRecord = {
    id: "bidmc01",
    label: "BIDMC 01 (ICU adult, 480 s)",
    dataset: "BIDMC",
    split: "tuning",
    fs: 125,
    ppg: requireColumn(bidmc01, "PLETH"),
    ecg: requireColumn(bidmc01, "II"),
    breaths: breaths01,
    breathSource: "manual (annotator 1)",
  };
  const bidmc03 = fixtureColumns("bidmc_03_Signals_first8s.csv");
  const nk = fixtureColumns("neurokit_bio_resting_100hz_first120s.csv");
  const nkRsp = requireColumn(nk, "RSP");
  return [
    base,
    {
      id: "bidmc03-8s",
      label: "BIDMC 03, first 8 s (ICU adult)",
      dataset: "BIDMC",
      split: "held-out",
      fs: 125,
      ppg: requireColumn(bidmc03, "PLETH"),
      ecg: requireColumn(bidmc03, "II"),
    },
    {
      id: "neurokit-rest",
      label: "NeuroKit2 resting adult, first 120 s",
      dataset: "NeuroKit2",
      split: "held-out",
      fs: 100,
      ppg: requireColumn(nk, "PPG"),
      ecg: requireColumn(nk, "ECG"),
      breaths: beltBreaths(nkRsp, 100),
      breathSource: "detected on the belt",
    },
    timeScaled(base, 0.5, "stress-slow", "BIDMC 01 played at 0.5× (HR ≈ 45)"),
    timeScaled(base, 1.4, "stress-fast", "BIDMC 01 played at 1.4× (HR ≈ 128)"),
    withStrongerBreathing(
      timeScaled(base, 1.4, "stress-fast-resp", ""),
      0.8,
      4,
      "BIDMC 01 at 1.4×, pulse amplitude ±80 % and baseline ×4 with each annotated breath",
    ),
    timeScaled(base, 1.9, "stress-very-fast", "BIDMC 01 played at 1.9× (HR ≈ 173)"),
  ];
}

function bidmcBreaths(column: Float64Array): number[] {
  return Array.from(column).filter((v) => Number.isFinite(v));
}

/**
 * The record replayed `factor` times faster (linear interpolation at t·factor): heart and breathing
 * rates scale by `factor`, and so do the references (the ECG and the breath times go through the same
 * mapping). The pulse shape is compressed too, which a real heart at that rate would not do.
 */
function timeScaled(r: EvaluationRecord, factor: number, id: string, label: string): EvaluationRecord {
  const resample = (x: Float64Array) =>
    Float64Array.from({ length: Math.floor((x.length - 1) / factor) }, (_, i) => {
      const u = i * factor;
      const k = Math.floor(u);
      const f = u - k;
      return (x[k] as number) * (1 - f) + (x[Math.min(k + 1, x.length - 1)] as number) * f;
    });
  return {
    ...r,
    id,
    label,
    dataset: "generated from BIDMC 01",
    split: "stress",
    ppg: resample(r.ppg),
    ecg: resample(r.ecg),
    breaths: r.breaths?.map((b) => b / factor),
  };
}

/**
 * Respiratory modulation made stronger, in step with the record's own annotated breaths: the PPG is
 * split into its slow part (a centred 1 s moving average: the respiratory baseline) and the pulses
 * (the rest); the pulses are scaled by 1 + depth·cos(breath phase), the phase advancing by one turn
 * per annotated breath, and the baseline's deviation from its mean by `baselineGain`. What a
 * ventilated or hypovolaemic patient's PPG looks like (large pulse-amplitude swings with each breath).
 */
function withStrongerBreathing(
  r: EvaluationRecord,
  depth: number,
  baselineGain: number,
  label: string,
): EvaluationRecord {
  const slow = centredMean(r.ppg, Math.round(r.fs));
  let mean = 0;
  for (const v of slow) mean += v / slow.length;
  const breaths = r.breaths ?? [];
  let k = 0;
  const phase = (i: number) => {
    while (k + 1 < breaths.length && (breaths[k + 1] as number) <= i) k++;
    const a = breaths[k] as number;
    const b = breaths[k + 1] ?? a + 1;
    return 2 * Math.PI * (k + Math.min(1, Math.max(0, (i - a) / (b - a))));
  };
  return {
    ...r,
    label,
    ppg: Float64Array.from(r.ppg, (v, i) => {
      const s = slow[i] as number;
      return mean + baselineGain * (s - mean) + (v - s) * (1 + depth * Math.cos(phase(i)));
    }),
  };
}

export function centredMean(x: Float64Array, width: number): Float64Array {
  const half = Math.floor(width / 2);
  const prefix = new Float64Array(x.length + 1);
  for (let i = 0; i < x.length; i++) prefix[i + 1] = (prefix[i] as number) + (x[i] as number);
  return Float64Array.from(x, (_, i) => {
    const a = Math.max(0, i - half);
    const b = Math.min(x.length, i + half + 1);
    return ((prefix[b] as number) - (prefix[a] as number)) / (b - a);
  });
}

/**
 * Breaths on a respiration belt: the signal smoothed (centred 0.5 s mean, then the 8 s mean removed),
 * one breath per maximum that is the largest within ±1 s and rises above the midpoint between the
 * neighbouring minima by at least a quarter of the median breath depth. A derived reference.
 */
export function beltBreaths(rsp: Float64Array, fs: number): number[] {
  const smooth = centredMean(rsp, Math.round(0.5 * fs));
  const trend = centredMean(smooth, Math.round(8 * fs));
  const y = Float64Array.from(smooth, (v, i) => v - (trend[i] as number));
  const w = Math.round(fs);
  const peaks: number[] = [];
  for (let i = w; i < y.length - w; i++) {
    const v = y[i] as number;
    if (v <= 0) continue;
    let isMax = true;
    for (let k = i - w; k <= i + w && isMax; k++)
      if ((y[k] as number) > v || ((y[k] as number) === v && k < i)) isMax = false;
    if (isMax) peaks.push(i);
  }
  const depth = (i: number) => {
    const prev = peaks[peaks.indexOf(i) - 1] ?? Math.max(0, i - 4 * fs);
    let lo = Number.POSITIVE_INFINITY;
    for (let k = prev; k < i; k++) lo = Math.min(lo, y[k] as number);
    return (y[i] as number) - lo;
  };
  const depths = peaks.map(depth);
  const sorted = [...depths].sort((a, b) => a - b);
  const med = sorted[sorted.length >> 1] ?? 0;
  return peaks.filter((_, k) => (depths[k] as number) >= 0.25 * med);
}
