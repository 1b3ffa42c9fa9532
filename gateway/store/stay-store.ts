import type Database from "better-sqlite3";
import type { StayView } from "../../core/api-types.js";

interface StayRow {
  id: number;
  patient: string;
  name: string | null;
  mrn: string | null;
  dob: string | null;
  profile: string | null;
  bed: string | null;
  state: StayView["state"];
  standby_since: number | null;
  admitted_at: number;
  admitted_by: string;
  discharged_at: number | null;
  discharged_by: string | null;
}

export interface NewStay {
  patient: string;
  name: string | null;
  mrn: string | null;
  dob: string | null;
  profile: string | null;
  bed: string;
}

/** Stays, where each patient was when, and who did what (the tables of the stays migration). */
export class StayStore {
  readonly transaction: (fn: () => void) => void;
  private readonly insertEvent: Database.Statement;

  constructor(private readonly db: Database.Database) {
    const tx = db.transaction((fn: () => void) => fn());
    this.transaction = (fn) => tx(fn);
    this.insertEvent = db.prepare(
      "INSERT INTO stay_events (stay, at, user, action, bed, detail) VALUES (?, ?, ?, ?, ?, ?)",
    );
  }

  admit(s: NewStay, user: string, at: number): number {
    const id = Number(
      this.db
        .prepare(
          `INSERT INTO stays (patient, name, mrn, dob, profile, bed, state, admitted_at, admitted_by)
           VALUES (?, ?, ?, ?, ?, ?, 'admitted', ?, ?)`,
        )
        .run(s.patient, s.name, s.mrn, s.dob, s.profile, s.bed, at, user).lastInsertRowid,
    );
    this.db.prepare("INSERT INTO stay_segments (stay, bed, from_at) VALUES (?, ?, ?)").run(id, s.bed, at);
    return id;
  }

  move(id: number, to: string, at: number): void {
    this.db.prepare("UPDATE stay_segments SET to_at = ? WHERE stay = ? AND to_at IS NULL").run(at, id);
    this.db.prepare("INSERT INTO stay_segments (stay, bed, from_at) VALUES (?, ?, ?)").run(id, to, at);
    this.db.prepare("UPDATE stays SET bed = ? WHERE id = ?").run(to, id);
  }

  standby(id: number, since: number | null): void {
    this.db
      .prepare("UPDATE stays SET state = ?, standby_since = ? WHERE id = ?")
      .run(since === null ? "admitted" : "standby", since, id);
  }

  discharge(id: number, user: string, at: number): void {
    this.db.prepare("UPDATE stay_segments SET to_at = ? WHERE stay = ? AND to_at IS NULL").run(at, id);
    this.db
      .prepare(
        "UPDATE stays SET state = 'discharged', bed = NULL, standby_since = NULL, discharged_at = ?, discharged_by = ? WHERE id = ?",
      )
      .run(at, user, id);
  }

  record(
    stay: number | null,
    at: number,
    user: string,
    action: string,
    bed: string | null,
    detail?: object,
  ): void {
    this.insertEvent.run(stay, at, user, action, bed, detail === undefined ? null : JSON.stringify(detail));
  }

  /** A bed that is no longer known: its last-reading row and alarm state go (its data stays). */
  forgetBed(bed: string): void {
    this.db.prepare("DELETE FROM beds WHERE bed = ?").run(bed);
    this.db.prepare("DELETE FROM alarm_state WHERE bed = ?").run(bed);
  }

  get(id: number): StayView | undefined {
    const row = this.db.prepare("SELECT * FROM stays WHERE id = ?").get(id) as StayRow | undefined;
    return row === undefined ? undefined : this.view(row);
  }

  /** Open stays (admitted or on standby). */
  open(): StayView[] {
    return (
      this.db.prepare("SELECT * FROM stays WHERE state != 'discharged' ORDER BY id").all() as StayRow[]
    ).map((r) => this.view(r));
  }

  find(q: {
    patient?: string | undefined;
    bed?: string | undefined;
    open?: boolean;
    limit: number;
  }): StayView[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.patient !== undefined) {
      where.push("patient = ?");
      args.push(q.patient);
    }
    if (q.bed !== undefined) {
      where.push("id IN (SELECT stay FROM stay_segments WHERE bed = ?)");
      args.push(q.bed);
    }
    if (q.open) where.push("state != 'discharged'");
    const sql = `SELECT * FROM stays ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, q.limit) as StayRow[]).map((r) => this.view(r));
  }

  events(stay: number): { at: number; user: string; action: string; bed: string | null; detail: unknown }[] {
    return (
      this.db
        .prepare("SELECT at, user, action, bed, detail FROM stay_events WHERE stay = ? ORDER BY id")
        .all(stay) as {
        at: number;
        user: string;
        action: string;
        bed: string | null;
        detail: string | null;
      }[]
    ).map((e) => ({ ...e, detail: e.detail === null ? null : JSON.parse(e.detail) }));
  }

  private view(r: StayRow): StayView {
    const beds = (
      this.db
        .prepare("SELECT bed, from_at, to_at FROM stay_segments WHERE stay = ? ORDER BY from_at, rowid")
        .all(r.id) as {
        bed: string;
        from_at: number;
        to_at: number | null;
      }[]
    ).map((s) => ({ bed: s.bed, from: s.from_at, to: s.to_at }));
    return {
      id: r.id,
      patient_id: r.patient,
      name: r.name,
      mrn: r.mrn,
      dob: r.dob,
      profile: r.profile,
      bed: r.bed,
      state: r.state,
      standby_since: r.standby_since,
      admitted_at: r.admitted_at,
      admitted_by: r.admitted_by,
      discharged_at: r.discharged_at,
      discharged_by: r.discharged_by,
      beds,
    };
  }
}
