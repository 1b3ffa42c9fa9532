import { Gauge, type Registry } from "prom-client";
import type { NotificationService } from "./notification-service.js";

/**
 * Notification outbox figures on /metrics, read from the outbox at scrape time: pending, delivered
 * and dead-lettered per channel, and the age of the oldest pending message (a stuck channel shows up
 * here before anyone misses a message).
 */
export function registerNotificationMetrics(registry: Registry, service: NotificationService): void {
  new Gauge({
    name: "vitals_notifications",
    help: "Notifications in the outbox by channel and status (pending, delivered, dead = dead-lettered)",
    labelNames: ["channel", "status"] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [channel, counts] of Object.entries(service.stats().byChannel)) {
        for (const status of ["pending", "delivered", "dead"] as const)
          this.set({ channel, status }, counts[status]);
      }
    },
  });
  new Gauge({
    name: "vitals_notifications_oldest_pending_seconds",
    help: "Age of the oldest notification not yet delivered (0 when none is pending)",
    registers: [registry],
    collect() {
      this.set((service.stats().oldestPendingAgeMs ?? 0) / 1000);
    },
  });
}
