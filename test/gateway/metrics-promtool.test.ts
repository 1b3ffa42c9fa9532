import { execFileSync } from "node:child_process";
import mqtt from "mqtt";
import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import { connectNode, startTestGateway } from "../harness/gateway.js";
import { vitals } from "../support/frames.js";
import { haveTool } from "../support/require-tool.js";
import { waitFor } from "../support/wait-for.js";

describe("/metrics", () => {
  it("passes promtool check metrics and counts TCP and MQTT connections, WebSocket clients and alarms", async () => {
    const gw = await startTestGateway({ config: { mqtt: { anonymous: true } } });
    const node = await connectNode(gw.tcpPort, { node: "n1", bed: "B1" });
    const ws = new WebSocket(`ws://127.0.0.1:${gw.httpPort}/api/live`);
    await new Promise((r) => ws.once("open", r));
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${gw.mqttPort}`, {
      clientId: "metrics-test",
      reconnectPeriod: 0,
      connectTimeout: 5_000,
    });
    try {
      node.send(vitals(1, { hr: 30, spo2: 80 }));
      await node.waitAck(1);
      const scrape = async () => (await fetch(`${gw.url}/metrics`)).text();
      await waitFor(
        async () => (await scrape()).includes("vitals_websocket_clients 1"),
        "the WebSocket client counted",
      );
      const text = await scrape();
      expect(text).toContain('vitals_connections{transport="tcp"} 1');
      expect(text).toContain('vitals_connections{transport="mqtt"} 1');
      expect(text).toContain("vitals_mqtt_clients 1");
      expect(text).toContain("vitals_mqtt_messages_received_total");
      expect(text).toMatch(
        /vitals_alarms\{priority="high",kind="physiological",class="physiological",state="active"\} [1-9]/,
      );
      expect(text).toMatch(/vitals_beds\{status="CRITICAL"\} [1-9]/);
      expect(text).toContain("vitals_websocket_clients 1");
      if (haveTool("promtool", "prometheus")) {
        // promtool exits non-zero on format errors and prints lint problems (names, help, units).
        const out = execFileSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
        expect(out).toBe("");
      }
    } finally {
      ws.close();
      await client.endAsync();
      node.close();
      await gw.stop();
    }
  }, 30_000);
});
