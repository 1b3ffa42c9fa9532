import type Database from "better-sqlite3";
import type { Reading } from "../../../core/reading.js";
import type { BedRegistry } from "../../beds.js";

export interface StayLocation {
  bed: string;
  ward: string | null;
}

/**
 * What ADT-in needs from patient stays. The handler asks the questions first and calls exactly one
 * change per message, so an implementation makes each change one transaction. A stay service
 * (admit/transfer/discharge with its own history) can implement this and replace BedBindingStays.
 */
export interface PatientStays {
  knowsBed(bed: string): boolean;
  /** Where the patient is admitted now. */
  locate(patient: string): StayLocation | undefined;
  /** Who is admitted to the bed now. */
  occupant(bed: string): string | undefined;
  /** The patient's most recent stay that ended by discharge (for A13), if it is their last stay. */
  lastDischarge(patient: string): (StayLocation & { endedAt: number }) | undefined;
  admit(patient: string, at: StayLocation, time: number): void;
  transfer(patient: string, to: StayLocation, time: number): void;
  /** Updates the ward label of the current stay (A08). */
  update(patient: string, at: StayLocation, time: number): void;
  discharge(patient: string, time: number): void;
  /** A11: the admission was a mistake; the stay is removed from the current ones. */
  cancelAdmit(patient: string, time: number): void;
  /** A13: the discharge was a mistake; the patient is back in the bed. */
  cancelDischarge(patient: string, at: StayLocation, time: number): void;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS hl7_stays (
    id          INTEGER PRIMARY KEY,
    patient     TEXT    NOT NULL,
    bed         TEXT    NOT NULL,
    ward        TEXT,
    started_at  INTEGER NOT NULL,
    ended_at    INTEGER,
    -- discharged | transferred | cancelled
    end_reason  TEXT
  );
  -- At most one current stay per patient and per bed.
  CREATE UNIQUE INDEX IF NOT EXISTS hl7_stays_patient_now ON hl7_stays(patient) WHERE ended_at IS NULL;
  CREATE UNIQUE INDEX IF NOT EXISTS hl7_stays_bed_now ON hl7_stays(bed) WHERE ended_at IS NULL;
  CREATE INDEX IF NOT EXISTS hl7_stays_patient ON hl7_stays(patient, id);
`;

/**
 * The minimal stay model behind ADT-in while the gateway has no stay service: current stays in SQLite,
 * mirrored into the BedRegistry's patient binding (what /api/beds shows), and applied to incoming
 * readings so stored readings, HL7 and FHIR carry the admitted patient.
 */
export class BedBindingStays implements PatientStays {
  private readonly current = new Map<string, { patient: string; ward: string | null }>();

  constructor(
    private readonly db: Database.Database,
    private readonly beds: BedRegistry,
  ) {
    db.exec(SCHEMA);
    const rows = db.prepare("SELECT patient, bed, ward FROM hl7_stays WHERE ended_at IS NULL").all() as {
      patient: string;
      bed: string;
      ward: string | null;
    }[];
    for (const r of rows) {
      this.current.set(r.bed, { patient: r.patient, ward: r.ward });
      beds.admit(r.bed, { patient: r.patient, ward: r.ward });
    }
  }

  /** The reading with its bed's admitted patient and ward (the admission wins over the node's hello). */
  applyTo<R extends Reading>(r: R): R {
    const stay = this.current.get(r.bed);
    if (!stay) return r;
    r.patient = stay.patient;
    if (stay.ward !== null) r.ward = stay.ward;
    return r;
  }

  knowsBed(bed: string): boolean {
    return this.beds.has(bed) || this.current.has(bed);
  }

  locate(patient: string): StayLocation | undefined {
    for (const [bed, s] of this.current) if (s.patient === patient) return { bed, ward: s.ward };
    return undefined;
  }

  occupant(bed: string): string | undefined {
    return this.current.get(bed)?.patient;
  }

  lastDischarge(patient: string): (StayLocation & { endedAt: number }) | undefined {
    const r = this.db
      .prepare(
        "SELECT bed, ward, ended_at, end_reason FROM hl7_stays WHERE patient = ? ORDER BY id DESC LIMIT 1",
      )
      .get(patient) as
      | { bed: string; ward: string | null; ended_at: number | null; end_reason: string | null }
      | undefined;
    if (!r || r.ended_at === null || r.end_reason !== "discharged") return undefined;
    return { bed: r.bed, ward: r.ward, endedAt: r.ended_at };
  }

  admit(patient: string, at: StayLocation, time: number): void {
    this.db
      .prepare("INSERT INTO hl7_stays (patient, bed, ward, started_at) VALUES (?, ?, ?, ?)")
      .run(patient, at.bed, at.ward, time);
    this.bind(at.bed, { patient, ward: at.ward });
  }

  transfer(patient: string, to: StayLocation, time: number): void {
    const from = this.locate(patient);
    this.db.transaction(() => {
      this.end(patient, time, "transferred");
      this.db
        .prepare("INSERT INTO hl7_stays (patient, bed, ward, started_at) VALUES (?, ?, ?, ?)")
        .run(patient, to.bed, to.ward, time);
    })();
    if (from) this.bind(from.bed, null);
    this.bind(to.bed, { patient, ward: to.ward });
  }

  update(patient: string, at: StayLocation, _time: number): void {
    this.db
      .prepare("UPDATE hl7_stays SET ward = ? WHERE patient = ? AND ended_at IS NULL")
      .run(at.ward, patient);
    this.bind(at.bed, { patient, ward: at.ward });
  }

  discharge(patient: string, time: number): void {
    const at = this.locate(patient);
    this.end(patient, time, "discharged");
    if (at) this.bind(at.bed, null);
  }

  cancelAdmit(patient: string, time: number): void {
    const at = this.locate(patient);
    this.end(patient, time, "cancelled");
    if (at) this.bind(at.bed, null);
  }

  cancelDischarge(patient: string, at: StayLocation, time: number): void {
    this.admit(patient, at, time);
  }

  private end(patient: string, time: number, reason: string): void {
    this.db
      .prepare("UPDATE hl7_stays SET ended_at = ?, end_reason = ? WHERE patient = ? AND ended_at IS NULL")
      .run(time, reason, patient);
  }

  private bind(bed: string, stay: { patient: string; ward: string | null } | null): void {
    if (stay) this.current.set(bed, stay);
    else this.current.delete(bed);
    this.beds.admit(bed, stay);
  }
}
