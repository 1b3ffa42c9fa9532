import fastifyCookie from "@fastify/cookie";
import fastifyCsrf from "@fastify/csrf-protection";
import fastifyHelmet from "@fastify/helmet";
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  onRequestHookHandler,
  onResponseHookHandler,
} from "fastify";
import { ErrorCodes, VitalsError } from "../../core/errors.js";
import { registerAuthRoutes, SESSION_COOKIE, sameOrigin } from "./auth-routes.js";
import type { HttpAuthDeps } from "./http-auth-deps.js";
import { isLoopbackAddress, isLoopbackHostHeader, normaliseAddress } from "./loopback.js";
import type { Principal } from "./principal.js";
import { type Access, type RouteRule, ruleFor } from "./roles.js";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The exact command a new installation needs (printed at start-up and in every 503). */
export function setupCommand(dataDir: string): string {
  return `vitals users add <name> --role admin --data-dir ${dataDir}`;
}

function send(reply: FastifyReply, status: number, error: string, message: string): FastifyReply {
  return reply.code(status).type("application/json").send({ error, message });
}

function bearer(req: FastifyRequest): string | undefined | null {
  const h = req.headers.authorization;
  if (h === undefined) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? (m[1] as string) : null;
}

/**
 * Guards every route of the HTTP server from the one table in roles.ts: a route that is not in it
 * cannot be registered. Also sets the security headers (helmet), session cookies and CSRF checks, and
 * registers sign-in, sign-out, session and audit routes. Call before any route is added.
 */
export async function registerHttpAuth(app: FastifyInstance, deps: HttpAuthDeps): Promise<void> {
  const { access } = deps;
  const registered: { method: string; url: string }[] = [];
  app.decorate("authRoutes", registered);
  app.decorateRequest("principal", null);

  await app.register(fastifyHelmet, {
    global: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    hsts: deps.tls ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: "no-referrer" },
    frameguard: { action: "deny" },
  });
  await app.register(fastifyCookie);
  await app.register(fastifyCsrf, {
    sessionPlugin: "@fastify/cookie",
    cookieKey: "vitals_csrf",
    cookieOpts: { path: "/", sameSite: "strict", httpOnly: true, secure: true },
    csrfOpts: { hmacKey: access.csrfKey() },
    getUserInfo: (req: FastifyRequest) => req.principal?.sessionHash ?? "",
    getToken: (req: FastifyRequest) => req.headers["x-csrf-token"] as string | undefined,
  });

  const authenticate = (req: FastifyRequest): Principal | "bad" | undefined => {
    const token = bearer(req);
    if (token === null) return "bad";
    if (token !== undefined) return access.fromToken(token) ?? "bad";
    const cookie = req.cookies[SESSION_COOKIE];
    if (cookie) {
      const p = access.fromSession(cookie);
      if (p) return p;
    }
    if (
      access.config.demo &&
      isLoopbackAddress(req.socket.remoteAddress) &&
      isLoopbackHostHeader(req.headers.host)
    )
      return access.demo();
    return cookie ? "bad" : undefined;
  };

  const guard =
    (rule: RouteRule): onRequestHookHandler =>
    async (req, reply) => {
      if (req.principal) return; // HEAD routes share their GET's hooks
      const a: Access = rule.access;
      const setup = access.setupRequired();
      if (a === "mqtt" || rule.url === "/healthz") return;
      if (a === "metrics.read") {
        const cfg = access.config.metrics;
        if (cfg === "open" || (cfg === "loopback" && isLoopbackAddress(req.socket.remoteAddress))) {
          req.principal = { kind: "loopback", actor: "loopback", role: null, permissions: new Set() };
          return;
        }
      }
      if (setup)
        return send(
          reply,
          503,
          "setup_required",
          `no administrator account yet; on the gateway host run: ${setupCommand(deps.dataDir)}`,
        );
      if (a === "public") return;
      const p = authenticate(req);
      if (p === undefined || p === "bad") {
        reply.header("www-authenticate", 'Bearer realm="vitals"');
        if (p === "bad" && req.cookies[SESSION_COOKIE])
          reply.clearCookie(SESSION_COOKIE, { path: "/", secure: true, httpOnly: true, sameSite: "strict" });
        return send(
          reply,
          401,
          "unauthorized",
          p === "bad"
            ? "the credential is unknown, expired or revoked; sign in again"
            : "sign in, or send Authorization: Bearer <token>",
        );
      }
      if (a !== "signed-in" && !p.permissions.has(a))
        return send(reply, 403, "forbidden", `role ${p.role} may not do this (needs ${a})`);
      // Ambient credentials (a cookie, the demo's loopback trust) must come from our own pages.
      const ambient = p.kind === "user" || p.kind === "demo";
      if (ambient && (!SAFE_METHODS.has(req.method) || req.headers.upgrade) && !sameOrigin(req))
        return send(reply, 403, "forbidden", "cross-origin request refused");
      req.principal = p;
    };

  // CSRF: cookie-authenticated state changes carry the session's X-CSRF-Token (GET /api/session).
  const csrf: onRequestHookHandler = (req, reply, done) => {
    if (req.principal?.kind === "user" && !SAFE_METHODS.has(req.method))
      return app.csrfProtection(req, reply, done);
    done();
  };

  const audit =
    (rule: RouteRule): onResponseHookHandler =>
    async (req, reply) => {
      if (!rule.audit || reply.statusCode >= 400 || !req.principal) return;
      const params = (req.params ?? {}) as Record<string, string>;
      const body = (req.body ?? {}) as Record<string, unknown>;
      const { user: _ignored, ...fields } = body;
      // Limits are settings and go in whole; observations are patient data: only which were entered.
      const detail =
        rule.audit === "observation.enter"
          ? { bed: params.bed, fields: Object.keys(fields).sort() }
          : { ...params, ...fields };
      access.record({
        actor: req.principal.actor,
        action: rule.audit,
        target: params.id ?? params.bed ?? null,
        detail,
        address: normaliseAddress(req.socket.remoteAddress),
      });
    };

  app.addHook("onRoute", (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const rules = new Set<RouteRule>();
    for (const m of methods) {
      const rule = ruleFor(m, route.url);
      if (!rule)
        throw new VitalsError(
          `route ${m} ${route.url} has no entry in gateway/auth/roles.ts ROUTES: declare who may use it`,
          ErrorCodes.Internal,
        );
      rules.add(rule);
      registered.push({ method: m, url: route.url });
    }
    const rule = [...rules][0] as RouteRule;
    const own = route.onRequest ? (Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest]) : [];
    route.onRequest = [guard(rule), csrf, ...own];
    if (rule.audit) {
      const after = route.onResponse
        ? Array.isArray(route.onResponse)
          ? route.onResponse
          : [route.onResponse]
        : [];
      route.onResponse = [...after, audit(rule)];
    }
  });

  registerAuthRoutes(app, deps);
}

declare module "fastify" {
  interface FastifyInstance {
    /** Every route as registered (method, url), for the test that each has a rule. */
    authRoutes: { method: string; url: string }[];
  }
}
