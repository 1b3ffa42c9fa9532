import { byParameter, PARAMETERS, type VitalParameter } from "../../core/parameters.js";
import type { Alert } from "../../core/reading.js";
import type { AlertOutput } from "../outputs/alert-output.js";
import type { NotificationEvent, NotificationParameter, Priority } from "./notification-event.js";

/** Units in notifications: rates per minute as UCUM writes them ("/min"), the others as displayed. */
export const UNITS: Record<VitalParameter, string> = byParameter((p) =>
  p.ucum === "/min" ? p.ucum : p.unit,
);

/** The original preset's CRITICAL alert as a notification event. */
function alertToEvent(alert: Alert, priority: Priority): NotificationEvent {
  const parameters: NotificationParameter[] = [];
  for (const { key: name, kind } of PARAMETERS) {
    const value = alert.values[name];
    // A reading about the node (its battery) is not a vital sign; it has no place in an alarm message.
    if (kind !== "vital" || value === undefined || value === null) continue;
    parameters.push({ name, value, unit: UNITS[name] });
  }
  return {
    kind: "alarm",
    priority,
    ward: alert.ward,
    bed: alert.bed,
    patient: alert.patient,
    parameters,
    reasons: alert.reasons,
    at: alert.at,
  };
}

export interface NotificationSink {
  enqueue(event: NotificationEvent): unknown;
}

/** Plugs the NotificationService into the gateway's alert dispatcher. Only CRITICAL alerts notify. */
export class NotificationAlertOutput implements AlertOutput {
  readonly name = "notifications";

  constructor(
    private readonly sink: NotificationSink,
    private readonly priority: Priority = "high",
  ) {}

  send(alert: Alert): void {
    if (alert.status !== "CRITICAL") return;
    this.sink.enqueue(alertToEvent(alert, this.priority));
  }
}
