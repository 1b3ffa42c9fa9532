import type { StayView } from "../../core/api-types.js";
import { AlarmActions } from "./alarm-actions.js";

/** POST /api/stays; the gateway records the signed-in user. */
export interface AdmitEntry {
  bed: string;
  patient_id: string;
  name?: string | null;
  mrn?: string | null;
  dob?: string | null;
  profile?: string | null;
}

/** The stay endpoints (gateway/api/stay-routes.ts): admit, transfer, standby, discharge, remove a bed. */
export class StayActions extends AlarmActions {
  admit(entry: AdmitEntry): Promise<StayView> {
    return this.post("api/stays", { ...entry });
  }

  transfer(stayId: number, bed: string): Promise<StayView> {
    return this.post(`api/stays/${stayId}/transfer`, { bed });
  }

  standby(stayId: number, on: boolean): Promise<StayView> {
    return this.post(`api/stays/${stayId}/standby`, { on });
  }

  discharge(stayId: number): Promise<StayView> {
    return this.post(`api/stays/${stayId}/discharge`, {});
  }

  removeBed(bed: string): Promise<{ bed: string; discharged: StayView | null }> {
    return this.post(`api/beds/${encodeURIComponent(bed)}/remove`, {});
  }

  /** Links for a stay's history: CSV download and the printable page. */
  historyLinks(stayId: number): { csv: string; print: string } {
    return {
      csv: new URL(`api/stays/${stayId}/timeline?format=csv`, this.apiBase).toString(),
      print: new URL(`api/stays/${stayId}/print`, this.apiBase).toString(),
    };
  }
}

/** Form fields → the admission body; a message when something required is missing or malformed. */
export function admissionFromForm(f: {
  bed: string;
  patient: string;
  name: string;
  mrn: string;
  dob: string;
  profile: string;
}): AdmitEntry | string {
  const bed = f.bed.trim();
  const patient = f.patient.trim();
  if (!bed) return "Enter the bed";
  if (!patient) return "Enter the patient id";
  if (f.dob && !/^\d{4}-\d{2}-\d{2}$/.test(f.dob)) return "Date of birth must be YYYY-MM-DD";
  const out: AdmitEntry = { bed, patient_id: patient };
  if (f.name.trim()) out.name = f.name.trim();
  if (f.mrn.trim()) out.mrn = f.mrn.trim();
  if (f.dob) out.dob = f.dob;
  if (f.profile) out.profile = f.profile;
  return out;
}
