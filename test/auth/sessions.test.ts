import { afterAll, afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { AlarmsResponse } from "../../core/api-types.js";
import { connectNode, startTestGateway, type TestGateway } from "../harness/gateway.js";
import { FakeTime } from "../support/fake-time.js";
import { vitals } from "../support/frames.js";
import { bearer, SECURE, SecretWatch } from "./auth-kit.js";

const watch = new SecretWatch();
const PW = watch.use("kims-long-password");
const ROOT_PW = watch.use("root-long-password");

/** The gateway's time, moved by the test: lockouts and timeouts without waiting. */

let gw: TestGateway;
let clock: FakeTime;
afterEach(async () => {
  await gw?.stop();
});
afterAll(() => {
  expect(watch.leaks()).toEqual([]);
});

async function boot(auth: Record<string, unknown> = {}) {
  clock = new FakeTime(Date.now());
  gw = await startTestGateway({
    time: clock,
    logger: watch.logger,
    config: { auth: { ...SECURE, ...auth } },
  });
  await gw.addUser("root", "admin", ROOT_PW);
  await gw.addUser("kim", "nurse", PW);
}

interface Session {
  cookie: string;
  csrf: string;
  setCookie: string[];
}

async function login(user: string, password: string, headers: Record<string, string> = {}) {
  const r = await fetch(`${gw.url}/api/login`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ user, password }),
  });
  const body = (await r.json()) as Record<string, unknown>;
  const setCookie = r.headers.getSetCookie();
  const cookie = setCookie.map((c) => c.split(";")[0]).join("; ");
  return {
    status: r.status,
    body,
    retryAfter: r.headers.get("retry-after"),
    session: { cookie, csrf: String(body.csrf_token ?? ""), setCookie } as Session,
  };
}

async function signIn(user = "kim", password = PW): Promise<Session> {
  const r = await login(user, password);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.session;
}

const get = (path: string, s?: Session) =>
  fetch(`${gw.url}${path}`, { headers: s ? { cookie: s.cookie } : {} }).then((r) => r.status);

