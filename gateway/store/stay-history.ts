import type Database from "better-sqlite3";
import type { StayTimelineEntry, StayView } from "../../core/api-types.js";
import { alarmReason } from "../../core/bed-status.js";
import type { StayStore } from "./stay-store.js";

const WORD: Record<string, string> = { high: "HIGH", medium: "MEDIUM", low: "LOW" };

interface ReadingRow {
  at: number;
  bed: string;
  hr: number | null;
  spo2: number | null;
  temp: number | null;
  rr: number | null;
  sbp: number | null;
  status: string;
  reasons: string;
}

function readingText(r: ReadingRow): string {
  const parts: string[] = [];
  if (r.hr !== null) parts.push(`HR ${r.hr}`);
  if (r.spo2 !== null) parts.push(`SpO2 ${r.spo2} %`);
  if (r.temp !== null) parts.push(`Temp ${r.temp} °C`);
  if (r.rr !== null) parts.push(`RR ${r.rr}`);
  if (r.sbp !== null) parts.push(`SBP ${r.sbp}`);
  const reasons = r.reasons ? (JSON.parse(r.reasons) as string[]) : [];
  return `${parts.join(" · ") || "no values"} — ${r.status}${reasons.length ? `: ${reasons.join("; ")}` : ""}`;
}

/**
 * A stay's history on one timeline: the readings, alarm events (acknowledgements included), limit
 * changes and observations of each bed the patient was in, while they were in it, and the stay's own
 * actions. Nothing is copied: the data stays where the gateway wrote it, keyed by bed and time.
 */
export class StayHistory {
  constructor(
    private readonly db: Database.Database,
    private readonly stays: StayStore,
  ) {}

  timeline(
    stay: StayView,
    opts: { maxReadings: number; now: number },
  ): { entries: StayTimelineEntry[]; truncated: number } {
    const entries: StayTimelineEntry[] = [];
    let readings = 0;
    let truncated = 0;
    for (const seg of stay.beds) {
      const to = seg.to ?? opts.now;
      const range = [seg.bed, seg.from, to] as const;
      const rows = this.db
        .prepare(
          `SELECT received_at AS at, bed, hr, spo2, temp, rr, sbp, status, reasons FROM readings
           WHERE bed = ? AND received_at >= ? AND received_at <= ? ORDER BY received_at, id`,
        )
        .all(...range) as ReadingRow[];
      for (const r of rows) {
        if (readings >= opts.maxReadings) {
          truncated++;
          continue;
        }
        readings++;
        entries.push({
          at: r.at,
          bed: r.bed,
          type: "reading",
          text: readingText(r),
          user: null,
          data: { hr: r.hr, spo2: r.spo2, temp: r.temp, rr: r.rr, sbp: r.sbp, status: r.status },
        });
      }
      for (const e of this.db
        .prepare(
          `SELECT at, type, bed, alarm_id, kind, parameter, priority, value, user, reason FROM alarm_events
           WHERE bed = ? AND at >= ? AND at <= ? ORDER BY id`,
        )
        .all(...range) as {
        at: number;
        type: string;
        bed: string;
        alarm_id: string | null;
        kind: string;
        parameter: string;
        priority: string | null;
        value: number | null;
        user: string | null;
        reason: string | null;
      }[]) {
        const what =
          e.kind === null
            ? ""
            : `${e.kind === "physiological" ? "" : "TECHNICAL "}${alarmReason({
                kind: e.kind,
                parameter: e.parameter ?? "device",
                value: e.value,
                limit: null,
                priority: (e.priority ?? "low") as "low",
              })}`;
        const by = e.user ? ` by ${e.user}` : "";
        const why = e.reason ? ` (${e.reason})` : "";
        entries.push({
          at: e.at,
          bed: e.bed,
          type: "alarm",
          text: `${e.type}${e.priority ? ` ${WORD[e.priority] ?? e.priority}` : ""} ${what}${why}${by}`
            .replace(/\s+/g, " ")
            .trim(),
          user: e.user,
          data: { ...e },
        });
      }
      for (const l of this.db
        .prepare(
          `SELECT at, bed, user, parameter, field, old_value AS "from", new_value AS "to" FROM limits_audit
           WHERE bed = ? AND at >= ? AND at <= ? ORDER BY id`,
        )
        .all(...range) as {
        at: number;
        bed: string;
        user: string;
        parameter: string | null;
        field: string;
        from: string | null;
        to: string | null;
      }[]) {
        entries.push({
          at: l.at,
          bed: l.bed,
          type: "limits",
          text: `${l.parameter ? `${l.parameter} ` : ""}${l.field}: ${l.from ?? "off"} → ${l.to ?? "off"} by ${l.user}`,
          user: l.user,
          data: { ...l },
        });
      }
      for (const o of this.db
        .prepare(
          "SELECT at, bed, user, data FROM observations WHERE bed = ? AND at >= ? AND at <= ? ORDER BY id",
        )
        .all(...range) as { at: number; bed: string; user: string; data: string }[]) {
        const data = JSON.parse(o.data) as Record<string, unknown>;
        entries.push({
          at: o.at,
          bed: o.bed,
          type: "observation",
          text: `observations ${Object.entries(data)
            .map(([k, v]) => `${k} ${v}`)
            .join(", ")} by ${o.user}`,
          user: o.user,
          data,
        });
      }
    }
    for (const e of this.stays.events(stay.id)) {
      const detail = e.detail && typeof e.detail === "object" ? (e.detail as Record<string, unknown>) : {};
      const extra =
        e.action === "transfer"
          ? ` from ${String(detail.from)} to ${String(detail.to)}`
          : e.action === "admit"
            ? ` patient ${String(detail.patient)}${detail.profile ? `, profile ${String(detail.profile)}` : ""}`
            : "";
      entries.push({
        at: e.at,
        bed: e.bed ?? "",
        type: "stay",
        text: `${e.action}${extra} by ${e.user}`,
        user: e.user,
        data: detail,
      });
    }
    // Stable: within one millisecond, stay actions before what they caused.
    const order = { stay: 0, reading: 1, alarm: 2, limits: 3, observation: 4 } as const;
    entries.sort((a, b) => a.at - b.at || order[a.type] - order[b.type]);
    return { entries, truncated };
  }
}
