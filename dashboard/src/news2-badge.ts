import type { News2Summary } from "../../core/api-types.js";

type News2Band = News2Summary["band"];

/** RCP NEWS2 Chart 2 response words; the colour is only a second cue. */
const BAND_LABEL: Readonly<Record<News2Band, string>> = {
  none: "NONE",
  low: "LOW",
  "low-medium": "LOW-MED",
  medium: "MEDIUM",
  high: "HIGH",
};

export interface News2Badge {
  /** "7", or "—" when nothing can be scored. */
  score: string;
  band: News2Band | "unknown";
  bandLabel: string;
  /** Some parameters are missing: the total under-states the risk. */
  incomplete: boolean;
  /** Tooltip / spoken text. */
  title: string;
}

const PART_NAME: Readonly<Record<string, string>> = {
  rr: "respiration rate",
  spo2: "SpO₂",
  air_or_oxygen: "air or oxygen",
  sbp: "systolic BP",
  hr: "pulse",
  consciousness: "consciousness",
  temp: "temperature",
};

function news2PartName(p: string): string {
  return PART_NAME[p] ?? p;
}

export function news2Badge(n: News2Summary | null | undefined): News2Badge {
  if (!n)
    return { score: "—", band: "unknown", bandLabel: "", incomplete: false, title: "NEWS2 not available" };
  const missing = n.missing.map(news2PartName).join(", ");
  const title = [
    `NEWS2 ${n.total}, ${n.band} clinical risk`,
    n.red_score ? "a single parameter scores 3" : null,
    n.complete ? null : `incomplete: ${missing} missing, the total may under-state the risk`,
  ]
    .filter((x): x is string => x !== null)
    .join("; ");
  return {
    score: String(n.total),
    band: n.band,
    bandLabel: BAND_LABEL[n.band],
    incomplete: !n.complete,
    title,
  };
}

/** One row of the NEWS2 breakdown in the bed dialog. */
export interface News2PartRow {
  parameter: string;
  name: string;
  value: string;
  score: string;
  source: "measured" | "entered" | "missing";
  /** How the source is shown: "measured", "entered", "missing", or "from PPG" for an rr a node derived. */
  sourceLabel: string;
}

function partValue(p: string, v: number | string | boolean | null): string {
  if (v === null) return "—";
  if (typeof v === "boolean") return p === "air_or_oxygen" ? (v ? "oxygen" : "air") : String(v);
  if (typeof v === "number") return p === "temp" ? v.toFixed(1) : String(Math.round(v));
  return v;
}

/** Rows in the chart's order (RR, SpO₂, air/oxygen, SBP, pulse, consciousness, temperature). */
export function news2PartRows(n: News2Summary): News2PartRow[] {
  const order = ["rr", "spo2", "air_or_oxygen", "sbp", "hr", "consciousness", "temp"];
  const keys = [
    ...order.filter((k) => k in n.parts),
    ...Object.keys(n.parts).filter((k) => !order.includes(k)),
  ];
  return keys.map((k) => {
    const part = n.parts[k] as News2Summary["parts"][string];
    return {
      parameter: k,
      name: news2PartName(k),
      value: partValue(k, part.value),
      score: part.score === null ? "—" : String(part.score),
      source: part.source,
      sourceLabel: part.from === "ppg" ? "from PPG" : part.source,
    };
  });
}
