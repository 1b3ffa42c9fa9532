import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { HttpAuthDeps } from "./http-auth-deps.js";
import { normaliseAddress } from "./loopback.js";
import type { Principal } from "./principal.js";

export const SESSION_COOKIE = "vitals_session";

/** May a browser request with ambient credentials (cookie, demo) come from this page? */
export function sameOrigin(req: FastifyRequest): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

const loginBody = z
  .object({ user: z.string().min(1).max(256), password: z.string().min(1).max(1024) })
  .strict();
const auditQuery = z
  .object({
    before: z.coerce.number().int().positive().optional(),
    limit: z.coerce.number().int().min(1).max(1_000).default(100),
  })
  .strict();

const cookieOpts = (maxAgeMs: number) => ({
  path: "/",
  httpOnly: true,
  secure: true,
  sameSite: "strict" as const,
  maxAge: Math.floor(maxAgeMs / 1000),
});

/** GET /api/session's answer: who is signed in, what they may do, and the CSRF token for their writes. */
function sessionBody(deps: HttpAuthDeps, p: Principal, reply: FastifyReply) {
  const c = deps.access.config;
  return {
    user: p.actor,
    kind: p.kind,
    role: p.role,
    permissions: [...p.permissions].sort(),
    ...(p.kind === "user" ? { csrf_token: reply.generateCsrf({ userInfo: p.sessionHash ?? "" }) } : {}),
    demo: c.demo,
    open_nodes: c.openNodes,
    idle_timeout_ms: c.sessions.idleMs,
  };
}

const address = (req: FastifyRequest) => normaliseAddress(req.socket.remoteAddress);

/** Sign-in, sign-out, who-am-I, the audit log, and the 404s that keep /api/* and /fhir/* guarded. */
export function registerAuthRoutes(app: FastifyInstance, deps: HttpAuthDeps): void {
  const { access, live } = deps;

  app.post("/api/login", async (req, reply) => {
    if (!sameOrigin(req))
      return reply.code(403).send({ error: "forbidden", message: "cross-origin sign-in refused" });
    const b = loginBody.safeParse(req.body ?? {});
    if (!b.success)
      return reply
        .code(400)
        .send({ error: "bad_request", message: 'expected {"user": "…", "password": "…"}' });
    const r = await access.login(b.data.user, b.data.password, address(req));
    if (!r.ok) {
      if (r.retryAfterS !== undefined) reply.header("retry-after", String(r.retryAfterS));
      return reply
        .code(r.status)
        .send({ error: r.status === 429 ? "locked" : "unauthorized", message: r.message });
    }
    reply.setCookie(SESSION_COOKIE, r.cookie, cookieOpts(access.config.sessions.absoluteMs));
    req.principal = r.principal;
    return sessionBody(deps, r.principal, reply);
  });

  app.post("/api/logout", async (req, reply) => {
    const p = req.principal as Principal;
    access.logout(p, address(req));
    if (p.sessionHash) live.endSession(p.sessionHash);
    reply.clearCookie(SESSION_COOKIE, { path: "/", secure: true, httpOnly: true, sameSite: "strict" });
    return { signed_out: p.kind === "user" };
  });

  app.get("/api/session", async (req, reply) => sessionBody(deps, req.principal as Principal, reply));

  app.get("/api/audit", async (req, reply) => {
    const q = auditQuery.safeParse(req.query);
    if (!q.success)
      return reply
        .code(400)
        .send({ error: "bad_query", message: q.error.issues.map((i) => i.message).join("; ") });
    const entries = access.audit.page(q.data);
    return {
      entries: entries.map((e) => ({
        id: e.id,
        at: e.at,
        actor: e.actor,
        action: e.action,
        target: e.target,
        detail: e.detail,
        address: e.address,
        hash: e.hash,
      })),
      next_before: entries.length === q.data.limit ? (entries.at(-1)?.id ?? null) : null,
    };
  });

  const notFound = async (req: FastifyRequest, reply: FastifyReply) =>
    reply.code(404).send({ error: "not_found", message: `no route ${req.method} ${req.url.split("?")[0]}` });
  app.all("/api/*", notFound);
  app.all("/fhir/*", notFound);
}
