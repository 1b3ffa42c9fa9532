import type { ParameterSpec } from "../../core/api-types.js";

/** Text for the numbers on screen. A missing value is an em dash, never "0" or "NaN". */
export const MISSING = "—";

function finite(v: number | null | undefined): v is number {
  return typeof v === "number" && Number.isFinite(v);
}

/** A parameter's value with exactly its declared decimals (temperature 36.0, not 36; HR 73, not 72.6). */
export function formatValue(p: Pick<ParameterSpec, "decimals">, v: number | null | undefined): string {
  if (!finite(v)) return MISSING;
  return p.decimals === 0 ? String(Math.round(v)) : v.toFixed(p.decimals);
}

/**
 * Age of the last reading, short enough for a tile: "4 s", "2 min", "3 h 05 min", "2 d".
 * A negative age (residual clock skew) reads as "0 s" rather than something from the future.
 */
export function formatAge(ageMs: number | null | undefined): string {
  if (!finite(ageMs)) return MISSING;
  const s = Math.max(0, Math.floor(ageMs / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ${String(min % 60).padStart(2, "0")} min`;
  return `${Math.floor(h / 24)} d`;
}

/** Wall-clock time of day for the history table, in the browser's zone: "14:03:07". */
export function formatTimeOfDay(epochMs: number, timeZone?: string): string {
  return new Date(epochMs).toLocaleTimeString("en-GB", {
    hour12: false,
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    ...(timeZone ? { timeZone } : {}),
  });
}
