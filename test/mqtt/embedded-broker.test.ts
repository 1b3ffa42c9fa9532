import { connect } from "node:net";
import type { MqttClient } from "mqtt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BedView, ReadingsResponse } from "../../core/api-types.js";
import { topicFor } from "../../gateway/mqtt/topics.js";
import { startTestGateway, type TestGateway } from "../harness/gateway.js";
import { waitFor } from "../support/wait-for.js";
import {
  collect,
  connectClient,
  MQTT_ENV,
  mqttTestConfig,
  NODE1,
  NODE2,
  reading,
  STATION,
} from "./mqtt-kit.js";

let gw: TestGateway;
const clients: MqttClient[] = [];
const url = () => `mqtt://127.0.0.1:${gw.mqttPort}`;

async function client(opts: Parameters<typeof connectClient>[1], at = url()): Promise<MqttClient> {
  const c = await connectClient(at, opts);
  clients.push(c);
  return c;
}
const node1 = () => client({ clientId: "n1", username: NODE1.username, password: NODE1.password });
const station = () => client({ clientId: "station", username: STATION.username, password: STATION.password });

async function readings(bed?: string): Promise<ReadingsResponse["readings"]> {
  const r = await fetch(`${gw.url}/api/readings${bed ? `?bed=${bed}` : ""}`);
  return ((await r.json()) as ReadingsResponse).readings;
}

beforeEach(async () => {
  // The original design's thresholds (alarm profile "original"): SpO2 88 is an alarm at once.
  gw = await startTestGateway({
    config: { mqtt: mqttTestConfig(), alarms: { defaultProfile: "original" } },
    env: MQTT_ENV,
  });
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.end(true);
  await gw.stop();
});

