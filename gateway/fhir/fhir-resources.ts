/**
 * FHIR R4 resources from stored readings: vital-signs Observations (one per parameter, one
 * blood-pressure panel with systolic and diastolic components), Patient and Device. Codes, units and
 * profiles come from the one code table (gateway/interop/vital-codes.ts).
 */

import { nodeEui64 } from "../hl7/message-header.js";
import type { StoredReading } from "../interop/reading-feed.js";
import {
  BP_PANEL,
  LOINC_SYSTEM,
  MDC_SYSTEM,
  UCUM_SYSTEM,
  VITAL_CODE_BY_PARAMETER,
  VITAL_CODES,
  type VitalCode,
} from "../interop/vital-codes.js";

export type FhirResource = { resourceType: string; id?: string } & Record<string, unknown>;

const VITALSIGNS = "http://hl7.org/fhir/StructureDefinition/vitalsigns";
const CATEGORY = [
  {
    coding: [
      {
        system: "http://terminology.hl7.org/CodeSystem/observation-category",
        code: "vital-signs",
        display: "Vital Signs",
      },
    ],
    text: "Vital Signs",
  },
];
/** IEEE 11073 system identifier (MDC_ATTR_SYS_ID), as the HL7 PHD implementation guide writes it. */
const EUI64_SYSTEM = "urn:oid:1.2.840.10004.1.1.1.0.0.1.0.0.1.2680";
const NODE_SYSTEM = "urn:vitals:node";

/** The Observation kinds one reading can yield, in a fixed order (the paging key's second part). */
export const OBSERVATION_KEYS = ["spo2", "hr", "temp", "rr", "bp"] as const;
export type ObservationKey = (typeof OBSERVATION_KEYS)[number];

const ID_RE = /^[A-Za-z0-9\-.]{1,64}$/;

/** A FHIR id for a patient or node id: itself when it is a valid FHIR id, else "x-" and its hex. */
export function toFhirId(s: string): string {
  if (ID_RE.test(s) && !s.startsWith("x-")) return s;
  return `x-${Buffer.from(s, "utf8").toString("hex")}`.slice(0, 64);
}

export function fromFhirId(id: string): string | undefined {
  if (!ID_RE.test(id)) return undefined;
  if (!id.startsWith("x-")) return id;
  const hex = id.slice(2);
  return /^([0-9a-f]{2})+$/.test(hex) ? Buffer.from(hex, "hex").toString("utf8") : undefined;
}

export function observationId(readingId: number, key: ObservationKey): string {
  return `r${readingId}-${key}`;
}

export function parseObservationId(id: string): { readingId: number; key: ObservationKey } | undefined {
  const m = /^r(\d{1,15})-([a-z0-9]+)$/.exec(id);
  if (!m || !(OBSERVATION_KEYS as readonly string[]).includes(m[2] as string)) return undefined;
  return { readingId: Number(m[1]), key: m[2] as ObservationKey };
}

const present = (v: number | null | undefined): v is number =>
  v !== null && v !== undefined && Number.isFinite(v);

/** Which Observation kinds a reading has values for. */
export function observationKeys(r: StoredReading): ObservationKey[] {
  const v = r.values;
  const out: ObservationKey[] = [];
  for (const k of OBSERVATION_KEYS) {
    if (k === "bp" ? present(v.sbp) || present(v.dbp) : present(v[k])) out.push(k);
  }
  return out;
}

function codeable(c: VitalCode): Record<string, unknown> {
  return {
    coding: [
      ...c.loinc.map((l) => ({ system: LOINC_SYSTEM, code: l.code, display: l.display })),
      { system: MDC_SYSTEM, code: String(c.mdc.code), display: c.mdc.refId },
    ],
    text: c.label,
  };
}

