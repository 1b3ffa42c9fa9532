import type { FastifyRequest } from "fastify";
import { z } from "zod";

const positiveId = z.coerce.number().int().positive();

/** The `:id` of a route as a positive integer, or undefined when it is not one. */
export function idParam(req: FastifyRequest): number | undefined {
  const r = positiveId.safeParse((req.params as { id?: string }).id);
  return r.success ? r.data : undefined;
}
