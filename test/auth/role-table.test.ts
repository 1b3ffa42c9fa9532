import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../core/logger.js";
import { systemTime } from "../../core/time.js";
import { authConfigSchema } from "../../gateway/auth/auth-config.js";
import { GatewayAccess } from "../../gateway/auth/gateway-access.js";
import { registerHttpAuth } from "../../gateway/auth/http-auth.js";
import { ROUTES, ruleFor } from "../../gateway/auth/roles.js";
import { SqliteStore } from "../../gateway/store/sqlite-store.js";
import { startTestGateway } from "../harness/gateway.js";
import { fakeDashboard } from "./auth-kit.js";
import { SECURITY_DOC, withGeneratedMatrix } from "./role-matrix-doc.js";

const httpOf = (g: unknown) => (g as { http: FastifyInstance }).http;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("the role table", () => {
  it("is what docs/security.md shows (regenerate with npm run docs:roles)", () => {
    const doc = readFileSync(SECURITY_DOC, "utf8");
    expect(doc).toBe(withGeneratedMatrix(doc));
  });

  it("has a rule for every route the gateway registers, and every rule names a registered route", async () => {
    const seen = new Set<string>();
    // With and without a built dashboard (/* or /), with MQTT over WebSocket and notifications on.
    for (const dashboardDir of [fakeDashboard(), join(tmpdir(), "vitals-no-dashboard")]) {
      dirs.push(dashboardDir);
      const gw = await startTestGateway({
        dashboardDir,
        config: { mqtt: { websocket: true }, notifications: { enabled: true } },
      });
      for (const r of httpOf(gw.gateway).authRoutes) {
        expect(ruleFor(r.method, r.url), `${r.method} ${r.url}`).toBeDefined();
        seen.add(`${r.method === "HEAD" ? "GET" : r.method} ${r.url}`);
      }
      await gw.stop();
    }
    const unregistered = ROUTES.filter(
      (r) =>
        ![...seen].some(
          (s) => s === `${r.method} ${r.url}` || (r.method === "ALL" && s.endsWith(` ${r.url}`)),
        ),
    );
    expect(unregistered).toEqual([]);
  });

  it("refuses to register a route that is not in the table", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vitals-roles-"));
    dirs.push(dir);
    const store = SqliteStore.open(dir);
    const access = new GatewayAccess(store.db, authConfigSchema.parse({}), systemTime, silentLogger);
    const app = Fastify();
    await registerHttpAuth(app, { access: access.control, live: access.live, tls: false, dataDir: dir });
    expect(() => app.get("/api/forgotten", async () => ({}))).toThrow(/no entry in gateway\/auth\/roles\.ts/);
    expect(() => app.delete("/api/beds/:bed", async () => ({}))).toThrow(/DELETE \/api\/beds\/:bed/);
    await app.close();
    store.close();
  });
});
