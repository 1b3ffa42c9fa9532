import type Database from "better-sqlite3";
import type { TrendBucket, TrendParameter } from "../../core/api-types.js";

export const TREND_PARAMETERS: readonly TrendParameter[] = ["hr", "spo2", "temp", "rr", "sbp"];
const MINUTE = 60_000;

function median(sorted: readonly number[]): number {
  const n = sorted.length;
  const mid = n >> 1;
  return n % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Per-minute min, median and max of each parameter, oldest first; minutes without a value are left out
 * (a chart shows a gap, not an invented line). Pure: `rows` must be in time order.
 */
export function downsampleByMinute(
  rows: Iterable<{ at: number } & Partial<Record<TrendParameter, number | null>>>,
): TrendBucket[] {
  const out: TrendBucket[] = [];
  let minute = Number.NaN;
  let values: Record<TrendParameter, number[]> | null = null;
  const flush = () => {
    if (values === null) return;
    const bucket: TrendBucket = { t: minute * MINUTE, n: 0 };
    for (const p of TREND_PARAMETERS) {
      const v = values[p];
      if (v.length === 0) continue;
      v.sort((a, b) => a - b);
      bucket[p] = { min: v[0] as number, median: median(v), max: v[v.length - 1] as number };
      bucket.n = Math.max(bucket.n, v.length);
    }
    if (bucket.n > 0) out.push(bucket);
  };
  for (const r of rows) {
    const m = Math.floor(r.at / MINUTE);
    if (m !== minute) {
      flush();
      minute = m;
      values = { hr: [], spo2: [], temp: [], rr: [], sbp: [] };
    }
    for (const p of TREND_PARAMETERS) {
      const v = r[p];
      if (typeof v === "number" && Number.isFinite(v))
        (values as Record<TrendParameter, number[]>)[p].push(v);
    }
  }
  flush();
  return out;
}

/** A bed's trend from the SQLite readings, downsampled while it is read (never all rows in memory). */
export function readingTrend(db: Database.Database, bed: string, from: number, to: number): TrendBucket[] {
  const rows = db
    .prepare(
      `SELECT received_at AS at, hr, spo2, temp, rr, sbp FROM readings
       WHERE bed = ? AND received_at >= ? AND received_at <= ? ORDER BY received_at`,
    )
    .iterate(bed, from, to) as Iterable<{ at: number } & Record<TrendParameter, number | null>>;
  return downsampleByMinute(rows);
}
