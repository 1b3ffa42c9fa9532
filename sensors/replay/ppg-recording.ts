import { parseCsvColumns } from "../ppg/csv-columns.js";
import { PpgProcessor } from "../ppg/ppg-processor.js";
import type { ParsedRecording, ReplayRow } from "./replay-row.js";

export interface PpgRecordingOptions {
  /** The pulse waveform column (the IR column when red is given). */
  column: string;
  sampleRateHz: number;
  /** Red LED column, for SpO2. */
  red?: string;
}

/**
 * A PPG waveform CSV as replay rows: the project's PPG estimator (sensors/ppg) turns it into one
 * reading per second (hr, spo2 with red+IR, rr from the respiratory modulations once its window is full).
 * Withheld estimates (poor quality) are null, as a node would send them.
 */
export function parsePpgRecording(text: string, o: PpgRecordingOptions): ParsedRecording {
  const csv = parseCsvColumns(text);
  const pulse = csv.column(o.column);
  if (!pulse) throw new RangeError(`no column "${o.column}"; columns: ${csv.headers.join(", ")}`);
  const red = o.red === undefined ? undefined : csv.column(o.red);
  if (o.red !== undefined && !red)
    throw new RangeError(`no column "${o.red}"; columns: ${csv.headers.join(", ")}`);
  const processor = new PpgProcessor({ sampleRateHz: o.sampleRateHz, withRed: red !== undefined });
  const windows = processor.push(pulse, red);
  const t0 = windows[0]?.t ?? 0;
  const rows: ReplayRow[] = windows.map((w) => ({
    t: Math.round((w.t - t0) * 1000),
    values: { hr: w.hr, spo2: w.spo2, rr: w.rr },
    rrFromPpg: true,
  }));
  return { rows, skipped: [], keys: ["hr", "spo2", "rr"] };
}
