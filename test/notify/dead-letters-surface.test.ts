import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { LiveMessage } from "../../gateway/api/types.js";
import { connectNode, startTestGateway, type TestGateway, vitals } from "../harness/gateway.js";
import { type HttpStandIn, startHttpStandIn } from "./stand-ins.js";

let gw: TestGateway | undefined;
let provider: HttpStandIn | undefined;
let ws: WebSocket | undefined;
afterEach(async () => {
  ws?.close();
  await gw?.stop();
  await provider?.close();
});

describe("undelivered notifications are surfaced", () => {
  it("a provider refusing a message: dead letter in /api/notifications, in /metrics, on the live feed; requeue", async () => {
    // A WhatsApp Cloud API that refuses the token: 4xx is permanent, so the message is dead-lettered at once.
    provider = await startHttpStandIn(() => ({
      status: 401,
      body: { error: { message: "Invalid OAuth access token", code: 190 } },
    }));
    gw = await startTestGateway({
      env: { WA_TOKEN: "expired-token" },
      config: {
        notifications: {
          enabled: true,
          channels: {
            wa: {
              type: "whatsapp_cloud",
              apiBaseUrl: provider.url,
              phoneNumberId: "1",
              accessToken: { env: "WA_TOKEN" },
              recipients: { ICU: ["+491511111111"] },
            },
          },
        },
      },
    });
    ws = new WebSocket(`${gw.url.replace("http", "ws")}/api/live`);
    const live: LiveMessage[] = [];
    ws.on("message", (d) => live.push(JSON.parse(String(d)) as LiveMessage));
    await new Promise((r) => ws?.once("open", r));

    const n = await connectNode(gw.tcpPort, { node: "n", bed: "7", ward: "ICU" });
    n.send(vitals(1, { spo2: 88 })); // CRITICAL under the original rule → a notification
    await n.waitAck(1);
    await expect
      .poll(
        async () => ((await (await fetch(`${gw?.url}/api/notifications`)).json()) as { dead: number }).dead,
        { timeout: 5_000 },
      )
      .toBe(1);
    const status = (await (await fetch(`${gw.url}/api/notifications`)).json()) as {
      dead_letters: { id: number; channel: string; last_error: string; attempts: number }[];
    };
    expect(status.dead_letters).toMatchObject([{ channel: "wa", attempts: 1 }]);
    expect(status.dead_letters[0]?.last_error).toMatch(/401/);
    expect(JSON.stringify(status)).not.toContain("expired-token");
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toContain('vitals_notifications{channel="wa",status="dead"} 1');
    await expect
      .poll(() => live.find((m) => m.type === "notifications"), { timeout: 8_000 })
      .toMatchObject({ type: "notifications", dead: 1 });

    const id = status.dead_letters[0]?.id as number;
    const requeue = await fetch(`${gw.url}/api/notifications/${id}/requeue`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ user: "it.admin" }),
    });
    expect(requeue.status).toBe(200);
    await expect.poll(() => provider?.all.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
    const missing = await fetch(`${gw.url}/api/notifications/99999/requeue`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ user: "it.admin" }),
    });
    expect(missing.status).toBe(404);
    n.close();
  });

  it("reports notifications as off when they are not configured", async () => {
    gw = await startTestGateway();
    expect(await (await fetch(`${gw.url}/api/notifications`)).json()).toMatchObject({
      enabled: false,
      dead: 0,
      dead_letters: [],
    });
  });
});
