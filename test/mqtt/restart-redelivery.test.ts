import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { topicFor } from "../../gateway/mqtt/topics.js";
import { type GatewayProcess, spawnGateway } from "../harness/gateway-process.js";
import { waitFor } from "../support/wait-for.js";
import { freePort } from "./mosquitto.js";
import { connectClient, NODE1, reading } from "./mqtt-kit.js";
import { PubackDroppingProxy } from "./puback-dropping-proxy.js";

let gw: GatewayProcess | undefined;
let proxy: PubackDroppingProxy | undefined;
afterEach(async () => {
  gw?.child.kill("SIGKILL");
  await gw?.exited;
  await proxy?.close();
});

function count(dataDir: string): { n: number; d: number } {
  const db = new Database(`${dataDir}/vitals.db`, { readonly: true });
  try {
    return db.prepare("SELECT count(*) AS n, count(DISTINCT seq) AS d FROM readings").get() as {
      n: number;
      d: number;
    };
  } finally {
    db.close();
  }
}

describe("QoS 1 across a gateway restart (embedded broker)", () => {
  it("stored but not acknowledged → killed → the client resends → stored once, then acknowledged", async () => {
    process.env.VITALS_TEST_MQTT_NODE1 = NODE1.password;
    const mqttPort = await freePort();
    const config = {
      mqtt: {
        port: mqttPort,
        nodes: [
          { username: NODE1.username, passwordEnv: "VITALS_TEST_MQTT_NODE1", ward: "icu", bed: "Bed-1" },
        ],
      },
    };
    gw = await spawnGateway(config);
    const dataDir = gw.dataDir;
    proxy = new PubackDroppingProxy(mqttPort);
    const port = await proxy.listen();
    const n = await connectClient(`mqtt://127.0.0.1:${port}`, {
      clientId: "n1",
      username: NODE1.username,
      password: NODE1.password,
      clean: false,
      reconnectPeriod: 100,
    });
    proxy.dropAcks = true;
    let acked = 0;
    const sent = Array.from({ length: 20 }, (_, i) =>
      n.publishAsync(topicFor("reading", "icu", "Bed-1"), reading(i + 1), { qos: 1 }).then(() => acked++),
    );
    await waitFor(() => count(dataDir).n === 20, "20 stored", 10_000);
    expect(acked).toBe(0); // every PUBACK was swallowed

    gw.child.kill("SIGKILL");
    await gw.exited;
    proxy.dropAcks = false;
    gw = await spawnGateway(config, dataDir);
    await Promise.all(sent);
    n.end(true);

    expect(acked).toBe(20);
    // All 20 went out again after the reconnect. (mqtt.js 5.16 resends from its store without
    // setting DUP, so the gateway's dedupe must not rely on the flag: it uses the per-node seq.)
    expect(proxy.publishes).toBeGreaterThanOrEqual(40);
    expect(count(dataDir)).toEqual({ n: 20, d: 20 });
    const metrics = await (await fetch(`http://127.0.0.1:${gw.httpPort}/metrics`)).text();
    expect(metrics).toMatch(/^vitals_readings_duplicate_total 20$/m);
  });
});
