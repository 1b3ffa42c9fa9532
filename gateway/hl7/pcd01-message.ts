import type { StoredReading } from "../interop/reading-feed.js";
import { IHE_PCD_01_PROFILE, mdcCwe, PCD_01_SERVICE, VITAL_CODES } from "../interop/vital-codes.js";
import { hl7Time, message, segment } from "./hl7-text.js";
import { equipmentEi, type Hl7Identity, type Hl7Receiver, oruHead } from "./message-header.js";

export interface Pcd01Context {
  identity: Hl7Identity;
  receiver: Hl7Receiver;
  /** PID-3.4 assigning authority of patient ids. */
  patientAuthority: string;
  controlId: string;
  now: number;
}

/** Formats a value as HL7 NM (no exponent, no trailing zeros). */
export function hl7Number(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toFixed(4)));
}

/**
 * IHE PCD-01 "Communicate PCD Data": one ORU^R01 per reading, one OBX per parameter with a value,
 * in the code table's order. The reading must name a patient (see docs/integration.md).
 */
export function buildPcd01(r: StoredReading, patient: string, ctx: Pcd01Context): string {
  const observed = hl7Time(r.t);
  const segs = oruHead(ctx, {
    type: "ORU^R01^ORU_R01",
    profile: IHE_PCD_01_PROFILE,
    acceptAck: "NE",
    applicationAck: "AL",
    patient,
    ward: r.ward,
    bed: r.bed,
    filler: `R${r.id}`,
    service: PCD_01_SERVICE,
    at: observed,
  });
  let n = 0;
  for (const c of VITAL_CODES) {
    const v = r.values[c.parameter];
    if (v === null || v === undefined || !Number.isFinite(v)) continue;
    n++;
    segs.push(
      segment("OBX", [
        String(n), // 1 set id
        "NM", // 2 value type
        mdcCwe(c.mdc), // 3 observation identifier
        `1.${c.containment.join(".")}`, // 4 containment: MDS.VMD.CHAN.METRIC
        hl7Number(v), // 5
        mdcCwe(c.mdcUnit), // 6 units
        "", // 7
        "", // 8
        "", // 9
        "", // 10
        "F", // 11 status: final (as FHIR Observation.status; see docs/integration.md)
        "", // 12
        "", // 13
        observed, // 14 observation time (device clock)
        "", // 15
        "", // 16
        "", // 17
        equipmentEi(r.node), // 18 equipment instance identifier
      ]),
    );
  }
  return message(segs);
}

/** Whether a reading has anything PCD-01 can carry. */
export function hasObservations(r: StoredReading): boolean {
  return VITAL_CODES.some((c) => {
    const v = r.values[c.parameter];
    return v !== null && v !== undefined && Number.isFinite(v);
  });
}
