import { afterEach, describe, expect, it } from "vitest";
import { topicFor } from "../../gateway/mqtt/topics.js";
import { startTestGateway, type TestGateway } from "../harness/gateway.js";
import { connectClient, MQTT_ENV, mqttTestConfig, NODE1, reading } from "./mqtt-kit.js";

let gw: TestGateway;
afterEach(async () => {
  await gw?.stop();
});

const raisedKinds = () =>
  (
    gw.gateway.store.db
      .prepare("SELECT kind FROM alarm_events WHERE bed = ? AND type = 'raised' ORDER BY id")
      .all("Bed-1") as { kind: string | null }[]
  ).map((e) => e.kind);

describe("MQTT nodes and the alarm engine", () => {
  it("an implausible value and a node lost without goodbye (last will) raise technical alarms", async () => {
    gw = await startTestGateway({
      config: { mqtt: mqttTestConfig(), alarms: { delayMs: { spo2: 300 } } },
      env: MQTT_ENV,
    });
    const n = await connectClient(`mqtt://127.0.0.1:${gw.mqttPort}`, {
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
    await n.publishAsync(topicFor("node", "icu", "Bed-1"), '{"status":"online"}', { qos: 1, retain: true });
    await n.publishAsync(topicFor("reading", "icu", "Bed-1"), reading(1), { qos: 1 });
    await n.publishAsync(topicFor("reading", "icu", "Bed-1"), reading(2, { hr: 900 }), { qos: 1 });
    expect(raisedKinds()).not.toContain("disconnected");
    n.stream.destroy();
    await expect
      .poll(raisedKinds, { timeout: 5_000 })
      .toEqual(expect.arrayContaining(["implausible", "disconnected"]));
  });
});
