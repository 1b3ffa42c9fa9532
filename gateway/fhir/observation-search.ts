import type Database from "better-sqlite3";
import { READING_COLUMNS, rowToStoredReading, type StoredReading } from "../interop/reading-feed.js";
import {
  fromFhirId,
  keysForCode,
  OBSERVATION_KEYS,
  type ObservationKey,
  observationKeys,
} from "./fhir-resources.js";

export class SearchError extends Error {
  override readonly name = "SearchError";
}

/** A FHIR date/dateTime as the half-open range of instants it covers (partial dates: the whole period, UTC). */
export function dateRange(value: string): [number, number] {
  const m =
    /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/.exec(
      value,
    );
  if (!m) throw new SearchError(`"${value}" is not a FHIR date or dateTime`);
  // A dateTime without a zone is taken as UTC.
  const [, y, mo, d, h, mi, s, frac, tz] = m;
  const off =
    tz && tz !== "Z" ? (tz[0] === "-" ? -1 : 1) * (Number(tz.slice(1, 3)) * 60 + Number(tz.slice(4, 6))) : 0;
  const utc = (Y: number, M: number, D: number, H: number, Mi: number, S: number, ms: number) =>
    Date.UTC(Y, M, D, H, Mi, S, ms) - off * 60_000;
  const Y = Number(y);
  if (mo === undefined) return [utc(Y, 0, 1, 0, 0, 0, 0), utc(Y + 1, 0, 1, 0, 0, 0, 0)];
  const M = Number(mo) - 1;
  if (M < 0 || M > 11) throw new SearchError(`"${value}": month out of range`);
  if (d === undefined) return [utc(Y, M, 1, 0, 0, 0, 0), utc(Y, M + 1, 1, 0, 0, 0, 0)];
  const D = Number(d);
  if (h === undefined) return [utc(Y, M, D, 0, 0, 0, 0), utc(Y, M, D + 1, 0, 0, 0, 0)];
  const H = Number(h);
  const Mi = Number(mi);
  if (s === undefined) return [utc(Y, M, D, H, Mi, 0, 0), utc(Y, M, D, H, Mi + 1, 0, 0)];
  const S = Number(s);
  if (frac === undefined) return [utc(Y, M, D, H, Mi, S, 0), utc(Y, M, D, H, Mi, S + 1, 0)];
  const ms = Math.floor(Number(`0${frac}`) * 1000);
  return [utc(Y, M, D, H, Mi, S, ms), utc(Y, M, D, H, Mi, S, ms + 1)];
}

/** One date=… parameter as bounds on effective time: [from, to). */
export function dateBound(param: string): { from?: number; to?: number } {
  const m = /^(eq|ne|gt|lt|ge|le|sa|eb|ap)?(.*)$/.exec(param) as RegExpExecArray;
  const prefix = m[1] ?? "eq";
  const [lo, hi] = dateRange(m[2] as string);
  switch (prefix) {
    case "eq":
      return { from: lo, to: hi };
    case "ge":
      return { from: lo };
    case "gt":
    case "sa":
      return { from: hi };
    case "le":
      return { to: hi };
    case "lt":
    case "eb":
      return { to: lo };
    default:
      throw new SearchError(`date prefix "${prefix}" is not supported`);
  }
}

export interface ObservationQuery {
  patient?: string | undefined;
  keys: ObservationKey[];
  from?: number | undefined;
  to?: number | undefined;
  count: number;
  /** Resume after this (reading id, key index). */
  after?: { readingId: number; keyIndex: number } | undefined;
}

export interface ObservationHit {
  reading: StoredReading;
  key: ObservationKey;
}

const COLUMN: Record<ObservationKey, string> = {
  spo2: "spo2 IS NOT NULL",
  hr: "hr IS NOT NULL",
  temp: "temp IS NOT NULL",
  rr: "rr IS NOT NULL",
  bp: "(sbp IS NOT NULL OR dbp IS NOT NULL)",
};

