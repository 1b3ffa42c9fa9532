/** Alarm priorities, lowest first; the alarm engine raises these. */
export const PRIORITIES = ["low", "medium", "high"] as const;
export type Priority = (typeof PRIORITIES)[number];

export function priorityRank(p: Priority): number {
  return PRIORITIES.indexOf(p);
}

export interface NotificationParameter {
  /** Vital parameter as the protocol names it ("spo2", "hr", …) or another measured quantity. */
  name: string;
  value: number | null;
  unit: string;
}

/**
 * What the gateway asks to be notified about. `escalation` is an alarm that nobody acknowledged in time
 * (the alarm engine decides that); `test` is an installer's check and is never rate-limited.
 */
export interface NotificationEvent {
  kind: "alarm" | "escalation" | "test";
  priority: Priority;
  ward: string | null;
  bed: string;
  patient: string | null;
  parameters: NotificationParameter[];
  /** Human-readable reasons ("SpO2 92 % < 95 %"); they contain values, so minimisation drops them. */
  reasons?: string[];
  /** A technical alarm's condition ("sensor off"): about the equipment, so shown at every minimisation level. */
  technical?: string;
  /** Gateway time of the alarm, epoch ms. */
  at: number;
  alarmId?: string;
}

/** One key per bed occupancy: the same patient moved to another bed is another key (digest counting). */
export function patientKey(e: Pick<NotificationEvent, "ward" | "bed" | "patient">): string {
  return JSON.stringify([e.ward, e.bed, e.patient]);
}

/**
 * The per-patient rate limit is kept separately for clinical and technical alarms: a "sensor off" message
 * must not hide an SpO2 alarm of the same priority that follows it (nor the other way round).
 */
export function rateLimitKey(e: Pick<NotificationEvent, "ward" | "bed" | "patient" | "technical">): string {
  return JSON.stringify([e.ward, e.bed, e.patient, e.technical ? "technical" : "clinical"]);
}
