import type { FastifyInstance } from "fastify";
import type { TimeSource } from "../../core/time.js";
import { idParam } from "../api/route-params.js";
import type { DeliveryPump } from "./delivery-pump.js";
import type { InteropOutbox } from "./interop-outbox.js";

/**
 * Outbox state of the hospital interfaces and their dead letters (like /api/notifications): every
 * message HL7 or FHIR refused for good is listed with the receiver's answer, and can be requeued.
 */
export function registerInteropRoutes(
  app: FastifyInstance,
  d: { outbox: InteropOutbox; pumps: () => DeliveryPump[]; time: TimeSource },
): void {
  app.get("/api/interop", async () => {
    const channels: Record<string, { pending: number; delivered: number; dead: number }> = {};
    for (const c of d.outbox.counts()) {
      const ch = channels[c.channel] ?? { pending: 0, delivered: 0, dead: 0 };
      ch[c.status] = c.n;
      channels[c.channel] = ch;
    }
    return {
      channels,
      dead_letters: d.outbox.deadLetters(50).map((l) => ({
        id: l.id,
        channel: l.channel,
        kind: l.kind,
        control_id: l.controlId,
        attempts: l.attempts,
        last_error: l.lastError,
        response: l.response,
        created_at: l.createdAt,
        updated_at: l.updatedAt,
      })),
    };
  });

  app.post("/api/interop/:id/requeue", async (req, reply) => {
    const id = idParam(req);
    if (id === undefined || !d.outbox.requeue(id, d.time.now())) {
      reply.code(404);
      return { error: "not_found", message: "no such dead letter" };
    }
    for (const p of d.pumps()) p.kick(0);
    return { requeued: id };
  });
}
