import { Gauge, type Registry } from "prom-client";
import type { AlarmItemView, BedStatus } from "../../core/api-types.js";
import { isTechnicalAlarm } from "../../core/bed-status.js";
import { ALARM_KINDS, PRIORITIES } from "./types.js";

/**
 * Alarm gauges read from the engine at scrape time, so /metrics can never disagree with /api/alarms
 * and /api/beds: listed alarms by priority, class (physiological / technical) and acknowledgement, and
 * beds by derived status.
 */
export function registerAlarmMetrics(
  registry: Registry,
  source: { alarms(): readonly AlarmItemView[]; statuses(): readonly BedStatus[] },
): void {
  new Gauge({
    name: "vitals_alarms",
    help: "Alarms listed now (GET /api/alarms), by priority, kind (physiological or a technical kind), class and state (active = not acknowledged)",
    labelNames: ["priority", "kind", "class", "state"] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const priority of PRIORITIES)
        for (const kind of ALARM_KINDS)
          for (const state of ["active", "acknowledged"])
            this.set({ priority, kind, class: kind === "physiological" ? kind : "technical", state }, 0);
      for (const a of source.alarms()) {
        this.inc({
          priority: a.priority,
          kind: a.kind,
          class: isTechnicalAlarm(a) ? "technical" : "physiological",
          state: a.state,
        });
      }
    },
  });
  new Gauge({
    name: "vitals_beds",
    help: "Beds by derived status (CRITICAL: a listed medium or high physiological alarm)",
    labelNames: ["status"] as const,
    registers: [registry],
    collect() {
      const n: Record<BedStatus, number> = { NORMAL: 0, CRITICAL: 0, UNKNOWN: 0 };
      for (const s of source.statuses()) n[s]++;
      for (const [status, v] of Object.entries(n)) this.set({ status }, v);
    },
  });
}
