import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { BedsResponse, LiveMessage, ReadingsResponse, TrendResponse } from "../../core/api-types.js";
import { systemTime } from "../../core/time.js";
import { connectNode, startTestGateway, type TestGateway } from "../harness/gateway.js";
import { vitals } from "../support/frames.js";

let gw: TestGateway;
afterEach(async () => {
  await gw?.stop();
});

/** These scenarios use the original design's thresholds: the alarm profile "original". */
const original = { alarms: { defaultProfile: "original" } } as const;

async function json<T>(path: string): Promise<{ status: number; body: T }> {
  const r = await fetch(`${gw.url}${path}`);
  return { status: r.status, body: (await r.json()) as T };
}

/** Collects live messages from a real WebSocket client. */
async function live(): Promise<{
  messages: LiveMessage[];
  ws: WebSocket;
  until(p: (m: LiveMessage) => boolean): Promise<LiveMessage>;
}> {
  const ws = new WebSocket(`${gw.url.replace("http", "ws")}/api/live`);
  const messages: LiveMessage[] = [];
  const waiters: [(m: LiveMessage) => boolean, (m: LiveMessage) => void][] = [];
  ws.on("message", (data) => {
    const m = JSON.parse(String(data)) as LiveMessage;
    messages.push(m);
    for (const w of [...waiters])
      if (w[0](m)) {
        waiters.splice(waiters.indexOf(w), 1);
        w[1](m);
      }
  });
  await new Promise((r) => ws.once("open", r));
  return {
    messages,
    ws,
    until: (p) => {
      const seen = messages.find(p);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push([p, resolve]));
    },
  };
}

