/**
 * The one code table for talking to hospital systems: per vital parameter, its IEEE 11073-10101 (MDC)
 * term and unit, its LOINC code(s), its UCUM unit and the FHIR R4 vital-signs profile it conforms to.
 * HL7 v2 PCD-01 messages, PCD-04 alarm messages, FHIR Observations and docs/integration.md are all
 * derived from it (a test renders the docs table from here and compares).
 *
 * Keyed by the parameter names of core/protocol/frames.ts so that it can later join the project's
 * single parameter declaration. Sources of every code: docs/integration.md, "Code tables".
 */
import type { VitalParameter } from "../../core/protocol/frames.js";

export interface MdcTerm {
  /** Context-free code: partition × 2^16 + term code. */
  code: number;
  refId: string;
}

export interface Coding {
  code: string;
  display: string;
}

export interface VitalCode {
  parameter: VitalParameter;
  label: string;
  mdc: MdcTerm;
  mdcUnit: MdcTerm;
  ucum: Coding;
  /** First: the code the FHIR R4 vital-signs profile requires; more: additional, more specific codes. */
  loinc: Coding[];
  /** FHIR R4 vital-signs profile, or, for a blood-pressure component, the panel's. */
  fhirProfile: string;
  /** Systolic and diastolic are components of one blood-pressure panel, not Observations of their own. */
  bpComponent?: true;
  /** OBX-4 containment below the MDS: virtual medical device, channel, metric. */
  containment: readonly [vmd: number, channel: number, metric: number];
}

const FHIR_SD = "http://hl7.org/fhir/StructureDefinition/";

export const MDC_DIM_PERCENT: MdcTerm = { code: 262688, refId: "MDC_DIM_PERCENT" };
export const MDC_DIM_BEAT_PER_MIN: MdcTerm = { code: 264864, refId: "MDC_DIM_BEAT_PER_MIN" };
export const MDC_DIM_RESP_PER_MIN: MdcTerm = { code: 264928, refId: "MDC_DIM_RESP_PER_MIN" };
export const MDC_DIM_DEGC: MdcTerm = { code: 268192, refId: "MDC_DIM_DEGC" };
export const MDC_DIM_MMHG: MdcTerm = { code: 266016, refId: "MDC_DIM_MMHG" };

/** Parameters exchanged with hospital systems, in message order. pi and battery are not vital signs. */
export const VITAL_CODES: readonly VitalCode[] = [
  {
    parameter: "spo2",
    label: "SpO2",
    mdc: { code: 150456, refId: "MDC_PULS_OXIM_SAT_O2" },
    mdcUnit: MDC_DIM_PERCENT,
    ucum: { code: "%", display: "%" },
    loinc: [
      { code: "2708-6", display: "Oxygen saturation in Arterial blood" },
      { code: "59408-5", display: "Oxygen saturation in Arterial blood by Pulse oximetry" },
    ],
    fhirProfile: `${FHIR_SD}oxygensat`,
    containment: [1, 1, 1],
  },
  {
    parameter: "hr",
    label: "Pulse rate (oximeter)",
    mdc: { code: 149530, refId: "MDC_PULS_OXIM_PULS_RATE" },
    mdcUnit: MDC_DIM_BEAT_PER_MIN,
    ucum: { code: "/min", display: "/min" },
    // 8867-4 because the R4 heartrate profile fixes it; the MDC coding says "by pulse oximetry".
    loinc: [{ code: "8867-4", display: "Heart rate" }],
    fhirProfile: `${FHIR_SD}heartrate`,
    containment: [1, 1, 2],
  },
  {
    parameter: "temp",
    label: "Body temperature",
    mdc: { code: 150364, refId: "MDC_TEMP_BODY" },
    mdcUnit: MDC_DIM_DEGC,
    ucum: { code: "Cel", display: "Cel" },
    loinc: [{ code: "8310-5", display: "Body temperature" }],
    fhirProfile: `${FHIR_SD}bodytemp`,
    containment: [2, 1, 1],
  },
  {
    parameter: "rr",
    label: "Respiration rate",
    mdc: { code: 151562, refId: "MDC_RESP_RATE" },
    mdcUnit: MDC_DIM_RESP_PER_MIN,
    ucum: { code: "/min", display: "/min" },
    loinc: [{ code: "9279-1", display: "Respiratory rate" }],
    fhirProfile: `${FHIR_SD}resprate`,
    containment: [3, 1, 1],
  },
  {
    parameter: "sbp",
    label: "NIBP systolic",
    mdc: { code: 150021, refId: "MDC_PRESS_BLD_NONINV_SYS" },
    mdcUnit: MDC_DIM_MMHG,
    ucum: { code: "mm[Hg]", display: "mm[Hg]" },
    loinc: [{ code: "8480-6", display: "Systolic blood pressure" }],
    fhirProfile: `${FHIR_SD}bp`,
    bpComponent: true,
    containment: [4, 1, 1],
  },
  {
    parameter: "dbp",
    label: "NIBP diastolic",
    mdc: { code: 150022, refId: "MDC_PRESS_BLD_NONINV_DIA" },
    mdcUnit: MDC_DIM_MMHG,
    ucum: { code: "mm[Hg]", display: "mm[Hg]" },
    loinc: [{ code: "8462-4", display: "Diastolic blood pressure" }],
    fhirProfile: `${FHIR_SD}bp`,
    bpComponent: true,
    containment: [4, 1, 2],
  },
];