describe("embedded MQTT broker", () => {
  it("stores a QoS 1 reading before the PUBACK, with the account's node id, ward, bed and patient", async () => {
    const n = await node1();
    await n.publishAsync(topicFor("reading", "icu", "Bed-1"), reading(1), { qos: 1 });
    // PUBACK received: the reading must already be in SQLite (no waiting).
    expect(gw.gateway.store.count()).toBe(1);
    const [r] = await readings();
    expect(r).toMatchObject({ node: "node-1", seq: 1, bed: "Bed-1", ward: "icu", patient: "P1", hr: 72 });
  });

  it("withholds the PUBACK while storage fails; the client's resend after reconnecting is stored once", async () => {
    gw.gateway.store.db.exec(
      "CREATE TRIGGER refuse BEFORE INSERT ON readings BEGIN SELECT RAISE(ABORT, 'disk says no'); END",
    );
    const n = await connectClient(url(), {
      clientId: "n1",
      username: NODE1.username,
      password: NODE1.password,
      clean: false,
      reconnectPeriod: 100,
    });
    clients.push(n);
    let acked = false;
    const closed = new Promise<void>((r) => n.once("close", () => r()));
    const pub = n.publishAsync(topicFor("reading", "icu", "Bed-1"), reading(7), { qos: 1 }).then(() => {
      acked = true;
    });
    await closed; // the broker dropped the connection instead of acknowledging
    expect(acked).toBe(false);
    expect(gw.gateway.store.count()).toBe(0);
    gw.gateway.store.db.exec("DROP TRIGGER refuse");
    await pub; // resent with DUP after the reconnect, stored, acknowledged
    expect(acked).toBe(true);
    await waitFor(() => gw.gateway.store.count() === 1, "the resend to be stored", 5_000);
    expect((await readings()).map((r) => r.seq)).toEqual([7]);
  });

  it("acknowledges a rejected payload and reports it on …/error; nothing is stored or forwarded", async () => {
    const n = await node1();
    const got = collect(n);
    await n.subscribeAsync(topicFor("error", "icu", "Bed-1"), { qos: 0 });
    const s = await station();
    const watched = collect(s);
    await s.subscribeAsync(topicFor("reading", "icu", "Bed-1"), { qos: 1 });
    await n.publishAsync(topicFor("reading", "icu", "Bed-1"), reading(1, { spo2: 140 }), { qos: 1 });
    await n.publishAsync(topicFor("reading", "icu", "Bed-1"), "{not json", { qos: 1 });
    await n.publishAsync(topicFor("reading", "icu", "Bed-1"), JSON.stringify({ type: "hello" }), { qos: 1 });
    await waitFor(() => got.length === 3, "three error events", 5_000);
    const errors = got.map((m) => JSON.parse(m.payload) as { code: string; seq?: number });
    expect(errors[0]).toMatchObject({ type: "error", code: "bad_value", seq: 1 });
    expect(errors[1]).toMatchObject({ code: "bad_frame" });
    expect(errors[2]).toMatchObject({ code: "bad_frame" });
    expect(n.connected).toBe(true);
    expect(gw.gateway.store.count()).toBe(0);
    // Observers of the reading topic see accepted readings only.
    await n.publishAsync(topicFor("reading", "icu", "Bed-1"), reading(2), { qos: 1 });
    await waitFor(() => watched.length > 0, "the valid reading at the observer", 5_000);
    expect(watched.map((m) => JSON.parse(m.payload).seq)).toEqual([2]);
  });

  it("rejects wrong passwords, unknown users and (by default) anonymous clients", async () => {
    await expect(connectClient(url(), { username: NODE1.username, password: "wrong" })).rejects.toThrow();
    await expect(
      connectClient(url(), { username: NODE2.username, password: NODE1.password }),
    ).rejects.toThrow();
    await expect(connectClient(url(), { username: "nobody", password: "x" })).rejects.toThrow();
    await expect(connectClient(url(), { clientId: "anon" })).rejects.toThrow();
    // node-2 authenticates against its scrypt hash
    const n2 = await client({ clientId: "n2", username: NODE2.username, password: NODE2.password });
    await n2.publishAsync(topicFor("reading", "icu", "Bed-2"), reading(1), { qos: 1 });
    expect((await readings())[0]).toMatchObject({ node: "node-2", bed: "Bed-2", patient: null });
  });

  it("disconnects a node publishing for another bed, and negates its subscriptions outside its bed", async () => {
    const n = await node1();
    // mqtt.js rejects when any filter is refused; the SUBACK it carries has the per-filter codes.
    const err = (await n
      .subscribeAsync([topicFor("state", "icu", "Bed-2"), "vitals/icu/Bed-1/#", "vitals/#"])
      .catch((e: unknown) => e)) as { packet?: { granted: (number | object)[] } };
    expect(err.packet?.granted).toEqual([128, 0, 128]);
    expect(n.connected).toBe(true);
    const closed = new Promise<void>((r) => n.once("close", () => r()));
    n.publish(topicFor("reading", "icu", "Bed-2"), reading(1), { qos: 1 });
    await closed;
    const s = await station();
    // Nodes (and observers) may not publish gateway topics either.
    const closed2 = new Promise<void>((r) => s.once("close", () => r()));
    s.publish(topicFor("state", "icu", "Bed-1"), "{}", { qos: 1 });
    await closed2;
    expect(gw.gateway.store.count()).toBe(0);
  });

  it("marks the bed connected on `online` and disconnected by the last will; publishes retained state and alarms", async () => {
    const s = await station();
    const seen = collect(s);
    await s.subscribeAsync("vitals/#", { qos: 1 });
    const n = await client({
      clientId: "n1",
      username: NODE1.username,
      password: NODE1.password,
      will: {
        topic: topicFor("node", "icu", "Bed-1"),
        payload: Buffer.from("offline"),
        qos: 1,
        retain: true,
      },
    });
    await n.publishAsync(topicFor("node", "icu", "Bed-1"), JSON.stringify({ status: "online", fw: "1.0" }), {
      qos: 1,
      retain: true,
    });
    const bed = async () =>
      ((await (await fetch(`${gw.url}/api/beds`)).json()) as { beds: BedView[] }).beds.find(
        (b) => b.bed === "Bed-1",
      );
    await waitFor(async () => (await bed())?.connected === true, "bed connected", 5_000);
    await n.publishAsync(topicFor("reading", "icu", "Bed-1"), reading(1, { spo2: 88 }), { qos: 1 });
    await waitFor(() => seen.some((m) => m.topic.endsWith("/alarm")), "alarm", 5_000);
    const alarm = JSON.parse(
      seen.find((m) => m.topic === topicFor("alarm", "icu", "Bed-1"))?.payload ?? "{}",
    );
    expect(alarm).toMatchObject({
      bed: "Bed-1",
      patient: "P1",
      ward: "icu",
      status: "CRITICAL",
      event: { type: "raised", kind: "physiological", parameter: "spo2", priority: "medium", value: 88 },
    });
    await waitFor(
      () => seen.some((m) => m.topic.endsWith("/state") && JSON.parse(m.payload).last_reading?.seq === 1),
      "state with the reading",
      5_000,
    );
    n.stream.destroy(); // ungraceful: the broker publishes the will
    await waitFor(async () => (await bed())?.connected === false, "bed disconnected", 5_000);
    await waitFor(
      () => seen.some((m) => m.topic.endsWith("/node") && m.payload === "offline"),
      "will",
      5_000,
    );

    // A late subscriber gets the retained state at once.
    const late = await station();
    const lateSeen = collect(late);
    await late.subscribeAsync(topicFor("state", "icu", "Bed-1"));
    await waitFor(() => lateSeen.length > 0, "retained state", 5_000);
    const state = JSON.parse(lateSeen[0]?.payload ?? "{}") as BedView;
    expect(lateSeen[0]?.retain).toBe(true);
    expect(state).toMatchObject({ bed: "Bed-1", ward: "icu", connected: false, status: "CRITICAL" });
  });

  it("after a restart, publishes the retained state of every bed it restored", async () => {
    const n = await node1();
    await n.publishAsync(topicFor("reading", "icu", "Bed-1"), reading(4), { qos: 1 });
    n.end(true);
    const dataDir = gw.dataDir;
    await gw.stop({ keepData: true });
    gw = await startTestGateway({ config: { mqtt: mqttTestConfig() }, env: MQTT_ENV, dataDir });
    const s = await station();
    const seen = collect(s);
    await s.subscribeAsync("vitals/+/+/state");
    await waitFor(() => seen.length > 0, "state without any new reading", 5_000);
    expect(JSON.parse(seen[0]?.payload ?? "{}")).toMatchObject({ bed: "Bed-1", last_reading: { seq: 4 } });
    const late = await station();
    const lateSeen = collect(late);
    await late.subscribeAsync("vitals/+/+/state");
    await waitFor(() => lateSeen.length > 0, "retained state", 5_000);
    expect(lateSeen[0]?.retain).toBe(true);
  });

  it("dedupes a resent seq (DUP) and stores it once", async () => {
    const n = await node1();
    await n.publishAsync(topicFor("reading", "icu", "Bed-1"), reading(1), { qos: 1 });
    await n.publishAsync(topicFor("reading", "icu", "Bed-1"), reading(1), { qos: 1, dup: true });
    await n.publishAsync(topicFor("reading", "icu", "Bed-1"), reading(2), { qos: 1 });
    expect((await readings()).map((r) => r.seq)).toEqual([2, 1]);
  });

  it("closes a connection announcing an oversized packet before buffering it", async () => {
    const sock = connect(gw.mqttPort as number, "127.0.0.1");
    await new Promise((r) => sock.once("connect", r));
    const closed = new Promise<void>((r) => sock.once("close", () => r()));
    sock.on("error", () => {});
    // CONNECT announcing ~100 MB (remaining length 0x80 0xDA 0xC4 0x30), then a first slice of it.
    sock.write(Buffer.from([0x10, 0x80, 0xda, 0xc4, 0x30, ...Buffer.alloc(1000)]));
    await closed;
    const metrics = await gw.gateway.metrics.registry.getSingleMetricAsString(
      "vitals_readings_rejected_total",
    );
    expect(metrics).toMatch(/code="too_long"} 1/);
    const n = await node1(); // the broker is unaffected
    await n.publishAsync(topicFor("reading", "icu", "Bed-1"), reading(1), { qos: 1 });
  });

  it("accepts MQTT over WebSocket at /mqtt on the HTTP port", async () => {
    const ws = await client(
      { clientId: "n1-ws", username: NODE1.username, password: NODE1.password },
      `ws://127.0.0.1:${gw.httpPort}/mqtt`,
    );
    await ws.publishAsync(topicFor("reading", "icu", "Bed-1"), reading(3), { qos: 1 });
    expect((await readings())[0]).toMatchObject({ node: "node-1", seq: 3 });
  });
});

describe("embedded MQTT broker, lab mode", () => {
  it("accepts anonymous clients when configured; their client id is the node id", async () => {
    await gw.stop();
    gw = await startTestGateway({ config: { mqtt: mqttTestConfig({ anonymous: true }) }, env: MQTT_ENV });
    const a = await client({ clientId: "lab-node-9" });
    await a.publishAsync(topicFor("reading", "lab", "Bed-9"), reading(1), { qos: 1 });
    expect((await readings())[0]).toMatchObject({ node: "lab-node-9", ward: "lab", bed: "Bed-9" });
  });
});
