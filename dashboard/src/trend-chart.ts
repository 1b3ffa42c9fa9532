import type uPlot from "uplot";
import type { TrendBucket, TrendParameter } from "../../core/api-types.js";

/** The trend ranges the bed dialog offers, in hours. */
export const TREND_HOURS = [1, 8, 24, 72] as const;
export type TrendHours = (typeof TREND_HOURS)[number];

const SHOWN: readonly TrendParameter[] = ["hr", "spo2", "temp"];

/**
 * A time-axis label on a 24-hour clock in the browser's locale: "14:05", and with the weekday when the
 * chart spans more than a day ("Tue 14:05"), so 72 h of trend never reads as a.m./p.m.
 */
export function axisTime(epochMs: number, spanMs: number, locale?: string, timeZone?: string): string {
  const opts: Intl.DateTimeFormatOptions = {
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    ...(spanMs > 24 * 3_600_000 ? { weekday: "short" } : {}),
    ...(timeZone ? { timeZone } : {}),
  };
  return new Date(epochMs).toLocaleString(locale, opts);
}

/**
 * Buckets → uPlot columns: time (s), then per parameter median, min, max (null where a minute has no
 * value, so the line breaks instead of bridging a gap).
 */
export function trendColumns(buckets: readonly TrendBucket[]): uPlot.AlignedData {
  const cols: (number | null)[][] = [buckets.map((b) => b.t / 1000)];
  for (const p of SHOWN)
    for (const k of ["median", "min", "max"] as const) cols.push(buckets.map((b) => b[p]?.[k] ?? null));
  return cols as uPlot.AlignedData;
}

/** Series and bands for trendColumns: a median line per parameter over a shaded min–max band. */
export function trendSeries(): { series: uPlot.Series[]; bands: uPlot.Band[] } {
  const look: Record<string, { label: string; scale: string; stroke: string; fill: string }> = {
    hr: { label: "HR (bpm)", scale: "vital", stroke: "#3ddc84", fill: "rgba(61,220,132,0.15)" },
    spo2: { label: "SpO₂ (%)", scale: "vital", stroke: "#4fc3f7", fill: "rgba(79,195,247,0.15)" },
    temp: { label: "Temp (°C)", scale: "temp", stroke: "#ffb74d", fill: "rgba(255,183,77,0.15)" },
  };
  const series: uPlot.Series[] = [{}];
  const bands: uPlot.Band[] = [];
  for (const p of SHOWN) {
    const l = look[p] as (typeof look)[string];
    const i = series.length;
    series.push({ label: `${l.label} median`, scale: l.scale, stroke: l.stroke, width: 2, spanGaps: false });
    series.push({ label: `${l.label} min`, scale: l.scale, stroke: l.stroke, width: 0, spanGaps: false });
    series.push({ label: `${l.label} max`, scale: l.scale, stroke: l.stroke, width: 0, spanGaps: false });
    bands.push({ series: [i + 2, i + 1], fill: l.fill });
  }
  return { series, bands };
}