describe("HTTP and WebSocket API", () => {
  it("lists beds with their node, patient, connection state, last reading and derived status", async () => {
    gw = await startTestGateway({ config: original });
    const n = await connectNode(gw.tcpPort, { node: "n7", bed: "Bed-7", patient: "P7", ward: "ICU" });
    n.send(vitals(1, { hr: 108, temp: 39.2, spo2: 96, flags: ["artifact"] }));
    await n.waitAck(1);
    const { body } = await json<BedsResponse>("/api/beds");
    expect(body.now).toBeTypeOf("number");
    expect(body.beds).toHaveLength(1);
    expect(body.beds[0]).toMatchObject({
      bed: "Bed-7",
      ward: "ICU",
      patient: "P7",
      node: "n7",
      connected: true,
      status: "CRITICAL",
      reasons: ["HR 108 bpm > 100 bpm", "Temp 39.2 °C > 38 °C"],
      last_reading: { seq: 1, hr: 108, temp: 39.2, spo2: 96, flags: ["artifact"], rr: null },
    });
    expect(body.beds[0]?.last_reading_at).toBe(body.beds[0]?.last_reading?.received_at);
    n.close();
    await n.closed;
    await expect
      .poll(async () => (await json<BedsResponse>("/api/beds")).body.beds[0]?.connected)
      .toBe(false);
  });

  it("serves history newest first, filtered by bed, time and limit, and rejects bad queries", async () => {
    gw = await startTestGateway();
    const a = await connectNode(gw.tcpPort, { node: "a", bed: "A" });
    const b = await connectNode(gw.tcpPort, { node: "b", bed: "B" });
    for (let s = 1; s <= 5; s++) {
      a.send(vitals(s, { hr: 60 + s }));
      await a.waitAck(s);
    }
    b.send(vitals(1));
    await b.waitAck(1);
    const all = await json<ReadingsResponse>("/api/readings?bed=A");
    expect(all.body.readings.map((r) => r.seq)).toEqual([5, 4, 3, 2, 1]);
    expect(
      (await json<ReadingsResponse>("/api/readings?bed=A&limit=2")).body.readings.map((r) => r.hr),
    ).toEqual([65, 64]);
    const third = all.body.readings[2]?.received_at as number;
    const since = await json<ReadingsResponse>(`/api/readings?bed=A&from=${third}`);
    expect(since.body.readings.every((r) => r.received_at >= third)).toBe(true);
    expect((await json<ReadingsResponse>("/api/readings")).body.readings).toHaveLength(6);
    for (const q of ["limit=0", "limit=abc", "from=-5", "bogus=1", `bed=${"x".repeat(65)}`]) {
      const r = await json<{ error: string; message: string }>(`/api/readings?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.error).toBe("bad_query");
    }
    a.close();
    b.close();
  });

  it("reports health and Prometheus metrics", async () => {
    gw = await startTestGateway();
    const n = await connectNode(gw.tcpPort, { node: "n", bed: "B" });
    n.send(vitals(1));
    n.send(vitals(2, { hr: 999 }));
    await n.waitAck(1);
    await n.waitError("bad_value");
    expect((await json<{ status: string }>("/healthz")).body.status).toBe("ok");
    const text = await (await fetch(`${gw.url}/metrics`)).text();
    expect(text).toContain("vitals_readings_received_total 2");
    expect(text).toContain("vitals_readings_stored_total 1");
    expect(text).toContain('vitals_readings_rejected_total{code="bad_value"} 1');
    expect(text).toContain('vitals_connections{transport="tcp"} 1');
    expect(text).toMatch(/vitals_ingest_latency_seconds_bucket\{le="0.05"\} 1/);
    n.close();
  });

  it("pushes a snapshot, then bed changes and alerts as they happen", async () => {
    gw = await startTestGateway({ config: { ...original, live: { throttleMs: 20 } } });
    const l = await live();
    const snap = await l.until((m) => m.type === "snapshot");
    expect(snap).toMatchObject({ type: "snapshot", beds: [] });
    const n = await connectNode(gw.tcpPort, { node: "n3", bed: "Bed-3", patient: "P3" });
    n.send(vitals(1, { spo2: 88 }));
    const update = await l.until((m) => m.type === "beds" && m.beds.some((b) => b.status === "CRITICAL"));
    expect(update.type === "beds" && update.beds[0]).toMatchObject({
      bed: "Bed-3",
      status: "CRITICAL",
      last_reading: { spo2: 88 },
    });
    const alert = await l.until((m) => m.type === "alert");
    expect(alert).toMatchObject({
      type: "alert",
      alert: {
        bed: "Bed-3",
        patient: "P3",
        status: "CRITICAL",
        priority: "medium",
        reasons: ["MEDIUM SpO2 88 % < 95 %"],
      },
    });
    l.ws.close();
    n.close();
  });

  it("alerts on alarm events once per patient per minute over the real path, on the console and in the database", async () => {
    gw = await startTestGateway({ config: original });
    const n = await connectNode(gw.tcpPort, { node: "n", bed: "Bed-5", patient: "P5" });
    n.send(vitals(1, { hr: 112, temp: 36.6, spo2: 88 }));
    await n.waitAck(1);
    n.send(vitals(2, { hr: 115 })); // SpO2 back to 98: cleared, held for the next message
    await n.waitAck(2);
    n.send(vitals(3, { hr: 70 }));
    await n.waitAck(3);
    expect(gw.consoleLines).toHaveLength(1);
    expect(gw.consoleLines[0]).toMatch(
      /CRITICAL bed Bed-5: MEDIUM HR 112 bpm > 100 bpm; MEDIUM SpO2 88 % < 95 %\n$/,
    );
    const stored = gw.gateway.store.db.prepare("SELECT bed, patient, status FROM alerts").all();
    expect(stored).toEqual([{ bed: "Bed-5", patient: "P5", status: "CRITICAL" }]);
    n.close();
  });

  it("names the patient on the console only when alerts.showPatient is set", async () => {
    gw = await startTestGateway({ config: { ...original, alerts: { showPatient: true } } });
    const n = await connectNode(gw.tcpPort, { node: "n", bed: "Bed-5", patient: "P5" });
    n.send(vitals(1, { spo2: 88 }));
    await n.waitAck(1);
    expect(gw.consoleLines).toEqual([
      expect.stringMatching(/CRITICAL bed Bed-5 patient P5: MEDIUM SpO2 88 %/),
    ]);
    n.close();
  });

  it("restores the ward from SQLite after a restart, with beds shown as disconnected", async () => {
    gw = await startTestGateway({ config: original });
    const dataDir = gw.dataDir;
    const n = await connectNode(gw.tcpPort, { node: "n1", bed: "Bed-1", patient: "P1" });
    n.send(vitals(1, { hr: 55 }));
    await n.waitAck(1);
    await gw.stop({ keepData: true });
    gw = await startTestGateway({ dataDir, config: original });
    const { body } = await json<BedsResponse>("/api/beds");
    // The alarm engine's state is restored too: the HR alarm is still listed, so the bed is CRITICAL.
    expect(body.beds).toMatchObject([
      {
        bed: "Bed-1",
        patient: "P1",
        connected: false,
        status: "CRITICAL",
        reasons: ["HR 55 bpm < 60 bpm"],
        last_reading: { hr: 55, seq: 1, status: "CRITICAL", reasons: ["HR 55 bpm < 60 bpm"] },
      },
    ]);
    expect((await json<ReadingsResponse>("/api/readings?bed=Bed-1")).body.readings).toHaveLength(1);
  });

  it("serves a bed's trend as per-minute min/median/max, and 404 for an unknown bed", async () => {
    let t = 1_700_000_000_000 - 30_000;
    gw = await startTestGateway({ time: { ...systemTime, now: () => t } });
    const n = await connectNode(gw.tcpPort, { node: "n", bed: "Bed-T" });
    for (const [s, hr] of [
      [1, 70],
      [2, 90],
      [3, 80],
    ] as const) {
      n.send(vitals(s, { hr }));
      await n.waitAck(s);
      t += 1_000;
    }
    t += 60_000;
    n.send(vitals(4, { hr: 60 }));
    await n.waitAck(4);
    const { status, body } = await json<TrendResponse>("/api/beds/Bed-T/trend?hours=8");
    expect(status).toBe(200);
    expect(body.to - body.from).toBe(8 * 3_600_000);
    expect(body.buckets.map((b) => [b.n, b.hr])).toEqual([
      [3, { min: 70, median: 80, max: 90 }],
      [1, { min: 60, median: 60, max: 60 }],
    ]);
    expect((await json("/api/beds/Bed-T/trend?hours=5")).status).toBe(400);
    expect((await json("/api/beds/Nope/trend?hours=1")).status).toBe(404);
    n.close();
  });

  it("serves the built dashboard at /", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vitals-dash-"));
    writeFileSync(join(dir, "index.html"), "<!doctype html><html><title>central station</title></html>");
    gw = await startTestGateway({ dashboardDir: dir });
    const r = await fetch(`${gw.url}/`);
    expect(r.status).toBe(200);
    expect(await r.text()).toContain("<title>central station</title>");
  });

  it("says how to build the dashboard when it is not built", async () => {
    gw = await startTestGateway({ dashboardDir: join(tmpdir(), "vitals-no-such-dashboard") });
    const r = await fetch(`${gw.url}/`);
    expect([r.status, await r.text()]).toEqual([
      503,
      "The dashboard is not built. Run: npm run build:dashboard\n",
    ]);
  });
});
