import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import type { StayTimelineResponse } from "../../core/api-types.js";
import { isVitalsError } from "../../core/errors.js";
import type { TimeSource } from "../../core/time.js";
import { actorOf } from "../auth/principal.js";
import { stayCsv, stayPrintPage } from "../stays/stay-export.js";
import type { StayService } from "../stays/stay-service.js";
import type { StayHistory } from "../store/stay-history.js";

/**
 * A typed name carries no authority: every action is recorded under the signed-in user (actorOf). Still
 * accepted (and ignored) so that older clients keep working.
 */
const user = z.string().max(64).optional();
const id = z.string().trim().min(1).max(64);
const idParam = z.object({ id: z.coerce.number().int().positive() });
const bedParam = z.object({ bed: z.string().min(1).max(64) });

const schemas = {
  list: z
    .object({
      patient: id.optional(),
      bed: id.optional(),
      state: z.enum(["open", "all"]).default("all"),
      limit: z.coerce.number().int().min(1).max(1_000).default(100),
    })
    .strict(),
  admit: z
    .object({
      user,
      bed: id,
      patient_id: id,
      name: z.string().trim().min(1).max(128).nullable().optional(),
      mrn: id.nullable().optional(),
      dob: z.iso.date().nullable().optional(),
      profile: z.string().min(1).max(32).nullable().optional(),
    })
    .strict(),
  transfer: z.object({ user, bed: id }).strict(),
  standby: z.object({ user, on: z.boolean() }).strict(),
  byUser: z.object({ user }).strict(),
  timeline: z
    .object({
      format: z.enum(["json", "csv"]).default("json"),
      max_readings: z.coerce.number().int().min(0).max(1_000_000).optional(),
    })
    .strict(),
};

function fail(reply: FastifyReply, e: unknown) {
  if (isVitalsError(e, "stay.conflict")) reply.code(409);
  else if (isVitalsError(e, "stay.not_found")) reply.code(404);
  else if (isVitalsError(e, "config.invalid")) reply.code(400);
  else throw e;
  const code = reply.statusCode === 409 ? "conflict" : reply.statusCode === 404 ? "not_found" : "bad_request";
  return { error: code, message: (e as Error).message };
}

function bad(reply: FastifyReply, error: z.ZodError, code = 400) {
  reply.code(code);
  return {
    error: "bad_request",
    message: error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "),
  };
}

/**
 * The patient's stay: admit, transfer, standby, discharge, remove a bed, and the stay's history as
 * JSON, CSV or a printable page. In a file of its own so a permission table can cover these routes.
 */
export function registerStayRoutes(
  app: FastifyInstance,
  deps: { stays: StayService; history: StayHistory; time: TimeSource },
): void {
  const { stays } = deps;

  app.get("/api/stays", async (req, reply) => {
    const q = schemas.list.safeParse(req.query);
    if (!q.success) return bad(reply, q.error);
    return {
      stays: stays.find({
        patient: q.data.patient,
        bed: q.data.bed,
        open: q.data.state === "open",
        limit: q.data.limit,
      }),
    };
  });

  app.post("/api/stays", async (req, reply) => {
    const b = schemas.admit.safeParse(req.body ?? {});
    if (!b.success) return bad(reply, b.error);
    try {
      reply.code(201);
      return stays.admit(
        {
          bed: b.data.bed,
          patient: b.data.patient_id,
          name: b.data.name,
          mrn: b.data.mrn,
          dob: b.data.dob,
          profile: b.data.profile,
        },
        actorOf(req),
      );
    } catch (e) {
      return fail(reply, e);
    }
  });

  app.get("/api/stays/:id", async (req, reply) => {
    const p = idParam.safeParse(req.params);
    if (!p.success) return bad(reply, p.error);
    const s = stays.get(p.data.id);
    if (!s) {
      reply.code(404);
      return { error: "not_found", message: `no stay ${p.data.id}` };
    }
    return s;
  });

  const action = <T extends z.ZodType>(
    path: string,
    body: T,
    run: (id: number, b: z.infer<T>, actor: string) => unknown,
  ) =>
    app.post(`/api/stays/:id/${path}`, async (req, reply) => {
      const p = idParam.safeParse(req.params);
      if (!p.success) return bad(reply, p.error);
      const b = body.safeParse(req.body ?? {});
      if (!b.success) return bad(reply, b.error);
      try {
        return run(p.data.id, b.data, actorOf(req));
      } catch (e) {
        return fail(reply, e);
      }
    });
  action("transfer", schemas.transfer, (stay, b, actor) => stays.transfer(stay, b.bed, actor));
  action("standby", schemas.standby, (stay, b, actor) => stays.standby(stay, b.on, actor));
  action("discharge", schemas.byUser, (stay, _b, actor) => stays.discharge(stay, actor));

  app.post("/api/beds/:bed/remove", async (req, reply) => {
    const p = bedParam.safeParse(req.params);
    if (!p.success) return bad(reply, p.error);
    const b = schemas.byUser.safeParse(req.body ?? {});
    if (!b.success) return bad(reply, b.error);
    return { bed: p.data.bed, ...stays.removeBed(p.data.bed, actorOf(req)) };
  });

  app.get("/api/stays/:id/timeline", async (req, reply) => {
    const p = idParam.safeParse(req.params);
    if (!p.success) return bad(reply, p.error);
    const q = schemas.timeline.safeParse(req.query);
    if (!q.success) return bad(reply, q.error);
    const stay = stays.get(p.data.id);
    if (!stay) {
      reply.code(404);
      return { error: "not_found", message: `no stay ${p.data.id}` };
    }
    const csv = q.data.format === "csv";
    const { entries, truncated } = deps.history.timeline(stay, {
      maxReadings: q.data.max_readings ?? (csv ? 1_000_000 : 20_000),
      now: deps.time.now(),
    });
    if (csv) {
      reply
        .type("text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename="stay-${stay.id}-${stay.patient_id}.csv"`);
      return stayCsv(stay, entries);
    }
    const body: StayTimelineResponse = { stay, entries, truncated };
    return body;
  });

  app.get("/api/stays/:id/print", async (req, reply) => {
    const p = idParam.safeParse(req.params);
    if (!p.success) return bad(reply, p.error);
    const stay = stays.get(p.data.id);
    if (!stay) {
      reply.code(404);
      return { error: "not_found", message: `no stay ${p.data.id}` };
    }
    const { entries, truncated } = deps.history.timeline(stay, {
      maxReadings: 200_000,
      now: deps.time.now(),
    });
    reply.type("text/html; charset=utf-8");
    return stayPrintPage(stay, entries, truncated);
  });
}
