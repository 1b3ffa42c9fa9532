import { BandPassFilter } from "../band-pass-filter.js";
import { BeatDetector } from "../beat-detector.js";
import type { PpgWindow } from "../ppg-processor.js";
import { detectRPeaks } from "../reference/r-peak-detector.js";
import {
  type Agreement,
  agreement,
  breathRate,
  ecgRate,
  withoutDoubles,
} from "../reference/reference-rates.js";
import { type Series, svgChart } from "./svg-chart.js";

/**
 * The `vitals ppg --report` page: the pulse with its detected beats, estimated (and, given an ECG or
 * breath annotations, reference) heart and respiratory rate over time, signal quality, and
 * Bland–Altman plots of estimate against reference. One self-contained HTML file of static SVG.
 */
export interface PpgReportInput {
  title: string;
  sampleRateHz: number;
  pulse: Float64Array;
  windows: PpgWindow[];
  /** Simultaneous ECG at the same rate: reference HR from its R peaks. */
  ecg?: Float64Array;
  /** Breath times, samples at the same rate: reference RR. */
  breaths?: number[];
  /** Seconds of pulse waveform drawn (default 20). */
  traceSeconds?: number;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const f = (v: number | null, d = 1) => (v === null ? "—" : v.toFixed(d));

/** Beat times (samples) as the processor finds them: the same band-pass and detector, run alone. */
export function detectBeats(pulse: ArrayLike<number>, sampleRateHz: number): number[] {
  const filter = new BandPassFilter({ sampleRateHz });
  const detector = new BeatDetector({ sampleRateHz });
  const beats: number[] = [];
  let held: number | undefined;
  for (let i = 0; i < pulse.length; i++) {
    const x = pulse[i] as number;
    if (Number.isFinite(x)) held = x;
    const beat = detector.step(held === undefined ? 0 : filter.step(held));
    if (beat) beats.push(beat.at);
  }
  return beats;
}

function blandAltman(
  title: string,
  unit: string,
  pairs: { estimate: number; reference: number }[],
  a: Agreement,
): string {
  const series: Series[] = [
    {
      label: "windows",
      color: "#1f77b4",
      kind: "dots",
      points: pairs.map((p) => [(p.estimate + p.reference) / 2, p.estimate - p.reference]),
    },
  ];
  const hlines =
    a.bias === null
      ? []
      : [
          { y: a.bias, label: `bias ${f(a.bias, 2)}`, color: "#d62728" },
          { y: a.loaLow as number, label: `−1.96 SD ${f(a.loaLow, 2)}`, color: "#d62728", dashed: true },
          { y: a.loaHigh as number, label: `+1.96 SD ${f(a.loaHigh, 2)}`, color: "#d62728", dashed: true },
        ];
  return svgChart({
    title,
    xLabel: `mean of estimate and reference (${unit})`,
    yLabel: `estimate − reference (${unit})`,
    series,
    hlines,
    width: 440,
    height: 320,
  });
}

export function renderPpgReport(input: PpgReportInput): string {
  const fs = input.sampleRateHz;
  const w = input.windows;
  const beats = detectBeats(input.pulse, fs);
  const traceN = Math.min(input.pulse.length, Math.round((input.traceSeconds ?? 20) * fs));
  const step = Math.max(1, Math.floor(traceN / 4000));
  const trace: [number, number | null][] = [];
  for (let i = 0; i < traceN; i += step) {
    const v = input.pulse[i] as number;
    trace.push([i / fs, Number.isFinite(v) ? v : null]);
  }
  const beatDots: [number, number | null][] = beats
    .filter((b) => b < traceN)
    .map((b) => [b / fs, input.pulse[Math.round(b)] ?? null]);

  const rPeaks = input.ecg ? withoutDoubles(detectRPeaks(input.ecg, fs)) : undefined;
  const hrRef = w.map((x) => {
    if (!rPeaks) return null;
    const end = Math.round(x.t * fs);
    const start = end - Math.round(x.span * fs);
    return ecgRate(
      rPeaks.filter((p) => p >= start && p < end),
      fs,
    );
  });
  const rrRef = w.map((x) => {
    if (!input.breaths) return null;
    const end = Math.round(x.t * fs);
    const start = end - Math.round(x.rrSpan * fs);
    return breathRate(
      input.breaths.filter((b) => b >= start && b < end),
      fs,
    );
  });
  const hrPairs = w.map((x, i) => ({ t: x.t, estimate: x.hr, reference: hrRef[i] ?? null }));
  const rrPairs = w.map((x, i) => ({ t: x.t, estimate: x.rr, reference: rrRef[i] ?? null }));
  const hrA = agreement(hrPairs);
  const rrA = agreement(rrPairs);
  const both = (pairs: { estimate: number | null; reference: number | null }[]) =>
    pairs.flatMap((p) =>
      p.estimate !== null && p.reference !== null ? [{ estimate: p.estimate, reference: p.reference }] : [],
    );

  const rateChart = (title: string, unit: string, est: (number | null)[], ref: (number | null)[] | null) =>
    svgChart({
      title,
      xLabel: "time (s, window end)",
      yLabel: unit,
      series: [
        {
          label: "estimate (PPG)",
          color: "#1f77b4",
          kind: "line",
          points: w.map((x, i) => [x.t, est[i] ?? null]),
        },
        ...(ref
          ? [
              {
                label: "reference",
                color: "#ff7f0e",
                kind: "line" as const,
                points: w.map((x, i): [number, number | null] => [x.t, ref[i] ?? null]),
              },
            ]
          : []),
      ],
    });

  const withOutput = w.filter((x) => x.hr !== null).length;
  const rows: [string, string][] = [
    ["windows", String(w.length)],
    ["windows with HR", `${withOutput} (${w.length ? ((100 * withOutput) / w.length).toFixed(1) : "—"} %)`],
    ["windows with RR", String(w.filter((x) => x.rr !== null).length)],
  ];
  if (rPeaks)
    rows.push([
      "HR vs ECG: MAE, bias [95 % LoA]",
      `${f(hrA.mae, 2)} bpm, ${f(hrA.bias, 2)} [${f(hrA.loaLow)}, ${f(hrA.loaHigh)}] (${hrA.pairs} windows)`,
    ]);
  if (input.breaths)
    rows.push([
      "RR vs breaths: MAE, bias [95 % LoA]",
      `${f(rrA.mae, 2)} /min, ${f(rrA.bias, 2)} [${f(rrA.loaLow)}, ${f(rrA.loaHigh)}] (${rrA.pairs} windows)`,
    ]);

  const sections = [
    svgChart({
      title: `Pulse waveform, first ${(traceN / fs).toFixed(0)} s, with detected beats (${beats.length} beats in the whole record)`,
      xLabel: "time (s)",
      yLabel: "pulse (input units)",
      series: [
        { label: "pulse", color: "#555", kind: "line", points: trace },
        { label: "detected beat", color: "#d62728", kind: "dots", points: beatDots },
      ],
    }),
    rateChart(
      "Heart rate",
      "bpm",
      w.map((x) => x.hr),
      rPeaks ? hrRef : null,
    ),
    rateChart(
      "Respiratory rate (from the PPG's respiratory modulations)",
      "breaths/min",
      w.map((x) => x.rr),
      input.breaths ? rrRef : null,
    ),
    svgChart({
      title: "Signal quality (HR and SpO2 withheld below 0.5)",
      xLabel: "time (s, window end)",
      yLabel: "quality",
      yRange: [0, 1],
      series: [{ label: "quality", color: "#2ca02c", kind: "line", points: w.map((x) => [x.t, x.quality]) }],
      hlines: [{ y: 0.5, label: "threshold 0.5", color: "#999", dashed: true }],
    }),
  ];
  const ba: string[] = [];
  if (rPeaks) ba.push(blandAltman("Bland–Altman: heart rate, PPG vs ECG", "bpm", both(hrPairs), hrA));
  if (input.breaths)
    ba.push(blandAltman("Bland–Altman: respiratory rate, PPG vs breaths", "breaths/min", both(rrPairs), rrA));

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(input.title)}</title>
<style>body{font-family:sans-serif;margin:24px;max-width:960px}table{border-collapse:collapse}td{border:1px solid #ccc;padding:3px 8px}.note{color:#a00}</style>
</head><body>
<h1>${esc(input.title)}</h1>
<p class="note">vitals is a research and education toolkit, not a medical device. These estimates are not clinically validated.</p>
<table>${rows.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`).join("")}</table>
${sections.map((s) => `<div>${s}</div>`).join("\n")}
${ba.length ? `<div>${ba.join("\n")}</div>` : "<p>No reference given (--ecg, --breaths): no Bland–Altman plot.</p>"}
</body></html>
`;
}
