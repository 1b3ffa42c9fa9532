import type { IPoint } from "influx";
import type { BedStatus } from "../../core/api-types.js";
import { PARAMETERS, type ParameterList } from "../../core/parameters.js";
import type { ReadingRow, ReadingViewOf } from "./reading-columns.js";

/** One measurement for all readings; vitals are fields, who/where are tags. */
export const INFLUX_MEASUREMENT = "vitals";
/** The 1-minute median trends written by the continuous query. */
export const INFLUX_TREND_MEASUREMENT = "vitals_1m";

/** A stored reading as the outbox reads it from SQLite: `id` (the rowid) and the view's columns. */
export type OutboxRow<P extends ParameterList = typeof PARAMETERS> = { id: number } & ReadingRow<P>;

/**
 * The point for one reading (tagged with the gateway that stored it), in microseconds: the receive time in ms, plus rowid mod 1000 µs.
 * InfluxDB keeps one point per series and timestamp, so two readings of one node received in the
 * same millisecond would otherwise overwrite each other.
 */
export function rowToPoint<P extends ParameterList = typeof PARAMETERS>(
  r: OutboxRow<P>,
  gateway: string,
  params: P = PARAMETERS as unknown as P,
): IPoint {
  const tags: Record<string, string> = { gateway, bed: r.bed, node: r.node };
  if (r.ward) tags.ward = r.ward;
  if (r.patient) tags.patient = r.patient;
  const fields: Record<string, number | string> = { seq: r.seq, t: r.t, status: r.status };
  const values = r as unknown as Record<string, number | null>;
  for (const p of params) {
    const v = values[p.key];
    if (v !== null && v !== undefined) fields[p.key] = v;
  }
  if (r.flags) fields.flags = r.flags;
  if (r.reasons) fields.reasons = r.reasons;
  return { measurement: INFLUX_MEASUREMENT, tags, fields, timestamp: r.received_at * 1000 + (r.id % 1000) };
}

/** Maps a row of `SELECT * FROM vitals` back to the API's ReadingView. */
export function pointToView<P extends ParameterList = typeof PARAMETERS>(
  p: Record<string, unknown> & { time: Date },
  params: P = PARAMETERS as unknown as P,
): ReadingViewOf<P> {
  const num = (v: unknown) => (typeof v === "number" ? v : null);
  const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : null);
  const flags = str(p.flags);
  const reasons = str(p.reasons);
  const view: Record<string, unknown> = {
    node: String(p.node ?? ""),
    seq: num(p.seq) ?? 0,
    bed: String(p.bed ?? ""),
    patient: str(p.patient),
    ward: str(p.ward),
    t: num(p.t) ?? 0,
    received_at: Math.floor(p.time.getTime()),
  };
  for (const q of params) view[q.key] = num(p[q.key]);
  view.flags = flags ? flags.split(",") : [];
  view.status = (str(p.status) ?? "UNKNOWN") as BedStatus;
  view.reasons = reasons ? (JSON.parse(reasons) as string[]) : [];
  return view as ReadingViewOf<P>;
}
