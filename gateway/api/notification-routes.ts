import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { actorOf } from "../auth/principal.js";
import type { NotificationService } from "../notify/notification-service.js";
import { idParam } from "./route-params.js";

/** Outbox status and dead letters for the dashboard; requeue after fixing a channel's configuration. */
export function registerNotificationRoutes(
  app: FastifyInstance,
  service: NotificationService | undefined,
): void {
  app.get("/api/notifications", async () => {
    if (!service) return { enabled: false, pending: 0, delivered: 0, dead: 0, dead_letters: [] };
    const s = service.stats();
    return {
      enabled: true,
      pending: s.pending,
      delivered: s.delivered,
      dead: s.dead,
      oldest_pending_age_ms: s.oldestPendingAgeMs,
      by_channel: s.byChannel,
      dead_letters: service.deadLetters(50).map((d) => ({
        id: d.id,
        channel: d.channel,
        recipient: d.recipient,
        title: d.title,
        attempts: d.attempts,
        last_error: d.lastError,
        created_at: d.createdAt,
        updated_at: d.updatedAt,
      })),
    };
  });

  app.post("/api/notifications/:id/requeue", async (req, reply) => {
    const id = idParam(req);
    const body = z
      .object({ user: z.string().max(64).optional() }) // ignored: the signed-in user is recorded
      .strict()
      .safeParse(req.body ?? {});
    if (id === undefined || !body.success) {
      reply.code(400);
      return { error: "bad_request", message: "expected a numeric delivery id" };
    }
    if (!service?.requeue(id)) {
      reply.code(404);
      return { error: "not_found", message: `no dead letter ${id}` };
    }
    return { requeued: id, by: actorOf(req) };
  });
}
