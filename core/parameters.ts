/**
 * The vital-sign parameters, declared once. The wire frame and its validation, the plausibility
 * check, the API view, the SQLite columns, the InfluxDB fields and trends, the MQTT payloads, the
 * notifications and the dashboard's numbers are all derived from this table; the derivations take a
 * parameter list (this one by default) so a test can run them on a longer one.
 * Adding a parameter: docs/architecture-parameters.md.
 *
 * Plausible ranges are physiologically possible values (inclusive): outside is a sensor or
 * transmission fault, rejected as `bad_value` and never classified. They are not alarm limits.
 * Sources: device specification ranges (Masimo Rad-8 PR 25–240 bpm, SpO2 0–100 %, PI 0.02–20 %),
 * widened where survival has been documented (core temperature 13.7–46.5 °C).
 */
export interface ParameterSpec {
  /** Name on the wire, in the API's JSON, as SQLite column and InfluxDB field. */
  readonly key: string;
  /** Plain-text name, for notifications and messages ("SpO2"). */
  readonly name: string;
  /** Name on screen, typography allowed ("SpO₂"). */
  readonly label: string;
  /** Unit as the protocol documents it and messages print it. */
  readonly unit: string;
  /** UCUM code of the unit, for HL7/FHIR. */
  readonly ucum: string;
  /** What a screen reader says. */
  readonly spoken: { readonly name: string; readonly unit: string };
  readonly plausible: readonly [min: number, max: number];
  /**
   * Present (a number or null) in every vitals frame; the others may be left out. A new parameter
   * must not be required: frames from nodes that do not know it would be rejected.
   */
  readonly required: boolean;
  /** Decimals shown on screen. */
  readonly decimals: number;
  /** "vital": measured on the patient (trended, named in alarm notifications); "device": about the node. */
  readonly kind: "vital" | "device";
  /** Shown on every bed tile and in the bed's history. */
  readonly tile: boolean;
}

export const PARAMETERS = [
  {
    key: "hr",
    name: "HR",
    label: "HR",
    unit: "bpm",
    ucum: "/min",
    spoken: { name: "heart rate", unit: "beats per minute" },
    plausible: [0, 350],
    required: true,
    decimals: 0,
    kind: "vital",
    tile: true,
  },
  {
    key: "spo2",
    name: "SpO2",
    label: "SpO₂",
    unit: "%",
    ucum: "%",
    spoken: { name: "SpO2", unit: "percent" },
    plausible: [0, 100],
    required: true,
    decimals: 0,
    kind: "vital",
    tile: true,
  },
  {
    key: "temp",
    name: "Temp",
    label: "Temp",
    unit: "°C",
    ucum: "Cel",
    spoken: { name: "temperature", unit: "degrees" },
    plausible: [10, 47],
    required: true,
    decimals: 1,
    kind: "vital",
    tile: true,
  },
  {
    key: "rr",
    name: "RR",
    label: "RR",
    unit: "breaths/min",
    ucum: "/min",
    spoken: { name: "respiratory rate", unit: "breaths per minute" },
    plausible: [0, 150],
    required: false,
    decimals: 0,
    kind: "vital",
    tile: false,
  },
  {
    key: "sbp",
    name: "SBP",
    label: "SBP",
    unit: "mmHg",
    ucum: "mm[Hg]",
    spoken: { name: "systolic blood pressure", unit: "millimetres of mercury" },
    plausible: [20, 300],
    required: false,
    decimals: 0,
    kind: "vital",
    tile: false,
  },
  {
    key: "dbp",
    name: "DBP",
    label: "DBP",
    unit: "mmHg",
    ucum: "mm[Hg]",
    spoken: { name: "diastolic blood pressure", unit: "millimetres of mercury" },
    plausible: [10, 250],
    required: false,
    decimals: 0,
    kind: "vital",
    tile: false,
  },
  {
    key: "pi",
    name: "PI",
    label: "PI",
    unit: "%",
    ucum: "%",
    spoken: { name: "perfusion index", unit: "percent" },
    plausible: [0, 30],
    required: false,
    decimals: 2,
    kind: "vital",
    tile: false,
  },
  {
    key: "battery",
    name: "Battery",
    label: "Battery",
    unit: "%",
    ucum: "%",
    spoken: { name: "battery", unit: "percent" },
    plausible: [0, 100],
    required: false,
    decimals: 0,
    kind: "device",
    tile: false,
  },
] as const satisfies readonly ParameterSpec[];

/** Any list of declarations: the derivations take one, PARAMETERS by default. */
export type ParameterList = readonly ParameterSpec[];
export type KeyOf<P extends ParameterList> = P[number]["key"];
type Declared = (typeof PARAMETERS)[number];

export type VitalParameter = Declared["key"];
export type RequiredParameter = Extract<Declared, { required: true }>["key"];
export type TileParameter = Extract<Declared, { tile: true }>["key"];

/** One nullable number per parameter: the API view's and the store's value columns. */
export type ParameterColumns<P extends ParameterList = typeof PARAMETERS> = {
  [K in KeyOf<P>]: number | null;
};
/** Values of a reading: a parameter that was not measured may be absent or null. */
export type ParameterValues<P extends ParameterList = typeof PARAMETERS> = {
  [K in KeyOf<P>]?: number | null;
};
/** The value fields of a vitals frame: the required ones always there (maybe null), the others optional. */
export type FrameValues<P extends ParameterList = typeof PARAMETERS> = {
  [S in P[number] as S["required"] extends true ? S["key"] : never]: number | null;
} & { [S in P[number] as S["required"] extends true ? never : S["key"]]?: number | null };

export const VITAL_PARAMETERS: readonly VitalParameter[] = PARAMETERS.map((p) => p.key);
export const TILE_PARAMETERS = PARAMETERS.filter((p): p is Extract<Declared, { tile: true }> => p.tile);

/** A reading's values as columns, in declaration order; an absent value is null. */
export function toColumns<P extends ParameterList = typeof PARAMETERS>(
  values: ParameterValues<P>,
  params: P = PARAMETERS as unknown as P,
): ParameterColumns<P> {
  const out: Record<string, number | null> = {};
  const v = values as Record<string, number | null | undefined>;
  for (const p of params) out[p.key] = v[p.key] ?? null;
  return out as ParameterColumns<P>;
}

/** A per-parameter table, e.g. `byParameter((p) => p.unit)`. */
export function byParameter<T, P extends ParameterList = typeof PARAMETERS>(
  f: (p: P[number]) => T,
  params: P = PARAMETERS as unknown as P,
): Record<KeyOf<P>, T> {
  return Object.fromEntries(params.map((p) => [p.key, f(p)])) as Record<KeyOf<P>, T>;
}
