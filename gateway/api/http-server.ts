import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import fastifyWebsocket from "@fastify/websocket";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { z } from "zod";
import type {
  BedsResponse,
  HealthResponse,
  NodeClockView,
  NodesResponse,
  ReadingsResponse,
  StorageHealthView,
} from "../../core/api-types.js";
import type { Logger } from "../../core/logger.js";
import type { TimeSource } from "../../core/time.js";
import type { GatewayAccess } from "../auth/gateway-access.js";
import { registerHttpAuth } from "../auth/http-auth.js";
import type { TlsMaterial } from "../auth/tls-config.js";
import type { BedRegistry } from "../beds.js";
import { listenError } from "../listen-error.js";
import type { GatewayMetrics } from "../metrics.js";
import type { ReadingHistory } from "../store/reading-history.js";
import type { SqliteStore } from "../store/sqlite-store.js";
import type { LiveHub } from "./live-hub.js";

const DASHBOARD_DIR = fileURLToPath(new URL("../../dashboard/dist/", import.meta.url));

const readingsQuery = z
  .object({
    bed: z.string().min(1).max(64).optional(),
    from: z.coerce.number().int().nonnegative().optional(),
    to: z.coerce.number().int().nonnegative().optional(),
    limit: z.coerce.number().int().min(1).max(10_000).default(500),
  })
  .strict();

export interface HttpDeps {
  store: SqliteStore;
  /** Where /api/readings reads from (default: the SQLite store). */
  history?: ReadingHistory;
  beds: BedRegistry;
  live: LiveHub;
  metrics: GatewayMetrics;
  time: TimeSource;
  logger: Logger;
  dashboardDir?: string;
  /** Guards every route (gateway/auth/roles.ts), sign-in, security headers. */
  access: GatewayAccess;
  dataDir: string;
  /** Serve HTTPS (docs/security.md). */
  https?: TlsMaterial | undefined;
  /** Whether storage works; /healthz answers 503 when it does not. */
  storage?: () => StorageHealthView;
  /** Device clocks per node (GET /api/nodes). */
  nodes?: () => NodeClockView[];
}

/** The live API (REST + WebSocket), metrics and the dashboard's static files. */
export async function createHttpServer(deps: HttpDeps): Promise<FastifyInstance> {
  // Request logs would be one line per dashboard fetch: keep warnings and errors only.
  const httpLogger = deps.logger.child({}, { level: deps.logger.isLevelEnabled("warn") ? "warn" : "silent" });
  // With TLS the instance serves HTTPS; its routes and hooks are the same, hence the cast.
  const app = Fastify({
    loggerInstance: httpLogger as FastifyBaseLogger,
    ...(deps.https ? { https: deps.https } : {}),
  }) as unknown as FastifyInstance;
  const started = deps.time.now();
  await app.register(fastifyWebsocket, { options: { maxPayload: 4096 } });
  await registerHttpAuth(app, {
    access: deps.access.control,
    live: deps.access.live,
    tls: deps.https !== undefined,
    dataDir: deps.dataDir,
  });

  app.get("/healthz", async (_req, reply): Promise<HealthResponse> => {
    const storage = deps.storage?.();
    const status = storage?.status ?? "ok";
    if (status !== "ok") reply.code(503);
    return {
      status,
      uptime_s: Math.round((deps.time.now() - started) / 1000),
      ...(storage ? { storage } : {}),
      ...deps.access.control.health(),
    };
  });

  app.get("/metrics", async (_req, reply) => {
    reply.header("content-type", deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });

  app.get("/api/beds", async (): Promise<BedsResponse> => ({ now: deps.time.now(), beds: deps.beds.all() }));

  app.get(
    "/api/nodes",
    async (): Promise<NodesResponse> => ({
      now: deps.time.now(),
      nodes: deps.nodes?.() ?? [],
    }),
  );

  app.get(
    "/api/readings",
    async (req, reply): Promise<ReadingsResponse | { error: string; message: string }> => {
      const q = readingsQuery.safeParse(req.query);
      if (!q.success) {
        reply.code(400);
        return {
          error: "bad_query",
          message: q.error.issues.map((i) => `${i.path.join(".") || "query"}: ${i.message}`).join("; "),
        };
      }
      return { readings: await (deps.history ?? deps.store).history(q.data) };
    },
  );

  app.get("/api/live", { websocket: true }, (socket, req) => {
    deps.live.add(socket);
    deps.access.live.watch(socket, req.principal);
  });

  const dir = deps.dashboardDir ?? DASHBOARD_DIR;
  if (existsSync(dir)) {
    await app.register(fastifyStatic, { root: dir, prefix: "/" });
  } else {
    app.get("/", async (_req, reply) => {
      reply.code(503).type("text/plain");
      return "The dashboard is not built. Run: npm run build:dashboard\n";
    });
  }
  return app;
}

export async function listen(app: FastifyInstance, port: number, host: string): Promise<number> {
  try {
    await app.listen({ port, host });
  } catch (e) {
    throw listenError(e, {
      what: "HTTP (API and dashboard)",
      host,
      port,
      flag: "--http-port",
      key: "httpPort",
    });
  }
  return (app.server.address() as AddressInfo).port;
}
