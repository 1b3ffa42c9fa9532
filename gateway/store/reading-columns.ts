import type { ReadingView } from "../../core/api-types.js";
import {
  PARAMETERS,
  type ParameterColumns,
  type ParameterList,
  type ParameterValues,
  type VitalParameter,
} from "../../core/parameters.js";
import type { ClassifiedReading } from "../../core/reading.js";

/**
 * The `readings` table as the store writes and reads it: one REAL column per declared parameter
 * (created by the migrations in schema.ts), between the reading's identity and its classification.
 */

/** A ReadingView whose value fields are those of `P`. */
export type ReadingViewOf<P extends ParameterList = typeof PARAMETERS> = Omit<ReadingView, VitalParameter> &
  ParameterColumns<P>;

/** A row selected with viewColumns: flags comma-joined, reasons as JSON ("" for none). */
export type ReadingRow<P extends ParameterList = typeof PARAMETERS> = Omit<
  ReadingViewOf<P>,
  "flags" | "reasons"
> & { flags: string; reasons: string };

/** A reading to store, carrying the values of `P`. */
export type StoredReading<P extends ParameterList = typeof PARAMETERS> = Omit<ClassifiedReading, "values"> & {
  values: ParameterValues<P>;
};

/** The columns that make up a ReadingView, in the view's field order. */
export function viewColumns(params: ParameterList = PARAMETERS): string[] {
  return [
    "node",
    "seq",
    "bed",
    "patient",
    "ward",
    "t",
    "received_at",
    ...params.map((p) => p.key),
    "flags",
    "status",
    "reasons",
  ];
}

function insertColumns(params: ParameterList): string[] {
  return ["node", "boot", ...viewColumns(params).slice(1)];
}

/** The INSERT of one reading; readingArgs gives its arguments, for the same list. */
export function insertReadingSql(params: ParameterList = PARAMETERS): string {
  const columns = insertColumns(params);
  return `INSERT INTO readings (${columns.join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`;
}

/** The arguments of insertReadingSql for one reading; an absent value is stored as NULL. */
export function readingArgs<P extends ParameterList = typeof PARAMETERS>(
  r: StoredReading<P>,
  params: P = PARAMETERS as unknown as P,
): (string | number | null)[] {
  const v = r.values as Record<string, number | null | undefined>;
  const args: (string | number | null)[] = [
    r.node,
    r.boot,
    r.seq,
    r.bed,
    r.patient,
    r.ward,
    r.t,
    r.receivedAt,
  ];
  for (const p of params) args.push(v[p.key] ?? null);
  args.push(
    r.flags.length ? r.flags.join(",") : "",
    r.status,
    r.reasons.length ? JSON.stringify(r.reasons) : "",
  );
  return args;
}

/** A row selected with viewColumns as the API's view (extra selected columns pass through). */
export function rowToView<R extends { flags: string; reasons: string }>(
  r: R,
): Omit<R, "flags" | "reasons"> & { flags: string[]; reasons: string[] } {
  return {
    ...r,
    flags: r.flags ? r.flags.split(",") : [],
    reasons: r.reasons ? (JSON.parse(r.reasons) as string[]) : [],
  };
}
