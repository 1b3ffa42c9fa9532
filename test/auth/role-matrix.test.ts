import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { AlarmsResponse } from "../../core/api-types.js";
import { allows, ROLES, ROUTES, type Role, type RouteRule } from "../../gateway/auth/roles.js";
import { connectNode, startTestGateway, type TestGateway, type TestNode } from "../harness/gateway.js";
import { vitals } from "../support/frames.js";
import { bearer, fakeDashboard, SECURE, SecretWatch } from "./auth-kit.js";

/**
 * The black-box matrix: for every rule of the role table, every role and no credential at all, a real
 * request to a real gateway answers as the table says — 401 without a credential, 403 for a role
 * without the permission, success otherwise. Generated from ROUTES, so a new route is covered as
 * soon as it has a sample request here (the test fails until it has one).
 */

interface Sample {
  method: string;
  path: () => string;
  body?: unknown;
  /** Statuses that mean "allowed" for this request (default 200). */
  ok?: number[];
  ws?: boolean;
}

const watch = new SecretWatch();
const ADMIN_PW = watch.use("matrix-admin-password");
let gw: TestGateway;
let node: TestNode;
let alarmId = "";
const tokens = new Map<Role, string>();
const dashboardDir = fakeDashboard();

const samples: Record<string, Sample> = {
  "GET /healthz": { method: "GET", path: () => "/healthz" },
  "GET /metrics": { method: "GET", path: () => "/metrics" },
  "POST /api/login": { method: "POST", path: () => "/api/login", body: { user: "root", password: ADMIN_PW } },
  "POST /api/logout": { method: "POST", path: () => "/api/logout", body: {} },
  "GET /api/session": { method: "GET", path: () => "/api/session" },
  "GET /api/beds": { method: "GET", path: () => "/api/beds" },
  "GET /api/readings": { method: "GET", path: () => "/api/readings?bed=Bed-1" },
  "GET /api/live": { method: "GET", path: () => "/api/live", ws: true },
  "GET /api/alarms": { method: "GET", path: () => "/api/alarms?state=all" },
  "GET /api/alarm-events": { method: "GET", path: () => "/api/alarm-events" },
  "POST /api/alarms/:id/ack": {
    method: "POST",
    path: () => `/api/alarms/${encodeURIComponent(alarmId)}/ack`,
    body: {},
  },
  "POST /api/beds/:bed/pause": {
    method: "POST",
    path: () => "/api/beds/Bed-1/pause",
    body: { duration_s: 60 },
  },
  "GET /api/beds/:bed/limits": { method: "GET", path: () => "/api/beds/Bed-1/limits" },
  "PUT /api/beds/:bed/limits": {
    method: "PUT",
    path: () => "/api/beds/Bed-1/limits",
    body: { limits: { hr: { high: 140 } } },
  },
  "POST /api/beds/:bed/observations": {
    method: "POST",
    path: () => "/api/beds/Bed-1/observations",
    body: { rr: 16 },
  },
  "GET /api/beds/:bed/news2": { method: "GET", path: () => "/api/beds/Bed-1/news2" },
  "GET /api/beds/:bed/trend": { method: "GET", path: () => "/api/beds/Bed-1/trend?hours=1" },
  // No such notice: 404 means the request got past the guard.
  "POST /api/notices/:id/ack": { method: "POST", path: () => "/api/notices/none/ack", body: {}, ok: [404] },
  "GET /api/stays": { method: "GET", path: () => "/api/stays" },
  // The first allowed role admits; the bed is taken for the next ones (409, past the guard too).
  "POST /api/stays": {
    method: "POST",
    path: () => "/api/stays",
    body: { bed: "Bed-9", patient_id: "P-9" },
    ok: [201, 409],
  },
  "GET /api/stays/:id": { method: "GET", path: () => "/api/stays/999", ok: [404] },
  "POST /api/stays/:id/transfer": {
    method: "POST",
    path: () => "/api/stays/999/transfer",
    body: { bed: "Bed-8" },
    ok: [404],
  },
  "POST /api/stays/:id/standby": {
    method: "POST",
    path: () => "/api/stays/999/standby",
    body: { on: true },
    ok: [404],
  },
  "POST /api/stays/:id/discharge": {
    method: "POST",
    path: () => "/api/stays/999/discharge",
    body: {},
    ok: [404],
  },
  // An unknown bed: removing it discharges nobody.
  "POST /api/beds/:bed/remove": { method: "POST", path: () => "/api/beds/Bed-R/remove", body: {} },
  "GET /api/stays/:id/timeline": { method: "GET", path: () => "/api/stays/999/timeline", ok: [404] },
  "GET /api/stays/:id/print": { method: "GET", path: () => "/api/stays/999/print", ok: [404] },
  "GET /api/notifications": { method: "GET", path: () => "/api/notifications" },
  // No dead letter exists: 404 means the request got past the guard.
  "POST /api/notifications/:id/requeue": {
    method: "POST",
    path: () => "/api/notifications/1/requeue",
    body: {},
    ok: [404],
  },
  "GET /api/audit": { method: "GET", path: () => "/api/audit?limit=5" },
  "GET /api/nodes": { method: "GET", path: () => "/api/nodes" },
  "GET /api/interop": { method: "GET", path: () => "/api/interop" },
  // No dead letter exists: 404 means the request got past the guard.
  "POST /api/interop/:id/requeue": {
    method: "POST",
    path: () => "/api/interop/1/requeue",
    body: {},
    ok: [404],
  },
  "GET /fhir/metadata": { method: "GET", path: () => "/fhir/metadata" },
  "GET /fhir/Observation": { method: "GET", path: () => "/fhir/Observation?_count=1" },
  "GET /fhir/Observation/:id": { method: "GET", path: () => "/fhir/Observation/none", ok: [404] },
  "GET /fhir/Patient/:id": { method: "GET", path: () => "/fhir/Patient/none", ok: [404] },
  "GET /fhir/Device/:id": { method: "GET", path: () => "/fhir/Device/none", ok: [404] },
  "ALL /api/*": { method: "DELETE", path: () => "/api/no-such-thing", ok: [404] },
  "ALL /fhir/*": { method: "GET", path: () => "/fhir/Patient", ok: [404] },
  // A plain GET of the MQTT WebSocket path: MQTT authenticates in CONNECT, the staff guard stays out.
  "GET /mqtt": { method: "GET", path: () => "/mqtt", ok: [200, 400, 404] },
  "GET /*": { method: "GET", path: () => "/index.html" },
};

