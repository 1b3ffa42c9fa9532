import { REPLAY_KEYS } from "./replay-row.js";

type Recorded = { t: number } & { [K in (typeof REPLAY_KEYS)[number]]?: number | null | undefined };

/** Readings as the CSV `vitals record` writes: device time in epoch ms, one column per parameter, blank = none. */
export function recordingCsv(readings: readonly Recorded[]): string {
  let out = `time_ms,${REPLAY_KEYS.join(",")}\n`;
  for (const r of readings)
    out += `${r.t},${REPLAY_KEYS.map((k) => (r[k] == null ? "" : String(r[k]))).join(",")}\n`;
  return out;
}
