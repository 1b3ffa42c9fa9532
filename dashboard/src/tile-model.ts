import type { BedStatus, BedView } from "../../gateway/api/types.js";
import { formatAge, formatHr, formatSpo2, formatTemp } from "./format.js";
import { type Freshness, freshnessOf } from "./freshness.js";

export type ShownVital = "hr" | "spo2" | "temp";

/** Everything a bed tile shows, as text and flags; the DOM layer only copies it onto elements. */
export interface TileModel {
  bed: string;
  patient: string;
  ward: string | null;
  status: BedStatus;
  freshness: Freshness;
  /** Badge next to the status: "STALE", "OFFLINE", "NO DATA" or null when the numbers are current. */
  freshnessLabel: string | null;
  reasons: string[];
  values: Record<ShownVital, string>;
  /** Which numbers a CRITICAL reason is about, so they can be highlighted. */
  outOfRange: Record<ShownVital, boolean>;
  age: string;
  flags: string[];
  /** Sentence for screen readers describing the whole tile. */
  ariaLabel: string;
}

// Reasons are human-readable ("SpO2 92 % < 95 %"); their first word names the parameter.
const REASON_PARAMETER: Array<[RegExp, ShownVital]> = [
  [/^\s*spo\s*2\b/i, "spo2"],
  [/^\s*(hr|heart rate|pulse)\b/i, "hr"],
  [/^\s*(temp|temperature)\b/i, "temp"],
];

export function vitalsNamedIn(reasons: readonly string[]): Record<ShownVital, boolean> {
  const out = { hr: false, spo2: false, temp: false };
  for (const r of reasons) {
    for (const [re, vital] of REASON_PARAMETER) if (re.test(r)) out[vital] = true;
  }
  return out;
}

const FRESHNESS_LABEL: Record<Freshness, string | null> = {
  live: null,
  stale: "STALE",
  offline: "OFFLINE",
  waiting: "NO DATA",
};

export function toTileModel(bed: BedView, gatewayNow: number): TileModel {
  const r = bed.last_reading;
  const freshness = freshnessOf(bed, gatewayNow);
  const values = { hr: formatHr(r?.hr), spo2: formatSpo2(r?.spo2), temp: formatTemp(r?.temp) };
  const age = bed.last_reading_at === null ? "—" : formatAge(gatewayNow - bed.last_reading_at);
  const freshnessLabel = FRESHNESS_LABEL[freshness];
  const patient = bed.patient ?? "—";
  const spoken = [
    `${bed.bed}`,
    bed.patient ? `patient ${bed.patient}` : "no patient id",
    bed.status === "CRITICAL" ? `CRITICAL: ${bed.reasons.join("; ")}` : bed.status.toLowerCase(),
    freshnessLabel ? `${freshnessLabel.toLowerCase()} data` : null,
    `heart rate ${values.hr} beats per minute`,
    `SpO2 ${values.spo2} percent`,
    `temperature ${values.temp} degrees`,
    bed.last_reading_at === null ? "no reading yet" : `last reading ${age} ago`,
  ].filter((x): x is string => x !== null);
  return {
    bed: bed.bed,
    patient,
    ward: bed.ward,
    status: bed.status,
    freshness,
    freshnessLabel,
    reasons: bed.status === "CRITICAL" ? bed.reasons : [],
    values,
    outOfRange:
      bed.status === "CRITICAL" ? vitalsNamedIn(bed.reasons) : { hr: false, spo2: false, temp: false },
    age,
    flags: r?.flags ?? [],
    ariaLabel: spoken.join(", "),
  };
}