async function call(s: Sample, token: string | undefined): Promise<number> {
  const headers: Record<string, string> = token ? bearer(token) : {};
  if (s.ws) {
    const ws = new WebSocket(`${gw.url.replace("http", "ws")}${s.path()}`, { headers });
    return new Promise((resolve) => {
      ws.once("open", () => {
        ws.close();
        resolve(200);
      });
      ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.once("error", () => resolve(0));
    });
  }
  if (s.body !== undefined) headers["content-type"] = "application/json";
  const r = await fetch(`${gw.url}${s.path()}`, {
    method: s.method,
    headers,
    ...(s.body !== undefined ? { body: JSON.stringify(s.body) } : {}),
  });
  await r.arrayBuffer();
  return r.status;
}

const key = (r: RouteRule) => `${r.method} ${r.url}`;
const exercised = ROUTES.filter((r) => r.url !== "/"); // only registered when the dashboard is not built

beforeAll(async () => {
  gw = await startTestGateway({
    dashboardDir,
    logger: watch.logger,
    config: {
      auth: { ...SECURE, metrics: "token" },
      alarms: { delayMs: { spo2: 100 } },
      mqtt: { websocket: true },
    },
  });
  await gw.addUser("root", "admin", ADMIN_PW);
  for (const role of ROLES) tokens.set(role, watch.use(gw.token(role, `matrix-${role}`)));
  const cred = gw.gateway.access.control.nodeCredentials.add(["Bed-1"], "n1", Date.now());
  node = await connectNode(gw.tcpPort, { node: "n1", bed: "Bed-1", token: watch.use(cred.token) });
  node.send(vitals(1, { spo2: 86 }));
  await node.waitAck(1);
  // The alarm engine needs one delay (100 ms here) before the desaturation is an alarm.
  for (let i = 0; i < 100 && !alarmId; i++) {
    await new Promise((r) => setTimeout(r, 50));
    const r = await fetch(`${gw.url}/api/alarms?bed=Bed-1`, {
      headers: bearer(tokens.get("viewer") as string),
    });
    alarmId = ((await r.json()) as AlarmsResponse).alarms[0]?.id ?? "";
  }
  if (!alarmId) throw new Error("no alarm was raised for Bed-1");
});

afterAll(async () => {
  node?.close();
  await gw?.stop();
  rmSync(dashboardDir, { recursive: true, force: true });
});

describe("role matrix against a running gateway", () => {
  it("has a sample request for every rule", () => {
    expect(exercised.filter((r) => !samples[key(r)]).map(key)).toEqual([]);
  });

  for (const rule of exercised) {
    it(`${key(rule)}: 401 without a credential, 403 or success per role`, async () => {
      const s = samples[key(rule)] as Sample;
      const ok = s.ok ?? [200];
      const open = rule.access === "public" || rule.access === "mqtt";
      const none = await call(s, undefined);
      if (open) expect(ok, `${key(rule)} without a credential`).toContain(none);
      else expect(none, `${key(rule)} without a credential`).toBe(401);
      for (const role of ROLES) {
        const got = await call(s, tokens.get(role));
        if (open || allows(role, rule.access)) expect(ok, `${key(rule)} as ${role}`).toContain(got);
        else expect(got, `${key(rule)} as ${role}`).toBe(403);
      }
    });
  }

  it("answers a wrong or malformed bearer token with 401, whatever the route", async () => {
    for (const h of [bearer("vt_not-a-real-token"), { authorization: "Basic cm9vdDpyb290" }]) {
      const r = await fetch(`${gw.url}/api/beds`, { headers: h });
      expect(r.status).toBe(401);
      expect(r.headers.get("www-authenticate")).toBe('Bearer realm="vitals"');
    }
  });

  it("writes actions to the audit log under the token that did them", async () => {
    const r = await fetch(`${gw.url}/api/audit?limit=200`, {
      headers: bearer(tokens.get("admin") as string),
    });
    const { entries } = (await r.json()) as { entries: { actor: string; action: string; target: string }[] };
    expect(entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          actor: "token:matrix-nurse",
          action: "alarm.acknowledge",
          target: alarmId,
        }),
        expect.objectContaining({ actor: "token:matrix-charge", action: "limits.change", target: "Bed-1" }),
        expect.objectContaining({ actor: "root", action: "login" }),
      ]),
    );
  });

  it("logged none of the secrets it used", () => {
    expect(watch.lines.length).toBeGreaterThan(0);
    expect(watch.leaks()).toEqual([]);
  });
});