function quantity(c: VitalCode, value: number): Record<string, unknown> {
  return { value, unit: c.ucum.display, system: UCUM_SYSTEM, code: c.ucum.code };
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The Observation of one kind from one reading (undefined when the reading has no value for it or no patient). */
export function toObservation(r: StoredReading, key: ObservationKey): FhirResource | undefined {
  if (!r.patient) return undefined;
  const base = {
    resourceType: "Observation",
    id: observationId(r.id, key),
    status: "final",
    category: CATEGORY,
    subject: { reference: `Patient/${toFhirId(r.patient)}` },
    effectiveDateTime: iso(r.t),
    issued: iso(r.receivedAt),
    device: { reference: `Device/${toFhirId(r.node)}` },
  };
  if (key === "bp") {
    const sbp = VITAL_CODE_BY_PARAMETER.get("sbp") as VitalCode;
    const dbp = VITAL_CODE_BY_PARAMETER.get("dbp") as VitalCode;
    if (!present(r.values.sbp) && !present(r.values.dbp)) return undefined;
    const component = [sbp, dbp].map((c) => {
      const v = r.values[c.parameter];
      return present(v)
        ? { code: codeable(c), valueQuantity: quantity(c, v) }
        : {
            code: codeable(c),
            dataAbsentReason: {
              coding: [
                { system: "http://terminology.hl7.org/CodeSystem/data-absent-reason", code: "not-performed" },
              ],
            },
          };
    });
    return {
      ...base,
      meta: { profile: [VITALSIGNS, BP_PANEL.fhirProfile] },
      code: {
        coding: [
          { system: LOINC_SYSTEM, code: BP_PANEL.loinc.code, display: BP_PANEL.loinc.display },
          { system: MDC_SYSTEM, code: String(BP_PANEL.mdc.code), display: BP_PANEL.mdc.refId },
        ],
        text: BP_PANEL.label,
      },
      component,
    };
  }
  const c = VITAL_CODE_BY_PARAMETER.get(key) as VitalCode;
  const v = r.values[key];
  if (!present(v)) return undefined;
  return {
    ...base,
    meta: { profile: [VITALSIGNS, c.fhirProfile] },
    code: codeable(c),
    valueQuantity: quantity(c, v),
  };
}

export function toObservations(r: StoredReading): FhirResource[] {
  return observationKeys(r).flatMap((k) => toObservation(r, k) ?? []);
}

export function toPatient(patient: string, identifierSystem: string): FhirResource {
  return {
    resourceType: "Patient",
    id: toFhirId(patient),
    identifier: [{ system: identifierSystem, value: patient }],
    active: true,
  };
}

export function toDevice(node: string): FhirResource {
  const eui = nodeEui64(node).replace(/(..)(?!$)/g, "$1-");
  return {
    resourceType: "Device",
    id: toFhirId(node),
    identifier: [
      { system: NODE_SYSTEM, value: node },
      { system: EUI64_SYSTEM, value: eui },
    ],
    status: "active",
    deviceName: [{ name: node, type: "user-friendly-name" }],
  };
}

/** FHIR token search (code=…) → the Observation kinds it selects; undefined when it selects none we make. */
export function keysForCode(token: string): ObservationKey[] {
  const [system, code] = token.includes("|") ? (token.split("|", 2) as [string, string]) : [undefined, token];
  const out = new Set<ObservationKey>();
  const matches = (sys: string, c: string) =>
    (system === undefined || system === "" || system === sys) && c === code;
  for (const c of VITAL_CODES) {
    const key: ObservationKey = c.bpComponent ? "bp" : (c.parameter as ObservationKey);
    if (c.loinc.some((l) => matches(LOINC_SYSTEM, l.code)) || matches(MDC_SYSTEM, String(c.mdc.code)))
      out.add(key);
  }
  if (matches(LOINC_SYSTEM, BP_PANEL.loinc.code) || matches(MDC_SYSTEM, String(BP_PANEL.mdc.code)))
    out.add("bp");
  return [...out];
}
