import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import type { AlarmsResponse } from "../../core/api-types.js";
import { isVitalsError } from "../../core/errors.js";
import type { TimeSource } from "../../core/time.js";
import type { AlarmService } from "../alarms/alarm-service.js";
import type { LimitOverrides } from "../alarms/limit-overrides.js";
import type { News2Manual } from "../alarms/news2.js";
import { ALARM_PARAMETERS } from "../alarms/types.js";
import { actorOf } from "../auth/principal.js";
import type { BedRegistry } from "../beds.js";
import type { AlarmStore } from "../store/alarm-store.js";

/**
 * A typed name carries no authority: the alarm log records the signed-in user (actorOf). Still accepted
 * and ignored, so older clients keep working.
 */
const user = z.string().max(64).optional();
const bedParam = z.object({ bed: z.string().min(1).max(64) });

const limitFields = z
  .object({
    low: z.number().nullable(),
    high: z.number().nullable(),
    critical_low: z.number().nullable(),
    critical_high: z.number().nullable(),
  })
  .partial()
  .strict();
const perParameter = <T extends z.ZodType>(t: T) =>
  z
    .object(
      Object.fromEntries(ALARM_PARAMETERS.map((p) => [p, t.optional()])) as Record<
        (typeof ALARM_PARAMETERS)[number],
        z.ZodOptional<T>
      >,
    )
    .strict();

const schemas = {
  alarmsQuery: z
    .object({
      state: z.enum(["active", "all"]).default("active"),
      bed: z.string().min(1).max(64).optional(),
      limit: z.coerce.number().int().min(1).max(5_000).default(200),
    })
    .strict(),
  ack: z.object({ user }).strict(),
  pause: z.object({ user, duration_s: z.number().int().min(1).max(900).optional() }).strict(),
  limits: z
    .object({
      user,
      profile: z.string().min(1).max(32).optional(),
      limits: perParameter(limitFields).optional(),
      delay_ms: perParameter(z.number().int()).optional(),
    })
    .strict(),
  observations: z
    .object({
      user,
      rr: z.number().min(0).max(150).nullable().optional(),
      sbp: z.number().min(20).max(300).nullable().optional(),
      consciousness: z.enum(["A", "C", "V", "P", "U"]).nullable().optional(),
      on_oxygen: z.boolean().nullable().optional(),
      spo2_scale: z.union([z.literal(1), z.literal(2)]).optional(),
    })
    .strict(),
};

function bad(reply: FastifyReply, error: z.ZodError | string, code = 400) {
  reply.code(code);
  const message =
    typeof error === "string"
      ? error
      : error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");
  return { error: code === 404 ? "not_found" : "bad_request", message };
}

