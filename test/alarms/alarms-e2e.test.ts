import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { AlarmsResponse, BedsResponse, LiveMessage } from "../../core/api-types.js";
import type { EscalatedEvent } from "../../gateway/alarms/types.js";
import { connectNode, startTestGateway, type TestGateway, type TestNode } from "../harness/gateway.js";
import { connectClient, MQTT_ENV, mqttTestConfig, NODE1 } from "../mqtt/mqtt-kit.js";
import { vitals } from "../support/frames.js";

let gw: TestGateway;
let ws: WebSocket | undefined;
afterEach(async () => {
  ws?.close();
  await gw?.stop();
});

/** Short delays so the scenario runs in about two seconds of real time; the rules are the same. */
const fast = { delayMs: { spo2: 300 }, escalationMs: { high: 400, medium: 600 } };

/** Acts as `user` when given: through a charge-nurse API token of that name (the alarm log shows `token:<name>`). */
async function post(
  path: string,
  { user, ...body }: Record<string, unknown>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (typeof user === "string") headers.authorization = `Bearer ${gw.token("charge", user)}`;
  const r = await fetch(`${gw.url}${path}`, {
    method: path.endsWith("limits") ? "PUT" : "POST",
    headers,
    body: JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

async function liveEvents(): Promise<LiveMessage[]> {
  ws = new WebSocket(`${gw.url.replace("http", "ws")}/api/live`);
  const messages: LiveMessage[] = [];
  ws.on("message", (d) => messages.push(JSON.parse(String(d)) as LiveMessage));
  await new Promise((r) => ws?.once("open", r));
  return messages;
}

const events = (g: TestGateway, bed: string) =>
  (
    g.gateway.store.db
      .prepare(
        "SELECT type, priority, parameter, kind, user, reason FROM alarm_events WHERE bed = ? ORDER BY id",
      )
      .all(bed) as Record<string, unknown>[]
  ).map(
    (e) =>
      `${e.type}:${e.kind ?? ""}:${e.parameter ?? ""}:${e.priority ?? ""}${e.user ? `:${e.user}` : ""}${e.reason ? `:${e.reason}` : ""}`,
  );

let seq = 0;
function send(n: TestNode, v: Parameters<typeof vitals>[1]) {
  n.send(vitals(++seq, v));
  return n.waitAck(seq);
}

describe("alarm engine over the real gateway", () => {
  it("desaturation: delayed raise, escalation, acknowledgement, clear — live, on the bedside node and in SQLite", async () => {
    const escalations: EscalatedEvent[] = [];
    gw = await startTestGateway({
      config: { alarms: fast, live: { throttleMs: 20 } },
      onEscalation: (e) => escalations.push(e),
    });
    const live = await liveEvents();
    const n = await connectNode(gw.tcpPort, { node: "n1", bed: "Bed-1", patient: "P1" });
    seq = 0;
    await send(n, { spo2: 97 });
    await send(n, { spo2: 88 }); // below the adult low limit (90): medium, after the 300 ms delay
    expect(live.some((m) => m.type === "alarm_event" && m.event.type === "raised")).toBe(false);
    await expect
      .poll(() => live.find((m) => m.type === "alarm_event" && m.event.type === "raised"), { timeout: 3_000 })
      .toBeTruthy();
    await n.next((f) => f.type === "alarm" && f.priority === "medium");
    const { alarms } = (await (await fetch(`${gw.url}/api/alarms`)).json()) as AlarmsResponse;
    expect(alarms).toMatchObject([
      {
        bed: "Bed-1",
        kind: "physiological",
        parameter: "spo2",
        priority: "medium",
        state: "active",
        value: 88,
      },
    ]);
    // Raised once the delay had run on the gateway's time source, measured from the violation's onset.
    expect((alarms[0]?.raised_at ?? 0) - (alarms[0]?.since ?? 0)).toBeGreaterThanOrEqual(300);
    await expect.poll(() => escalations.length, { timeout: 3_000 }).toBe(1);
    expect(escalations[0]).toMatchObject({ bed: "Bed-1", parameter: "spo2", priority: "medium" });

    const ack = await post(`/api/alarms/${encodeURIComponent(alarms[0]?.id as string)}/ack`, {
      user: "nurse.kim",
    });
    expect(ack.status).toBe(200);
    await n.next((f) => f.type === "alarm" && f.priority === "none");
    await send(n, { spo2: 95 }); // back above the limit plus hysteresis: the condition clears
    await expect
      .poll(() => events(gw, "Bed-1"), { timeout: 3_000 })
      .toEqual([
        "raised:physiological:spo2:medium",
        "escalated:physiological:spo2:medium",
        "acknowledged:physiological:spo2:medium:token:nurse.kim",
        "cleared:physiological:spo2:medium:resolved",
      ]);
    const beds = (await (await fetch(`${gw.url}/api/beds`)).json()) as BedsResponse;
    expect(beds.beds[0]?.alarm).toMatchObject({ audible: null, alarms: [] });
    n.close();
  });

  it("a life-threatening value alarms at once as high priority and latches until acknowledged", async () => {
    gw = await startTestGateway({ config: { alarms: fast } });
    const n = await connectNode(gw.tcpPort, { node: "n2", bed: "Bed-2" });
    seq = 0;
    await send(n, { spo2: 80 }); // below 85: high, no delay
    await n.next((f) => f.type === "alarm" && f.priority === "high", 1_000);
    await send(n, { spo2: 97 });
    const { alarms } = (await (await fetch(`${gw.url}/api/alarms?bed=Bed-2`)).json()) as AlarmsResponse;
    expect(alarms).toMatchObject([{ priority: "high", latched: true, state: "active" }]);
    await post(`/api/alarms/${encodeURIComponent(alarms[0]?.id as string)}/ack`, { user: "dr.ade" });
    await expect
      .poll(
        async () => ((await (await fetch(`${gw.url}/api/alarms?bed=Bed-2`)).json()) as AlarmsResponse).alarms,
      )
      .toEqual([]);
    const all = (await (await fetch(`${gw.url}/api/alarms?state=all&bed=Bed-2`)).json()) as AlarmsResponse;
    expect(all.history).toMatchObject([
      {
        priority: "high",
        parameter: "spo2",
        acknowledged_by: "token:dr.ade",
        cleared_reason: "acknowledged",
        value: 80,
      },
    ]);
    n.close();
  });

  it("technical alarms: implausible values, the finger_out flag and a disconnected node", async () => {
    gw = await startTestGateway({ config: { alarms: fast } });
    const n = await connectNode(gw.tcpPort, { node: "n3", bed: "Bed-3" });
    seq = 0;
    await send(n, { spo2: 97 });
    n.send(vitals(++seq, { hr: 900 }));
    await n.waitError("bad_value");
    await send(n, { hr: null, spo2: null, flags: ["finger_out"] });
    n.close();
    await n.closed;
    await expect
      .poll(
        () =>
          events(gw, "Bed-3")
            .filter((e) => e.startsWith("raised"))
            .map((e) => e.split(":")[1]),
        { timeout: 3_000 },
      )
      .toEqual(expect.arrayContaining(["implausible", "finger_out", "disconnected"]));
  });

  it("audio pause silences the bed; limits changes are audited; NEWS2 combines measured and entered values", async () => {
    gw = await startTestGateway({ config: { alarms: fast } });
    const n = await connectNode(gw.tcpPort, { node: "n4", bed: "Bed-4", patient: "P4" });
    seq = 0;
    await send(n, { hr: 130, spo2: 97, temp: 38.4 }); // above 120: medium after the 5 s HR delay
    const pause = await post("/api/beds/Bed-4/pause", { user: "nurse.kim", duration_s: 60 });
    expect(pause.status).toBe(200);
    expect(pause.body.paused_until).toBeGreaterThan(Date.now());
    expect((await post("/api/beds/Bed-4/pause", { duration_s: 0 })).status).toBe(400);
    expect((await post("/api/beds/Nope/pause", { user: "x" })).status).toBe(404);

    const put = await post("/api/beds/Bed-4/limits", {
      user: "dr.ade",
      limits: { hr: { high: 140 } },
      delay_ms: { hr: 0 },
    });
    expect(put.status).toBe(200);
    expect(put.body.changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ user: "token:dr.ade", parameter: "hr", field: "high", from: 120, to: 140 }),
      ]),
    );
    const bad = await post("/api/beds/Bed-4/limits", {
      user: "dr.ade",
      limits: { hr: { low: 150, high: 140 } },
    });
    expect(bad.status).toBe(400);
    expect(
      (await post("/api/beds/Nope/limits", { user: "dr.ade", limits: { hr: { high: 140 } } })).status,
    ).toBe(404);
    expect((await fetch(`${gw.url}/api/beds/Nope/limits`)).status).toBe(404);
    const limits = (await (await fetch(`${gw.url}/api/beds/Bed-4/limits`)).json()) as {
      limits: { hr: { high: number } };
      audit: unknown[];
    };
    expect(limits.limits.hr.high).toBe(140);
    expect(limits.audit.length).toBeGreaterThanOrEqual(2);

    const news = await post("/api/beds/Bed-4/observations", {
      user: "nurse.kim",
      rr: 22,
      sbp: 105,
      consciousness: "A",
      on_oxygen: false,
    });
    expect(news.status).toBe(200);
    // HR 130 → 2, SpO2 97 → 0, temp 38.4 → 1, RR 22 → 2, SBP 105 → 1, A → 0, air → 0: total 6, medium.
    expect(news.body).toMatchObject({ total: 6, band: "medium", complete: true });
    expect((news.body.parts as Record<string, { source: string }>).rr?.source).toBe("entered");
    expect((news.body.parts as Record<string, { source: string }>).hr?.source).toBe("measured");
    const got = (await (await fetch(`${gw.url}/api/beds/Bed-4/news2`)).json()) as { total: number };
    expect(got.total).toBe(6);
    n.close();
  });
});

