/**
 * National Early Warning Score 2 (Royal College of Physicians, 2017; Chart 1 "The NEWS scoring system" and
 * Chart 2 "Thresholds and triggers"). Pure: the caller passes the bed's current (non-stale) measured values
 * and any manual entries; every part says whether it was measured, entered or is missing.
 */

export type Acvpu = "A" | "C" | "V" | "P" | "U";
const NEWS2_PARAMETERS = ["rr", "spo2", "air_or_oxygen", "sbp", "hr", "consciousness", "temp"] as const;
type News2Parameter = (typeof NEWS2_PARAMETERS)[number];
type News2Source = "measured" | "entered" | "missing";
/** none: aggregate 0. low-medium: a single parameter scores 3 (RCP "red score") while the total is < 5. */
export type News2Band = "none" | "low" | "low-medium" | "medium" | "high";

/** Current sensor values; pass only values that are not stale. */
export interface News2Measured {
  rr?: number | null;
  /** The measured rr was derived by the node, e.g. from the PPG (protocol rr_src), not measured directly. */
  rrSource?: "ppg" | null;
  spo2?: number | null;
  sbp?: number | null;
  hr?: number | null;
  temp?: number | null;
}

/** Clinician entries for what no sensor provides. */
export interface News2Manual extends News2Measured {
  consciousness?: Acvpu | null;
  /** Supplemental oxygen (any device). */
  onOxygen?: boolean | null;
  /** SpO2 scale 2 only for hypercapnic respiratory failure with a prescribed 88–92 % target. */
  spo2Scale?: 1 | 2;
}

interface News2Part {
  value: number | string | boolean | null;
  score: number | null;
  source: News2Source;
  /** For a measured rr derived by the node: what from ("ppg": shown as "RR from PPG"). */
  from?: "ppg";
}

export interface News2Result {
  total: number;
  band: News2Band;
  /** Some parameter scored 3. */
  redScore: boolean;
  /** All seven parameters were available; an incomplete total under-states the risk. */
  complete: boolean;
  missing: News2Parameter[];
  scale: 1 | 2;
  parts: Record<News2Parameter, News2Part>;
}

/** Values are rounded to the chart's resolution (whole numbers; temperature to 0.1 °C) before banding. */
const whole = Math.round;
const tenth = (x: number) => Math.round(x * 10) / 10;

export function scoreRespirationRate(rr: number): number {
  const v = whole(rr);
  if (v <= 8) return 3;
  if (v <= 11) return 1;
  if (v <= 20) return 0;
  if (v <= 24) return 2;
  return 3;
}

export function scoreSpo2Scale1(spo2: number): number {
  const v = whole(spo2);
  if (v <= 91) return 3;
  if (v <= 93) return 2;
  if (v <= 95) return 1;
  return 0;
}

/** Scale 2: above the 88–92 % target only scores while on oxygen (over-oxygenation risk). */
export function scoreSpo2Scale2(spo2: number, onOxygen: boolean): number {
  const v = whole(spo2);
  if (v <= 83) return 3;
  if (v <= 85) return 2;
  if (v <= 87) return 1;
  if (v <= 92 || !onOxygen) return 0;
  if (v <= 94) return 1;
  if (v <= 96) return 2;
  return 3;
}

export function scoreAirOrOxygen(onOxygen: boolean): number {
  return onOxygen ? 2 : 0;
}

export function scoreSystolicBp(sbp: number): number {
  const v = whole(sbp);
  if (v <= 90) return 3;
  if (v <= 100) return 2;
  if (v <= 110) return 1;
  if (v <= 219) return 0;
  return 3;
}

export function scorePulse(hr: number): number {
  const v = whole(hr);
  if (v <= 40) return 3;
  if (v <= 50) return 1;
  if (v <= 90) return 0;
  if (v <= 110) return 1;
  if (v <= 130) return 2;
  return 3;
}

/** "C" is new confusion; any of C, V, P, U scores 3. */
export function scoreConsciousness(level: Acvpu): number {
  return level === "A" ? 0 : 3;
}

export function scoreTemperature(temp: number): number {
  const v = tenth(temp);
  if (v <= 35.0) return 3;
  if (v <= 36.0) return 1;
  if (v <= 38.0) return 0;
  if (v <= 39.0) return 1;
  return 2;
}

/** RCP Chart 2: ≥ 7 high; 5–6 medium; a single 3 low-medium; 1–4 low. */
export function news2Band(total: number, redScore: boolean): News2Band {
  if (total >= 7) return "high";
  if (total >= 5) return "medium";
  if (redScore) return "low-medium";
  if (total >= 1) return "low";
  return "none";
}

function pick(
  measured: number | null | undefined,
  entered: number | null | undefined,
): { value: number | null; source: News2Source } {
  if (typeof measured === "number" && Number.isFinite(measured))
    return { value: measured, source: "measured" };
  if (typeof entered === "number" && Number.isFinite(entered)) return { value: entered, source: "entered" };
  return { value: null, source: "missing" };
}

function withFrom(part: News2Part, from: "ppg" | null | undefined): News2Part {
  return part.source === "measured" && from ? { ...part, from } : part;
}

/** Scores one bed. Measured values win over manual entries for the same parameter. */
export function computeNews2(measured: News2Measured, manual: News2Manual = {}): News2Result {
  const scale = manual.spo2Scale ?? 1;
  const onOxygen = typeof manual.onOxygen === "boolean" ? manual.onOxygen : null;
  const numeric = (
    m: number | null | undefined,
    e: number | null | undefined,
    score: (v: number) => number,
  ): News2Part => {
    const { value, source } = pick(m, e);
    return { value, source, score: value === null ? null : score(value) };
  };
  const spo2 = pick(measured.spo2, manual.spo2);
  let spo2Score: number | null = null;
  if (spo2.value !== null) {
    if (scale === 1) spo2Score = scoreSpo2Scale1(spo2.value);
    // Scale 2 at or above 93 % cannot be scored without knowing whether the patient is on oxygen.
    else if (whole(spo2.value) <= 92 || onOxygen !== null)
      spo2Score = scoreSpo2Scale2(spo2.value, onOxygen ?? false);
  }
  const consciousness = manual.consciousness ?? null;
  const parts: Record<News2Parameter, News2Part> = {
    rr: withFrom(numeric(measured.rr, manual.rr, scoreRespirationRate), measured.rrSource),
    spo2: { ...spo2, score: spo2Score, source: spo2Score === null ? "missing" : spo2.source },
    air_or_oxygen: {
      value: onOxygen,
      score: onOxygen === null ? null : scoreAirOrOxygen(onOxygen),
      source: onOxygen === null ? "missing" : "entered",
    },
    sbp: numeric(measured.sbp, manual.sbp, scoreSystolicBp),
    hr: numeric(measured.hr, manual.hr, scorePulse),
    consciousness: {
      value: consciousness,
      score: consciousness === null ? null : scoreConsciousness(consciousness),
      source: consciousness === null ? "missing" : "entered",
    },
    temp: numeric(measured.temp, manual.temp, scoreTemperature),
  };
  let total = 0;
  let redScore = false;
  const missing: News2Parameter[] = [];
  for (const p of NEWS2_PARAMETERS) {
    const s = parts[p].score;
    if (s === null) missing.push(p);
    else {
      total += s;
      if (s === 3) redScore = true;
    }
  }
  return {
    total,
    band: news2Band(total, redScore),
    redScore,
    complete: missing.length === 0,
    missing,
    scale,
    parts,
  };
}
