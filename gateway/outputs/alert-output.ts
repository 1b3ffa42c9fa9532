import type { Alert } from "../../core/reading.js";

/**
 * Where alerts go: console/bell, buzzer, WhatsApp, e-mail… Each output gets every alert that passed
 * the dispatcher's rate limit and must not throw for delivery failures it can retry itself.
 */
export interface AlertOutput {
  readonly name: string;
  send(alert: Alert): Promise<void> | void;
  close?(): Promise<void> | void;
}