describe("central-station sound", () => {
  it("plays the loudest audible priority and goes silent when it is acknowledged", async () => {
    gw = await startTestGateway({ config: { alarms: fast } });
    const n = await connectNode(gw.tcpPort, { node: "n5", bed: "Bed-5" });
    seq = 0;
    await send(n, { spo2: 80 });
    await expect
      .poll(() => gw.soundLines.join(""), { timeout: 2_000 })
      .toContain("alarm sound: high priority (10 pulses per burst)");
    await expect
      .poll(() => gw.soundLines.filter((l) => l === "\x07").length, { timeout: 3_000 })
      .toBeGreaterThanOrEqual(3);
    expect(await (await fetch(`${gw.url}/metrics`)).text()).toContain("vitals_sound_priority 3");
    const { alarms } = (await (await fetch(`${gw.url}/api/alarms`)).json()) as AlarmsResponse;
    await post(`/api/alarms/${encodeURIComponent(alarms[0]?.id as string)}/ack`, { user: "nurse.kim" });
    await expect.poll(() => gw.soundLines.at(-1), { timeout: 2_000 }).toBe("alarm sound: off\n");
    expect(await (await fetch(`${gw.url}/metrics`)).text()).toContain("vitals_sound_priority 0");
    n.close();
  });
});

