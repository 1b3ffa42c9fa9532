import { VITAL_PARAMETERS, type VitalParameter } from "../../core/protocol/index.js";
import type { Alert } from "../../core/reading.js";
import type { AlertOutput } from "../outputs/alert-output.js";
import type { NotificationEvent, NotificationParameter, Priority } from "./notification-event.js";

export const UNITS: Record<VitalParameter, string> = {
  hr: "/min",
  spo2: "%",
  temp: "°C",
  rr: "/min",
  sbp: "mmHg",
  dbp: "mmHg",
  pi: "%",
  battery: "%",
};

/** The original preset's CRITICAL alert as a notification event. */
function alertToEvent(alert: Alert, priority: Priority): NotificationEvent {
  const parameters: NotificationParameter[] = [];
  for (const name of VITAL_PARAMETERS) {
    const value = alert.values[name];
    // The node's battery is not a vital sign; it has no place in an alarm message.
    if (name === "battery" || value === undefined || value === null) continue;
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
