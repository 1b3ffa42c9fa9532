import type { AlarmItemView, AlarmPriority } from "../../core/api-types.js";
import { compareBedLabels } from "./natural-sort.js";

/**
 * How an alarm reads on a central station. IEC 60601-1-8 asks that priority is told apart by more than
 * colour, so every priority has a marker ("!!!", "!!", "!") and a word besides its colour.
 */
export const PRIORITY_MARK: Readonly<Record<AlarmPriority, string>> = { high: "!!!", medium: "!!", low: "!" };
export const PRIORITY_WORD: Readonly<Record<AlarmPriority, string>> = {
  high: "HIGH",
  medium: "MEDIUM",
  low: "LOW",
};

const RANK: Readonly<Record<AlarmPriority, number>> = { high: 3, medium: 2, low: 1 };

export function priorityRank(p: AlarmPriority | null | undefined): number {
  return p ? RANK[p] : 0;
}

export function higherOf(a: AlarmPriority | null, b: AlarmPriority | null): AlarmPriority | null {
  return priorityRank(b) > priorityRank(a) ? b : a;
}

const PARAMETER: Readonly<Record<string, { name: string; unit: string }>> = {
  hr: { name: "HR", unit: "bpm" },
  spo2: { name: "SpO₂", unit: "%" },
  temp: { name: "Temp", unit: "°C" },
  rr: { name: "RR", unit: "/min" },
  sbp: { name: "SBP", unit: "mmHg" },
  map: { name: "MAP", unit: "mmHg" },
};

function parameterName(p: string | null | undefined): string {
  if (!p || p === "device") return "device";
  return PARAMETER[p]?.name ?? p;
}

const TECHNICAL: Readonly<Record<string, string>> = {
  no_data: "no data",
  disconnected: "disconnected",
  sensor_off: "sensor off",
  finger_out: "finger out",
  implausible: "implausible value",
  low_battery: "low battery",
  nibp_failed: "BP measurement failed",
  patient_mismatch: "patient mismatch",
  storage_failing: "storage failing — readings not being acknowledged",
};

/** Anything but a physiological alarm is about the equipment, not the patient. */
export function isTechnical(kind: string | null | undefined): boolean {
  return kind !== "physiological";
}

function formatValue(parameter: string, value: number): string {
  return parameter === "temp" ? value.toFixed(1) : String(Math.round(value));
}

/** "SpO₂ 80 %" for a physiological alarm, "TECHNICAL: sensor off" for a technical one. */
export function alarmText(a: {
  kind?: string | null;
  parameter?: string | null;
  value?: number | null;
}): string {
  const kind = a.kind ?? "physiological";
  const parameter = a.parameter ?? "device";
  if (isTechnical(kind)) {
    const what = TECHNICAL[kind] ?? kind.replaceAll("_", " ");
    const about = parameter !== "device" ? ` (${parameterName(parameter)})` : "";
    return `TECHNICAL: ${what}${about}`;
  }
  const p = PARAMETER[parameter];
  if (!p) return `${parameter} alarm`;
  const v = a.value;
  return typeof v === "number" && Number.isFinite(v)
    ? `${p.name} ${formatValue(parameter, v)} ${p.unit}`
    : `${p.name} alarm`;
}

/** What a nurse must still do about it, in words. */
export function alarmStateText(
  a: Pick<AlarmItemView, "state" | "latched" | "acknowledged_by"> & { escalated?: boolean },
): string {
  if (a.state === "acknowledged")
    return a.acknowledged_by ? `acknowledged by ${a.acknowledged_by}` : "acknowledged";
  const what = a.latched ? "latched: condition ended, acknowledge to clear" : "not acknowledged";
  // Escalated: it has waited long enough for the gateway to notify someone remotely.
  return a.escalated ? `ESCALATED · ${what}` : what;
}

/**
 * Central-station order: highest priority first; within a priority, alarms still waiting for someone
 * before acknowledged ones, then the newest, then by bed.
 */
export function compareAlarms(a: AlarmItemView, b: AlarmItemView): number {
  return (
    priorityRank(b.priority) - priorityRank(a.priority) ||
    Number(a.state !== "active") - Number(b.state !== "active") ||
    b.raised_at - a.raised_at ||
    compareBedLabels(a.bed, b.bed) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

export function sortAlarms(alarms: Iterable<AlarmItemView>): AlarmItemView[] {
  return [...alarms].sort(compareAlarms);
}

/** The visual level of a bed: its highest listed priority, and whether any alarm of it still waits. */
export interface AlarmLevel {
  priority: AlarmPriority | null;
  /** An un-acknowledged alarm of that priority: the marker flashes (high) and the tile asks for action. */
  unacknowledged: boolean;
  /** Only technical alarms at that priority. */
  technicalOnly: boolean;
}

export function alarmLevel(alarms: readonly AlarmItemView[]): AlarmLevel {
  let priority: AlarmPriority | null = null;
  for (const a of alarms) priority = higherOf(priority, a.priority);
  const top = alarms.filter((a) => a.priority === priority);
  return {
    priority,
    unacknowledged: top.some((a) => a.state === "active"),
    technicalOnly: top.length > 0 && top.every((a) => isTechnical(a.kind)),
  };
}
