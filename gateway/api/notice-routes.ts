import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { AlarmService } from "../alarms/alarm-service.js";
import { actorOf } from "../auth/principal.js";

/** A typed name is accepted and ignored: the signed-in user (actorOf) acknowledges. */
const ack = z.object({ user: z.string().max(64).optional() }).strict();

/**
 * Ward notices (gateway restarted, many nodes lost at once): acknowledging one acknowledges the listed
 * alarms grouped under it. They are listed by GET /api/alarms (`notices`).
 */
export function registerNoticeRoutes(app: FastifyInstance, deps: { alarms: AlarmService }): void {
  app.post("/api/notices/:id/ack", async (req, reply) => {
    const b = ack.safeParse(req.body ?? {});
    if (!b.success) {
      reply.code(400);
      return { error: "bad_request", message: b.error.issues.map((i) => i.message).join("; ") };
    }
    const id = (req.params as { id: string }).id;
    if (!deps.alarms.acknowledgeNotice(id, actorOf(req))) {
      reply.code(404);
      return { error: "not_found", message: `no listed notice ${id}` };
    }
    return { acknowledged: id };
  });
}
