import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { TrendResponse } from "../../core/api-types.js";
import type { TimeSource } from "../../core/time.js";
import type { BedRegistry } from "../beds.js";
import { readingTrend } from "../store/reading-trend.js";
import type { SqliteStore } from "../store/sqlite-store.js";

const params = z.object({ bed: z.string().min(1).max(64) });
const query = z
  .object({
    hours: z.coerce
      .number()
      .pipe(z.union([z.literal(1), z.literal(8), z.literal(24), z.literal(72)]))
      .default(1),
  })
  .strict();

/** Trends: the last 1, 8, 24 or 72 hours of a bed, per-minute min/median/max computed by the gateway. */
export function registerTrendRoutes(
  app: FastifyInstance,
  deps: { store: SqliteStore; beds: BedRegistry; time: TimeSource },
): void {
  app.get("/api/beds/:bed/trend", async (req, reply) => {
    const p = params.safeParse(req.params);
    const q = query.safeParse(req.query);
    if (!p.success || !q.success) {
      reply.code(400);
      return { error: "bad_request", message: "bed and hours (1, 8, 24 or 72) are required" };
    }
    if (!deps.beds.view(p.data.bed)) {
      reply.code(404);
      return { error: "not_found", message: `unknown bed ${p.data.bed}` };
    }
    const to = deps.time.now();
    const from = to - q.data.hours * 3_600_000;
    const body: TrendResponse = {
      bed: p.data.bed,
      from,
      to,
      buckets: readingTrend(deps.store.db, p.data.bed, from, to),
    };
    return body;
  });
}