async function post(path: string, s: Session, body: object, headers: Record<string, string> = {}) {
  const r = await fetch(`${gw.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie: s.cookie, ...headers },
    body: JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

function live(
  headers: Record<string, string>,
): Promise<{ ws: WebSocket; status: number; closed: Promise<number> }> {
  const ws = new WebSocket(`${gw.url.replace("http", "ws")}/api/live`, { headers });
  const closed = new Promise<number>((r) => ws.once("close", (code) => r(code)));
  return new Promise((resolve) => {
    ws.once("open", () => resolve({ ws, status: 200, closed }));
    ws.once("unexpected-response", (_q, res) => resolve({ ws, status: res.statusCode ?? 0, closed }));
  });
}

describe("sign-in and sessions", () => {
  it("signs in with an HttpOnly, Secure, SameSite=Strict session cookie; the session reads the ward", async () => {
    await boot();
    const r = await login("kim", PW);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ user: "kim", role: "nurse", kind: "user" });
    expect(r.body.permissions).toContain("alarm.acknowledge");
    const session = r.session.setCookie.find((c) => c.startsWith("vitals_session="));
    expect(session).toMatch(/; HttpOnly/);
    expect(session).toMatch(/; Secure/);
    expect(session).toMatch(/; SameSite=Strict/);
    expect(session).toMatch(/; Path=\//);
    watch.use(session?.split(";")[0]?.split("=")[1] as string);
    expect(await get("/api/beds", r.session)).toBe(200);
    expect(await get("/api/audit", r.session)).toBe(403);
    expect(await get("/api/beds")).toBe(401);
  });

  it("answers an unknown user, a wrong password and a disabled account alike", async () => {
    await boot();
    gw.gateway.access.control.users.setDisabled("root", false, clock.now());
    await gw.addUser("gone", "nurse", watch.use("gone-long-password"));
    gw.gateway.access.control.users.setDisabled("gone", true, clock.now());
    const answers = [
      await login("kim", "not-the-password"),
      await login("nobody", "not-the-password"),
      await login("gone", "gone-long-password"),
    ];
    for (const a of answers) {
      expect(a.status).toBe(401);
      expect(a.body).toEqual({ error: "unauthorized", message: "wrong user name or password" });
      expect(a.session.setCookie.some((c) => c.startsWith("vitals_session="))).toBe(false);
    }
  });

  it("spends the same scrypt work on an unknown user as on a wrong password", async () => {
    await boot();
    const time = async (user: string) => {
      const t0 = performance.now();
      await login(user, "not-the-password");
      return performance.now() - t0;
    };
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1] as number;
    const known = median([await time("kim"), await time("kim"), await time("kim")]);
    const unknown = median([await time("ghost"), await time("ghost"), await time("ghost")]);
    // A ratio, not a duration: without the dummy verification an unknown user answers ~100× faster.
    expect(unknown / known).toBeGreaterThan(0.4);
  });

  it("locks a user name out after 5 failures for lockoutMs, known or not, and lets it in after (fake clock)", async () => {
    await boot({ login: { maxFailures: 5, maxFailuresPerAddress: 100, lockoutMs: 900_000 } });
    for (let i = 0; i < 5; i++) expect((await login("kim", `wrong-${i}`)).status).toBe(401);
    const locked = await login("kim", PW);
    expect(locked.status).toBe(429);
    expect(locked.body).toEqual({
      error: "locked",
      message: "too many failed sign-ins; try again in 15 minutes",
    });
    expect(locked.retryAfter).toBe("900");
    // An unknown name locks the same way: a lockout says nothing about which names exist.
    for (let i = 0; i < 5; i++) expect((await login("nobody", `wrong-${i}`)).status).toBe(401);
    expect((await login("nobody", "whatever")).status).toBe(429);
    // Another user is not affected by kim's lockout.
    expect((await login("root", ROOT_PW)).status).toBe(200);
    clock.advance(899_000);
    expect((await login("kim", PW)).status).toBe(429);
    clock.advance(1_000);
    expect((await login("kim", PW)).status).toBe(200);
  });

  it("locks an address out after maxFailuresPerAddress failures over any names", async () => {
    await boot({ login: { maxFailures: 5, maxFailuresPerAddress: 6, lockoutMs: 60_000 } });
    for (let i = 0; i < 6; i++) expect((await login(`user${i}`, "wrong")).status).toBe(401);
    expect((await login("kim", PW)).status).toBe(429);
    clock.advance(60_000);
    expect((await login("kim", PW)).status).toBe(200);
  });

  it("ends a session after the idle timeout, and after the absolute timeout however busy", async () => {
    await boot({ sessions: { idleMs: 600_000, absoluteMs: 3_600_000 } });
    const idle = await signIn();
    clock.advance(599_000);
    expect(await get("/api/beds", idle)).toBe(200);
    clock.advance(600_001);
    expect(await get("/api/beds", idle)).toBe(401);
    const busy = await signIn();
    for (let t = 0; t < 3_600_000; t += 500_000) {
      expect(await get("/api/beds", busy)).toBe(200);
      clock.advance(500_000);
    }
    expect(await get("/api/beds", busy)).toBe(401);
  });

  it("needs the session's CSRF token and our own origin for changes made with the cookie", async () => {
    await boot({});
    const n = await connectNode(gw.tcpPort, {
      node: "n1",
      bed: "Bed-1",
      token: watch.use(gw.gateway.access.control.nodeCredentials.add(["Bed-1"], "n1", clock.now()).token),
    });
    n.send(vitals(1, { spo2: 80 })); // high priority at once: no delay on the fake clock
    await n.waitAck(1);
    const s = await signIn();
    const other = await signIn();
    const pause = "/api/beds/Bed-1/pause";
    expect((await post(pause, s, {})).status).toBe(403);
    expect((await post(pause, s, {}, { "x-csrf-token": "forged" })).status).toBe(403);
    expect((await post(pause, s, {}, { "x-csrf-token": other.csrf })).status).toBe(403);
    expect((await post(pause, s, {}, { "x-csrf-token": s.csrf, origin: "http://evil.example" })).status).toBe(
      403,
    );
    expect((await post(pause, s, {}, { "x-csrf-token": s.csrf, origin: gw.url })).status).toBe(200);
    // A bearer token carries no ambient authority: no CSRF token needed.
    const t = watch.use(gw.token("nurse", "script"));
    const r = await fetch(`${gw.url}${pause}`, {
      method: "POST",
      headers: { ...bearer(t), "content-type": "application/json" },
      body: "{}",
    });
    expect(r.status).toBe(200);
    // Who paused and acknowledged is the signed-in user, whatever the body says.
    await expect
      .poll(async () => {
        const a = await fetch(`${gw.url}/api/alarms?bed=Bed-1`, { headers: bearer(t) });
        return ((await a.json()) as AlarmsResponse).alarms.length;
      })
      .toBe(1);
    const a = await fetch(`${gw.url}/api/alarms?bed=Bed-1`, { headers: bearer(t) });
    const id = ((await a.json()) as AlarmsResponse).alarms[0]?.id as string;
    const ack = await post(
      `/api/alarms/${encodeURIComponent(id)}/ack`,
      s,
      { user: "dr.impostor" },
      {
        "x-csrf-token": s.csrf,
      },
    );
    expect(ack.status).toBe(200);
    const events = gw.gateway.store.db
      .prepare("SELECT type, user FROM alarm_events WHERE bed = 'Bed-1' AND user IS NOT NULL ORDER BY id")
      .all();
    expect(events).toEqual([
      { type: "paused", user: "kim" },
      { type: "paused", user: "token:script" },
      { type: "acknowledged", user: "kim" },
    ]);
    n.close();
  });

  it("/api/live needs the session or a token, from our own origin; sign-out closes it", async () => {
    await boot();
    const s = await signIn();
    expect((await live({})).status).toBe(401);
    expect((await live({ cookie: s.cookie, origin: "http://evil.example" })).status).toBe(403);
    const view = await live({ cookie: s.cookie, origin: gw.url });
    expect(view.status).toBe(200);
    const out = await post("/api/logout", s, {}, { "x-csrf-token": s.csrf });
    expect(out).toMatchObject({ status: 200, body: { signed_out: true } });
    expect(await view.closed).toBe(4401);
    expect(await get("/api/beds", s)).toBe(401);
    expect((await live({ cookie: s.cookie })).status).toBe(401);
  });

  it("disabling a user ends their sessions and closes their live view at the next check", async () => {
    await boot();
    const s = await signIn();
    const view = await live({ cookie: s.cookie });
    expect(view.status).toBe(200);
    gw.gateway.access.control.users.setDisabled("kim", true, clock.now());
    expect(await get("/api/beds", s)).toBe(401);
    gw.gateway.access.live.sweep();
    expect(await view.closed).toBe(4401);
  });

  it("keeps an open live view's session alive past the idle timeout, not past the absolute one", async () => {
    await boot({ sessions: { idleMs: 600_000, absoluteMs: 3_600_000 } });
    const s = await signIn();
    const view = await live({ cookie: s.cookie });
    for (let t = 0; t < 3_000_000; t += 300_000) {
      clock.advance(300_000);
      gw.gateway.access.live.sweep();
    }
    expect(await get("/api/beds", s)).toBe(200);
    clock.advance(700_000);
    gw.gateway.access.live.sweep();
    expect(await view.closed).toBe(4401);
  });

  it("records sign-ins, failures and sign-outs in the audit log", async () => {
    await boot();
    await login("kim", "wrong-password");
    const s = await signIn();
    await post("/api/logout", s, {}, { "x-csrf-token": s.csrf });
    const root = await signIn("root", ROOT_PW);
    const r = await fetch(`${gw.url}/api/audit?limit=10`, { headers: { cookie: root.cookie } });
    const { entries } = (await r.json()) as { entries: { actor: string; action: string; target: string }[] };
    expect(entries.map((e) => `${e.actor} ${e.action} ${e.target}`).reverse()).toEqual([
      "- login.failed kim",
      "kim login kim",
      "kim logout kim",
      "root login root",
    ]);
  });
});