/** The NIBP panel the two components belong to (FHIR Observation.code; not an OBX of its own). */
export const BP_PANEL = {
  mdc: { code: 150020, refId: "MDC_PRESS_BLD_NONINV" } satisfies MdcTerm,
  loinc: { code: "85354-9", display: "Blood pressure panel with all children optional" } satisfies Coding,
  fhirProfile: `${FHIR_SD}bp`,
  label: "Blood pressure",
};

/**
 * NIBP mean: listed so the docs table is complete, never sent — readings carry no measured mean, and a
 * mean computed from systolic and diastolic would be an estimate presented as a measurement.
 */
export const NIBP_MEAN: MdcTerm = { code: 150023, refId: "MDC_PRESS_BLD_NONINV_MEAN" };

export const VITAL_CODE_BY_PARAMETER: ReadonlyMap<VitalParameter, VitalCode> = new Map(
  VITAL_CODES.map((c) => [c.parameter, c]),
);

export const LOINC_SYSTEM = "http://loinc.org";
export const MDC_SYSTEM = "urn:iso:std:iso:11073:10101";
export const UCUM_SYSTEM = "http://unitsofmeasure.org";

/** "150456^MDC_PULS_OXIM_SAT_O2^MDC": an MDC term as an HL7 v2 CWE. */
export function mdcCwe(t: MdcTerm): string {
  return `${t.code}^${t.refId}^MDC`;
}

// ---- PCD-04 (IHE ACM) alarm vocabulary ----

/** Events (partition 3, MDC_PART_EVT). */
export const MDC_EVT_ALARM: MdcTerm = { code: 196616, refId: "MDC_EVT_ALARM" };
export const MDC_EVT_HI: MdcTerm = { code: 196648, refId: "MDC_EVT_HI" };
export const MDC_EVT_LO: MdcTerm = { code: 196670, refId: "MDC_EVT_LO" };
export const MDC_EVT_BATT_LO: MdcTerm = { code: 196802, refId: "MDC_EVT_BATT_LO" };

/** ACM alarm facets (OBX-3 of facets 2–7). */
export const ACM_FACETS = {
  source: { code: 68480, refId: "MDC_ATTR_ALERT_SOURCE" },
  phase: { code: 68481, refId: "MDC_ATTR_EVENT_PHASE" },
  state: { code: 68482, refId: "MDC_ATTR_ALARM_STATE" },
  inactivation: { code: 68483, refId: "MDC_ATTR_ALARM_INACTIVATION_STATE" },
  priority: { code: 68484, refId: "MDC_ATTR_ALARM_PRIORITY" },
  type: { code: 68485, refId: "MDC_ATTR_ALERT_TYPE" },
} as const satisfies Record<string, MdcTerm>;

export const IHE_PCD_01_PROFILE = "IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO";
export const IHE_PCD_04_PROFILE = "IHE_PCD_ACM_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.4.1^ISO";
/** OBR-4 of PCD-01 messages, as in the IHE PCD TF-2 examples. */
export const PCD_01_SERVICE = "182777000^monitoring of patient^SCT";