/** Reads search parameters (already split into name → values) into a query; throws SearchError. */
export function parseObservationSearch(
  params: Record<string, string[]>,
  limits: { defaultCount: number; maxCount: number },
): ObservationQuery {
  const q: ObservationQuery = { keys: [...OBSERVATION_KEYS], count: limits.defaultCount };
  for (const [name, values] of Object.entries(params)) {
    const one = values[values.length - 1] as string;
    switch (name) {
      case "patient":
      case "subject": {
        const ref = one.replace(/^Patient\//, "");
        const patient = fromFhirId(ref);
        if (patient === undefined) throw new SearchError(`"${one}" is not a patient reference`);
        q.patient = patient;
        break;
      }
      case "code": {
        const keys = new Set<ObservationKey>();
        for (const v of values)
          for (const token of v.split(",")) for (const k of keysForCode(token)) keys.add(k);
        q.keys = OBSERVATION_KEYS.filter((k) => keys.has(k));
        break;
      }
      case "category":
        for (const v of values) {
          if (!v.split(",").some((t) => t === "vital-signs" || t.endsWith("|vital-signs"))) q.keys = [];
        }
        break;
      case "date":
        for (const v of values) {
          const b = dateBound(v);
          if (b.from !== undefined) q.from = Math.max(q.from ?? -Infinity, b.from);
          if (b.to !== undefined) q.to = Math.min(q.to ?? Infinity, b.to);
        }
        break;
      case "_count": {
        const n = Number(one);
        if (!Number.isInteger(n) || n < 0) throw new SearchError("_count must be a non-negative integer");
        q.count = Math.min(n, limits.maxCount);
        break;
      }
      case "_cursor": {
        const m = /^(\d{1,15})\.(\d)$/.exec(one);
        if (!m) throw new SearchError("_cursor is malformed");
        q.after = { readingId: Number(m[1]), keyIndex: Number(m[2]) };
        break;
      }
      case "_format":
        break;
      default:
        throw new SearchError(`search parameter "${name}" is not supported`);
    }
  }
  return q;
}

/**
 * Observation search over the readings table, oldest first, with keyset paging: a page ends at a
 * (reading id, observation kind) position and the next page starts right after it, so pages neither
 * skip nor repeat results while new readings arrive.
 */
export class ObservationSearch {
  constructor(private readonly db: Database.Database) {}

  private where(q: ObservationQuery, args: (string | number)[]): string {
    const w = ["patient IS NOT NULL"];
    if (q.patient !== undefined) {
      w.push("patient = ?");
      args.push(q.patient);
    }
    if (q.from !== undefined && Number.isFinite(q.from)) {
      w.push("t >= ?");
      args.push(q.from);
    }
    if (q.to !== undefined && Number.isFinite(q.to)) {
      w.push("t < ?");
      args.push(q.to);
    }
    w.push(`(${q.keys.map((k) => COLUMN[k]).join(" OR ")})`);
    return w.join(" AND ");
  }

  total(q: ObservationQuery): number {
    if (q.keys.length === 0) return 0;
    const args: (string | number)[] = [];
    const where = this.where(q, args);
    const sum = q.keys.map((k) => `(${COLUMN[k]})`).join(" + ");
    const r = this.db
      .prepare(`SELECT coalesce(sum(${sum}), 0) AS n FROM readings WHERE ${where}`)
      .get(...args) as {
      n: number;
    };
    return r.n;
  }

  /** Up to count hits and whether more follow. */
  page(q: ObservationQuery): { hits: ObservationHit[]; more: boolean } {
    const hits: ObservationHit[] = [];
    if (q.keys.length === 0) return { hits, more: false };
    const wanted = new Set(q.keys);
    let fromId = q.after?.readingId ?? 0;
    let inclusive = q.after !== undefined;
    const chunk = Math.max(16, Math.min(1_000, q.count + 1));
    for (;;) {
      const args: (string | number)[] = [];
      const where = this.where(q, args);
      const rows = this.db
        .prepare(
          `SELECT ${READING_COLUMNS} FROM readings WHERE ${where} AND id ${inclusive ? ">=" : ">"} ? ORDER BY id LIMIT ?`,
        )
        .all(...args, fromId, chunk) as Parameters<typeof rowToStoredReading>[0][];
      for (const row of rows) {
        const reading = rowToStoredReading(row);
        for (const key of observationKeys(reading)) {
          if (!wanted.has(key)) continue;
          if (
            q.after &&
            reading.id === q.after.readingId &&
            OBSERVATION_KEYS.indexOf(key) <= q.after.keyIndex
          )
            continue;
          if (hits.length === q.count) return { hits, more: true };
          hits.push({ reading, key });
        }
      }
      if (rows.length < chunk) return { hits, more: false };
      fromId = (rows[rows.length - 1] as { id: number }).id;
      inclusive = false;
    }
  }
}
