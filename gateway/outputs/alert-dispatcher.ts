import type { Logger } from "../../core/logger.js";
import type { Alert, ClassifiedReading } from "../../core/reading.js";
import type { TimeSource } from "../../core/time.js";
import type { AlertOutput } from "./alert-output.js";

/**
 * Turns CRITICAL readings into alerts, at most one per patient per interval (the original design's
 * anti-spam rule: a patient who stays critical is re-alerted once a minute), and fans them out.
 */
export class AlertDispatcher {
  private readonly lastAlertAt = new Map<string, number>();

  constructor(
    private readonly deps: {
      time: TimeSource;
      intervalMs: number;
      outputs: AlertOutput[];
      logger: Logger;
      /** Called for every alert that passed the rate limit (store it, push it live). */
      onAlert?: (alert: Alert) => void;
    },
  ) {}

  consider(r: ClassifiedReading): Alert | undefined {
    if (r.status !== "CRITICAL") return undefined;
    const key = r.patient ? `patient:${r.patient}` : `bed:${r.bed}`;
    const now = this.deps.time.now();
    const last = this.lastAlertAt.get(key);
    if (last !== undefined && now - last < this.deps.intervalMs) return undefined;
    this.lastAlertAt.set(key, now);
    const alert: Alert = {
      bed: r.bed,
      patient: r.patient,
      ward: r.ward,
      status: r.status,
      reasons: r.reasons,
      values: r.values,
      at: now,
    };
    this.deps.onAlert?.(alert);
    for (const out of this.deps.outputs) {
      try {
        const p = out.send(alert);
        if (p)
          p.catch((e: unknown) =>
            this.deps.logger.error({ err: e, output: out.name }, "alert output failed"),
          );
      } catch (e) {
        this.deps.logger.error({ err: e, output: out.name }, "alert output failed");
      }
    }
    return alert;
  }
}
