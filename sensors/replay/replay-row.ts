import { type FrameValues, PARAMETERS } from "../../core/parameters.js";

/** The parameters a recording may carry, in the column order `vitals record` writes. */
export const REPLAY_KEYS = ["hr", "spo2", "temp", "rr", "sbp", "dbp"] as const;
export type ReplayKey = (typeof REPLAY_KEYS)[number];

/** One reading of a recording: its time from the recording's start and the values it holds. */
export interface ReplayRow {
  /** Milliseconds since the recording's first row. */
  t: number;
  values: { [K in ReplayKey]?: number | null };
  /** rr derived from the PPG waveform (the frame's rr_src "ppg"). */
  rrFromPpg?: boolean;
}

/** A line the parser could not use, and why (a parser never guesses a value). */
export interface SkippedLine {
  line: number;
  why: string;
}

export interface ParsedRecording {
  rows: ReplayRow[];
  skipped: SkippedLine[];
  /** Parameters the recording has a column for: only these go into the frames. */
  keys: ReplayKey[];
}

const PLAUSIBLE = new Map(PARAMETERS.map((p) => [p.key, p.plausible]));

/**
 * A cell as a value: a finite number inside the parameter's plausible range, else null. Anything that
 * is not plainly a decimal number ("12abc", "0x1F", "1e999", "") is null, never a guess.
 */
export function cellValue(key: ReplayKey, cell: string | undefined, zeroIsMissing = false): number | null {
  if (cell === undefined) return null;
  const s = cell.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return null;
  const n = Number(s);
  if (!Number.isFinite(n) || (zeroIsMissing && n === 0)) return null;
  const [min, max] = PLAUSIBLE.get(key) ?? [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
  return n >= min && n <= max ? n : null;
}

/** The frame values of a row: required parameters always (maybe null), the recording's others too. */
export function frameValues(row: ReplayRow, keys: readonly ReplayKey[]): FrameValues {
  const out: Record<string, number | null> = { hr: null, spo2: null, temp: null };
  for (const k of keys) out[k] = row.values[k] ?? null;
  return out as unknown as FrameValues;
}