describe("shutdown", () => {
  it("does not log disconnected alarms for connections the gateway closes itself", async () => {
    gw = await startTestGateway();
    const dataDir = gw.dataDir;
    const n = await connectNode(gw.tcpPort, { node: "n6", bed: "Bed-6" });
    seq = 0;
    await send(n, { spo2: 97 });
    await gw.stop({ keepData: true });
    gw = await startTestGateway({ dataDir });
    expect(events(gw, "Bed-6")).toEqual([]);
  });

  it("MQTT nodes share the TCP presence path: no disconnected alarm when the gateway itself stops", async () => {
    gw = await startTestGateway({ config: { mqtt: mqttTestConfig() }, env: MQTT_ENV });
    const dataDir = gw.dataDir;
    const c = await connectClient(`mqtt://127.0.0.1:${gw.mqttPort}`, {
      username: NODE1.username,
      password: NODE1.password,
      clientId: "node-1",
    });
    c.publish(`vitals/icu/${NODE1.bed}/node`, JSON.stringify({ status: "online" }), { qos: 1, retain: true });
    await expect.poll(() => (gw as TestGateway).gateway.beds.view(NODE1.bed)?.connected).toBe(true);
    await gw.stop({ keepData: true });
    c.end(true);
    gw = await startTestGateway({ dataDir, config: { mqtt: mqttTestConfig() }, env: MQTT_ENV });
    expect(events(gw, NODE1.bed)).toEqual([]);
  });

  it("with the alarm engine off, an MQTT node going away raises nothing (as for TCP)", async () => {
    gw = await startTestGateway({ config: { alarmEngine: false, mqtt: mqttTestConfig() }, env: MQTT_ENV });
    const c = await connectClient(`mqtt://127.0.0.1:${gw.mqttPort}`, {
      username: NODE1.username,
      password: NODE1.password,
      clientId: "node-1",
    });
    c.publish(`vitals/icu/${NODE1.bed}/node`, JSON.stringify({ status: "online" }), { qos: 1, retain: true });
    await expect.poll(() => (gw as TestGateway).gateway.beds.view(NODE1.bed)?.connected).toBe(true);
    c.end(true);
    await expect.poll(() => (gw as TestGateway).gateway.beds.view(NODE1.bed)?.connected).toBe(false);
    expect(events(gw, NODE1.bed)).toEqual([]);
  });
});
