import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { LiveMessage } from "../../core/api-types.js";
import { startTestGateway, type TestGateway } from "../harness/gateway.js";
import { gatewayWithDeadLetter } from "./refusing-provider.js";
import type { HttpStandIn } from "./stand-ins.js";

let gw: TestGateway | undefined;
let provider: HttpStandIn | undefined;
let ws: WebSocket | undefined;
let close = () => {};
afterEach(async () => {
  ws?.close();
  await gw?.stop();
  await provider?.close();
});

describe("undelivered notifications are surfaced", () => {
  it("a provider refusing a message: dead letter in /api/notifications, in /metrics, on the live feed; requeue", async () => {
    ({ gw, provider, close } = await gatewayWithDeadLetter());
    ws = new WebSocket(`${gw.url.replace("http", "ws")}/api/live`);
    const live: LiveMessage[] = [];
    ws.on("message", (d) => live.push(JSON.parse(String(d)) as LiveMessage));
    await new Promise((r) => ws?.once("open", r));
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
    close();
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