/** REST for alarms: list, acknowledge, audio pause, per-patient limits, NEWS2 observations. */
export function registerAlarmRoutes(
  app: FastifyInstance,
  deps: { alarms: AlarmService; store: AlarmStore; beds: BedRegistry; time: TimeSource },
): void {
  const { alarms, store, beds } = deps;

  app.get("/api/alarms", async (req, reply) => {
    const q = schemas.alarmsQuery.safeParse(req.query);
    if (!q.success) return bad(reply, q.error);
    const active = alarms.engine
      .activeAlarms()
      .filter((a) => q.data.bed === undefined || a.bed === q.data.bed);
    const body: AlarmsResponse = {
      now: deps.time.now(),
      alarms: active
        .map((a) => (alarms.summary(a.bed)?.alarms ?? []).find((v) => v.id === a.id))
        .filter((v) => v !== undefined),
      notices: alarms.notices(),
    };
    if (q.data.state === "all") body.history = store.history({ bed: q.data.bed, limit: q.data.limit });
    return body;
  });

  app.get("/api/alarm-events", async (req, reply) => {
    const q = schemas.alarmsQuery.omit({ state: true }).safeParse(req.query);
    if (!q.success) return bad(reply, q.error);
    return { events: store.events(q.data) };
  });

  app.post("/api/alarms/:id/ack", async (req, reply) => {
    const b = schemas.ack.safeParse(req.body ?? {});
    if (!b.success) return bad(reply, b.error);
    const id = (req.params as { id: string }).id;
    if (!alarms.acknowledge(id, actorOf(req))) return bad(reply, `no listed alarm ${id}`, 404);
    return { acknowledged: id };
  });

  app.post("/api/beds/:bed/pause", async (req, reply) => {
    const p = bedParam.safeParse(req.params);
    const b = schemas.pause.safeParse(req.body ?? {});
    if (!p.success) return bad(reply, p.error);
    if (!b.success) return bad(reply, b.error);
    if (!beds.view(p.data.bed)) return bad(reply, `unknown bed ${p.data.bed}`, 404);
    const until = alarms.pause(
      p.data.bed,
      actorOf(req),
      b.data.duration_s === undefined ? undefined : b.data.duration_s * 1000,
    );
    return { bed: p.data.bed, paused_until: until };
  });

  app.get("/api/beds/:bed/limits", async (req, reply) => {
    const p = bedParam.safeParse(req.params);
    if (!p.success) return bad(reply, p.error);
    if (!beds.view(p.data.bed)) return bad(reply, `unknown bed ${p.data.bed}`, 404);
    const l = alarms.engine.limits(p.data.bed);
    const limits = Object.fromEntries(
      ALARM_PARAMETERS.map((k) => {
        const v = l.limits[k];
        return [k, { low: v.low, high: v.high, critical_low: v.criticalLow, critical_high: v.criticalHigh }];
      }),
    );
    return {
      bed: p.data.bed,
      profile: l.profile,
      limits,
      delay_ms: l.delayMs,
      audit: store.audit(p.data.bed),
    };
  });

  app.put("/api/beds/:bed/limits", async (req, reply) => {
    const p = bedParam.safeParse(req.params);
    const b = schemas.limits.safeParse(req.body ?? {});
    if (!p.success) return bad(reply, p.error);
    if (!b.success) return bad(reply, b.error);
    // Limits belong to a known bed: a typo must not create a phantom bed with personal limits.
    if (!beds.view(p.data.bed)) return bad(reply, `unknown bed ${p.data.bed}`, 404);
    const overrides: LimitOverrides = {};
    if (b.data.profile) overrides.profile = b.data.profile;
    if (b.data.delay_ms) overrides.delayMs = b.data.delay_ms;
    if (b.data.limits) {
      overrides.limits = Object.fromEntries(
        Object.entries(b.data.limits).map(([k, v]) => [
          k,
          { low: v?.low, high: v?.high, criticalLow: v?.critical_low, criticalHigh: v?.critical_high },
        ]),
      );
      for (const v of Object.values(overrides.limits))
        for (const f of Object.keys(v ?? {}))
          if ((v as Record<string, unknown>)[f] === undefined) delete (v as Record<string, unknown>)[f];
    }
    try {
      const audit = alarms.setLimits(p.data.bed, overrides, actorOf(req));
      return {
        bed: p.data.bed,
        changes: audit.map((a) => ({
          at: a.at,
          user: a.user,
          parameter: a.parameter,
          field: a.field,
          from: a.from,
          to: a.to,
        })),
      };
    } catch (e) {
      if (isVitalsError(e, "config.invalid")) return bad(reply, e.message);
      throw e;
    }
  });

  app.post("/api/beds/:bed/observations", async (req, reply) => {
    const p = bedParam.safeParse(req.params);
    const b = schemas.observations.safeParse(req.body ?? {});
    if (!p.success) return bad(reply, p.error);
    if (!b.success) return bad(reply, b.error);
    if (!beds.view(p.data.bed)) return bad(reply, `unknown bed ${p.data.bed}`, 404);
    const { user: _typed, on_oxygen, spo2_scale, ...rest } = b.data;
    const entry: News2Manual = { ...rest };
    if (on_oxygen !== undefined) entry.onOxygen = on_oxygen;
    if (spo2_scale !== undefined) entry.spo2Scale = spo2_scale;
    alarms.observe(p.data.bed, entry, actorOf(req));
    return alarms.news2(p.data.bed) ?? bad(reply, "no NEWS2 for this bed yet", 404);
  });

  app.get("/api/beds/:bed/news2", async (req, reply) => {
    const p = bedParam.safeParse(req.params);
    if (!p.success) return bad(reply, p.error);
    return alarms.news2(p.data.bed) ?? bad(reply, `no data for bed ${p.data.bed}`, 404);
  });
}
