import { makesCritical } from "../../core/bed-status.js";
import { byParameter } from "../../core/parameters.js";
import type { AlarmEvent, AlarmKind } from "../alarms/types.js";
import type { NotificationEvent } from "./notification-event.js";

/** Per-minute rates in their UCUM form ("/min"), everything else in its display unit (core/parameters.ts). */
const UNITS = byParameter((p) => (p.ucum === "/min" ? "/min" : p.unit));

/**
 * Which alarm events reach the notification channels (config `notifyOn`): "critical" — every raised
 * alarm that makes its bed CRITICAL, and escalations; "alarms" — high-priority alarms at once, others
 * when they escalate. Either way the channels' per-patient window applies.
 */
export function notifiedBy(mode: "critical" | "alarms", e: AlarmEvent): boolean {
  if (e.type === "escalated") return true;
  if (e.type !== "raised") return false;
  return mode === "critical" ? makesCritical(e) || e.priority === "high" : e.priority === "high";
}

/** Technical conditions in words; they describe the equipment, not the patient, so every level shows them. */
const TECHNICAL: Record<Exclude<AlarmKind, "physiological">, string> = {
  no_data: "no data from the bed's sensor node",
  disconnected: "sensor node disconnected",
  sensor_off: "sensor off",
  finger_out: "finger out of the probe",
  implausible: "implausible readings",
  low_battery: "sensor node battery low",
  nibp_failed: "blood pressure measurement failed",
  patient_mismatch: "the sensor node names a different patient than the one admitted",
  storage_failing: "storage failing — readings not being acknowledged",
};

/**
 * The alarm engine's events that should reach a person: a raised (or upgraded) alarm and an escalation
 * of an unacknowledged one. Acknowledgements, clears, pauses and limit changes are not notified.
 * `ward` comes from the gateway's bed registry (alarm events do not carry it).
 */
export function alarmEventToNotification(e: AlarmEvent, ward: string | null): NotificationEvent | undefined {
  if (e.type !== "raised" && e.type !== "escalated") return undefined;
  const n: NotificationEvent = {
    kind: e.type === "raised" ? "alarm" : "escalation",
    priority: e.priority,
    ward,
    bed: e.bed,
    patient: e.patient,
    parameters:
      e.parameter === "device" ? [] : [{ name: e.parameter, value: e.value, unit: UNITS[e.parameter] ?? "" }],
    at: e.at,
    alarmId: e.alarmId,
  };
  if (e.kind !== "physiological") n.technical = TECHNICAL[e.kind];
  return n;
}
