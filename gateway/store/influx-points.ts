import type { IPoint } from "influx";
import type { BedStatus, ReadingView } from "../../core/api-types.js";
import { VITAL_PARAMETERS } from "../../core/protocol/frames.js";

/** One measurement for all readings; vitals are fields, who/where are tags. */
export const INFLUX_MEASUREMENT = "vitals";
/** The 1-minute median trends written by the continuous query. */
export const INFLUX_TREND_MEASUREMENT = "vitals_1m";

/**
 * A stored reading as the outbox reads it from SQLite (rowid included): the API's reading view, with
 * flags, status and reasons still as their stored text.
 */
export interface OutboxRow extends Omit<ReadingView, "flags" | "status" | "reasons"> {
  id: number;
  flags: string;
  status: string;
  reasons: string;
}

/**
 * The point for one reading (tagged with the gateway that stored it), in microseconds: the receive time in ms, plus rowid mod 1000 µs.
 * InfluxDB keeps one point per series and timestamp, so two readings of one node received in the
 * same millisecond would otherwise overwrite each other.
 */
export function rowToPoint(r: OutboxRow, gateway: string): IPoint {
  const tags: Record<string, string> = { gateway, bed: r.bed, node: r.node };
  if (r.ward) tags.ward = r.ward;
  if (r.patient) tags.patient = r.patient;
  const fields: Record<string, number | string> = { seq: r.seq, t: r.t, status: r.status };
  for (const p of VITAL_PARAMETERS) {
    const v = r[p];
    if (v !== null) fields[p] = v;
  }
  if (r.flags) fields.flags = r.flags;
  if (r.reasons) fields.reasons = r.reasons;
  return { measurement: INFLUX_MEASUREMENT, tags, fields, timestamp: r.received_at * 1000 + (r.id % 1000) };
}

/** Maps a row of `SELECT * FROM vitals` back to the API's ReadingView. */
export function pointToView(p: Record<string, unknown> & { time: Date }): ReadingView {
  const num = (v: unknown) => (typeof v === "number" ? v : null);
  const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : null);
  const flags = str(p.flags);
  const reasons = str(p.reasons);
  return {
    node: String(p.node ?? ""),
    seq: num(p.seq) ?? 0,
    bed: String(p.bed ?? ""),
    patient: str(p.patient),
    ward: str(p.ward),
    t: num(p.t) ?? 0,
    received_at: Math.floor(p.time.getTime()),
    hr: num(p.hr),
    spo2: num(p.spo2),
    temp: num(p.temp),
    rr: num(p.rr),
    sbp: num(p.sbp),
    dbp: num(p.dbp),
    pi: num(p.pi),
    battery: num(p.battery),
    flags: flags ? flags.split(",") : [],
    status: (str(p.status) ?? "UNKNOWN") as BedStatus,
    reasons: reasons ? (JSON.parse(reasons) as string[]) : [],
  };
}
