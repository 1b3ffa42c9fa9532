import {
  cellValue,
  type ParsedRecording,
  REPLAY_KEYS,
  type ReplayKey,
  type ReplayRow,
  type SkippedLine,
} from "./replay-row.js";

export interface NumericsCsvOptions {
  /** Parameter → column header, e.g. { hr: "HR_bpm" }. Default: the columns named like the parameters. */
  map?: Partial<Record<ReplayKey, string>>;
  /** The time column's header; default: the first of time_ms, t_ms, Time_s, time_s, time, t, Time [s]. */
  timeColumn?: string;
  /** Default: "ms" for a header ending in _ms, else "s". */
  timeUnit?: "s" | "ms";
  /** 0 means "not measured" (per-minute numerics exports write 0 for a channel that was off). */
  zeroIsMissing?: boolean;
}

/** MIMIC-II per-minute numerics (wfdb export: Time_s, HR_bpm, …; 0 or blank = not measured). */
export const MIMIC_NUMERICS: NumericsCsvOptions = {
  map: { hr: "HR_bpm", spo2: "SpO2_pct", rr: "RESP_per_min", sbp: "NBPSys_mmHg", dbp: "NBPDias_mmHg" },
  timeColumn: "Time_s",
  timeUnit: "s",
  zeroIsMissing: true,
};

const TIME_HEADERS = ["time_ms", "t_ms", "Time_s", "time_s", "time", "t", "Time [s]"];

export function splitCsvLine(line: string): string[] {
  return line.split(",").map((c) =>
    c
      .trim()
      .replace(/^"(.*)"$/, "$1")
      .trim(),
  );
}

/** Whether a header row looks like a MIMIC numerics export (then MIMIC_NUMERICS applies by default). */
export function looksLikeMimicNumerics(headers: readonly string[]): boolean {
  return headers.includes("Time_s") && headers.includes("HR_bpm");
}

/**
 * A numerics CSV (a time column and one column per parameter) as replay rows. Pure: text in, rows
 * and skipped lines out. A row whose time is not a number or goes back in time is skipped; a cell that
 * is not a plausible number is null (docs/replay.md).
 */
export function parseNumericsCsv(text: string, options: NumericsCsvOptions = {}): ParsedRecording {
  const lines = text.split(/\r?\n/);
  const headerAt = lines.findIndex((l) => l.trim() !== "");
  const skipped: SkippedLine[] = [];
  if (headerAt < 0) return { rows: [], skipped, keys: [] };
  const headers = splitCsvLine(lines[headerAt] as string);
  const opts =
    looksLikeMimicNumerics(headers) && options.map === undefined
      ? { ...MIMIC_NUMERICS, ...options }
      : options;
  const timeName = opts.timeColumn ?? TIME_HEADERS.find((h) => headers.includes(h));
  const timeIdx = timeName === undefined ? -1 : headers.indexOf(timeName);
  if (timeIdx < 0)
    throw new RangeError(
      `no time column (${opts.timeColumn ?? TIME_HEADERS.join(", ")}) in: ${headers.join(", ")}`,
    );
  const unitMs = (opts.timeUnit ?? (/_ms$/i.test(timeName as string) ? "ms" : "s")) === "ms" ? 1 : 1000;
  const columns: [ReplayKey, number][] = [];
  for (const key of REPLAY_KEYS) {
    const name = opts.map?.[key] ?? (opts.map === undefined ? key : undefined);
    if (name === undefined) continue;
    const i = headers.findIndex((h) => h.toLowerCase() === name.toLowerCase());
    if (i < 0 && opts.map?.[key] !== undefined)
      throw new RangeError(`no column "${name}" for ${key}; columns: ${headers.join(", ")}`);
    if (i >= 0) columns.push([key, i]);
  }
  const rows: ReplayRow[] = [];
  let first: number | undefined;
  let last = Number.NEGATIVE_INFINITY;
  for (let n = headerAt + 1; n < lines.length; n++) {
    const line = lines[n] as string;
    if (line.trim() === "") continue;
    const cells = splitCsvLine(line);
    const time = strictNumber(cells[timeIdx]);
    if (time === undefined) {
      skipped.push({ line: n + 1, why: `time "${cells[timeIdx] ?? ""}" is not a number` });
      continue;
    }
    const ms = Math.round(time * unitMs);
    if (ms < last) {
      skipped.push({ line: n + 1, why: "time goes backwards" });
      continue;
    }
    last = ms;
    first ??= ms;
    const values: ReplayRow["values"] = {};
    for (const [key, i] of columns) values[key] = cellValue(key, cells[i], opts.zeroIsMissing);
    rows.push({ t: ms - first, values });
  }
  return { rows, skipped, keys: columns.map(([k]) => k) };
}

function strictNumber(cell: string | undefined): number | undefined {
  if (cell === undefined || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(cell.trim())) return undefined;
  const n = Number(cell);
  return Number.isFinite(n) && Math.abs(n) < 1e13 ? n : undefined;
}
