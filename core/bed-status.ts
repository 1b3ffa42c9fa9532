import type { AlarmItemView, AlarmPriority, BedStatus, BedView } from "./api-types.js";

/**
 * The one derivation of a bed's severity from the alarm engine's listed alarms, shared by the gateway
 * (bed status, stored reading status, metrics, MQTT state) and the dashboard (badge, header counts,
 * filter, sort order), so every screen and channel tells the same story.
 *
 * Contract (docs/alarms.md, "One alarm model"): a bed is CRITICAL exactly when the engine lists for it a
 * physiological alarm of medium or high priority — acknowledged or not, latched included; NORMAL when it
 * has a current value of a watched parameter and no such alarm; UNKNOWN otherwise.
 */

type ListedAlarm = Pick<AlarmItemView, "kind" | "priority">;

const RANK: Readonly<Record<AlarmPriority, number>> = { low: 1, medium: 2, high: 3 };

/** A listed alarm that makes its bed CRITICAL. */
export function makesCritical(a: ListedAlarm): boolean {
  return a.kind === "physiological" && (a.priority === "medium" || a.priority === "high");
}

export function isTechnicalAlarm(a: Pick<AlarmItemView, "kind">): boolean {
  return a.kind !== "physiological";
}

/** `judged`: the engine has a current value of some parameter the bed's profile watches. */
export function deriveBedStatus(alarms: readonly ListedAlarm[], judged: boolean): BedStatus {
  for (const a of alarms) if (makesCritical(a)) return "CRITICAL";
  return judged ? "NORMAL" : "UNKNOWN";
}

const REASON: Readonly<Record<string, { name: string; unit: string }>> = {
  hr: { name: "HR", unit: "bpm" },
  spo2: { name: "SpO2", unit: "%" },
  temp: { name: "Temp", unit: "°C" },
  rr: { name: "RR", unit: "/min" },
  sbp: { name: "SBP", unit: "mmHg" },
};

/** "SpO2 92 % < 95 %": what a CRITICAL alarm is about, in the original design's words. */
export function alarmReason(
  a: Pick<AlarmItemView, "kind" | "parameter" | "value" | "limit" | "priority">,
): string {
  const p = REASON[a.parameter];
  if (a.kind !== "physiological" || p === undefined) return `${a.kind.replaceAll("_", " ")}`;
  if (a.value === null) return `${p.name} alarm`;
  if (a.limit === null) return `${p.name} ${a.value} ${p.unit}`;
  return `${p.name} ${a.value} ${p.unit} ${a.value < a.limit ? "<" : ">"} ${a.limit} ${p.unit}`;
}

/** The reasons behind a CRITICAL status, highest priority first. */
export function statusReasons(
  alarms: readonly Pick<AlarmItemView, "kind" | "parameter" | "value" | "limit" | "priority">[],
): string[] {
  return alarms
    .filter(makesCritical)
    .sort((a, b) => RANK[b.priority] - RANK[a.priority])
    .map(alarmReason);
}

export type PriorityCounts = Record<AlarmPriority, number>;

/** What the central station's header says; its alarm total is the alarm bar's length. */
export interface WardCounts {
  beds: number;
  /** Beds whose status is CRITICAL (what the "Alarming beds" filter shows). */
  alarming: number;
  /** Listed physiological alarms by priority. */
  physiological: PriorityCounts;
  /** Listed technical alarms by priority (the equipment, not the patient). */
  technical: PriorityCounts;
  /** Every listed alarm (= physiological + technical). */
  alarms: number;
  /** Listed alarms nobody has acknowledged yet. */
  unacknowledged: number;
}

const zero = (): PriorityCounts => ({ high: 0, medium: 0, low: 0 });

export function countWard(
  beds: Iterable<Pick<BedView, "status"> & { alarm: { alarms: readonly AlarmItemView[] } | null }>,
): WardCounts {
  const c: WardCounts = {
    beds: 0,
    alarming: 0,
    physiological: zero(),
    technical: zero(),
    alarms: 0,
    unacknowledged: 0,
  };
  for (const b of beds) {
    c.beds++;
    if (isAlarmingBed(b)) c.alarming++;
    for (const a of b.alarm?.alarms ?? []) {
      (isTechnicalAlarm(a) ? c.technical : c.physiological)[a.priority]++;
      c.alarms++;
      if (a.state === "active") c.unacknowledged++;
    }
  }
  return c;
}

/** The "Alarming beds" filter: exactly the CRITICAL beds. */
export function isAlarmingBed(b: Pick<BedView, "status">): boolean {
  return b.status === "CRITICAL";
}

/**
 * A bed's place in the severity order: its highest listed priority (a patient alarm before a technical
 * one of the same priority), then how long its oldest unacknowledged alarm has waited.
 */
export function bedSeverity(b: { alarm: { alarms: readonly AlarmItemView[] } | null }): {
  rank: number;
  oldestUnacknowledgedAt: number;
} {
  let rank = 0;
  let oldest = Number.POSITIVE_INFINITY;
  for (const a of b.alarm?.alarms ?? []) {
    rank = Math.max(rank, RANK[a.priority] * 2 + (isTechnicalAlarm(a) ? 0 : 1));
    if (a.state === "active") oldest = Math.min(oldest, a.raised_at);
  }
  return { rank, oldestUnacknowledgedAt: oldest };
}

/** Severity order: highest priority first, then the oldest unacknowledged alarm; ties by `tie`. */
export function compareBedSeverity<B extends { alarm: { alarms: readonly AlarmItemView[] } | null }>(
  a: B,
  b: B,
  tie: (a: B, b: B) => number,
): number {
  const sa = bedSeverity(a);
  const sb = bedSeverity(b);
  return (
    sb.rank - sa.rank ||
    (sa.oldestUnacknowledgedAt === sb.oldestUnacknowledgedAt
      ? 0
      : sa.oldestUnacknowledgedAt < sb.oldestUnacknowledgedAt
        ? -1
        : 1) ||
    tie(a, b)
  );
}
