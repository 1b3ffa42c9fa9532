import type Database from "better-sqlite3";
import type { VitalValues } from "../../core/protocol/frames.js";

/** A reading as the readings table holds it, with its row id (what HL7 and FHIR identify it by). */
export interface StoredReading {
  id: number;
  node: string;
  bed: string;
  patient: string | null;
  ward: string | null;
  /** Device measurement time, epoch ms. */
  t: number;
  receivedAt: number;
  values: VitalValues;
  flags: string[];
  status: string;
}

interface Row {
  id: number;
  node: string;
  bed: string;
  patient: string | null;
  ward: string | null;
  t: number;
  received_at: number;
  hr: number | null;
  spo2: number | null;
  temp: number | null;
  rr: number | null;
  sbp: number | null;
  dbp: number | null;
  pi: number | null;
  battery: number | null;
  flags: string;
  status: string;
}

export const READING_COLUMNS =
  "id, node, bed, patient, ward, t, received_at, hr, spo2, temp, rr, sbp, dbp, pi, battery, flags, status";

export function rowToStoredReading(r: Row): StoredReading {
  return {
    id: r.id,
    node: r.node,
    bed: r.bed,
    patient: r.patient,
    ward: r.ward,
    t: r.t,
    receivedAt: r.received_at,
    values: {
      hr: r.hr,
      spo2: r.spo2,
      temp: r.temp,
      rr: r.rr,
      sbp: r.sbp,
      dbp: r.dbp,
      pi: r.pi,
      battery: r.battery,
    },
    flags: r.flags ? r.flags.split(",") : [],
    status: r.status,
  };
}

/** Reads the readings table in id order: the source every interop channel catches up from. */
export class ReadingFeed {
  private readonly afterStmt: Database.Statement<[number, number], Row>;
  private readonly byIdStmt: Database.Statement<[number], Row>;
  private readonly maxStmt: Database.Statement<[], { id: number | null }>;

  constructor(readonly db: Database.Database) {
    this.afterStmt = db.prepare(`SELECT ${READING_COLUMNS} FROM readings WHERE id > ? ORDER BY id LIMIT ?`);
    this.byIdStmt = db.prepare(`SELECT ${READING_COLUMNS} FROM readings WHERE id = ?`);
    this.maxStmt = db.prepare("SELECT max(id) AS id FROM readings");
  }

  after(id: number, limit: number): StoredReading[] {
    return this.afterStmt.all(id, limit).map(rowToStoredReading);
  }

  byId(id: number): StoredReading | undefined {
    const r = this.byIdStmt.get(id);
    return r ? rowToStoredReading(r) : undefined;
  }

  lastId(): number {
    return this.maxStmt.get()?.id ?? 0;
  }
}
