import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AlarmsResponse } from "../../core/api-types.js";
import { connectNode, type TestNode } from "../harness/gateway.js";
import { type GatewayProcess, spawnGateway } from "../harness/gateway-process.js";
import { vitals } from "../support/frames.js";
import { haveTool } from "../support/require-tool.js";
import { buildDashboardIfOutdated, launchChromium } from "./browser-support.js";

/**
 * The central station after a real crash: the gateway process is killed with SIGKILL and started
 * again; the page shows the same alarm list, the restart as one notice, and the beds whose nodes do
 * not come back grouped under it — with the header counting what the bar lists.
 */
const config = {
  heartbeatMs: 1_000,
  limits: { idleTimeoutMs: 600_000 },
  alarms: {
    delayMs: { hr: 0, spo2: 0 },
    escalationMs: { high: 600_000, medium: 600_000 },
    silentHeartbeats: 5,
  },
};

let gw: GatewayProcess | undefined;
let browser: Browser | undefined;
let page: Page;
const nodes: TestNode[] = [];
const pageErrors: string[] = [];
const url = (path: string) => `http://127.0.0.1:${gw?.httpPort}${path}`;
const alarms = async () => (await (await fetch(url("/api/alarms"))).json()) as AlarmsResponse;

describe.skipIf(!haveTool("chromium", "chromium"))("the dashboard after a kill -9 of the gateway", () => {
  beforeAll(async () => {
    buildDashboardIfOutdated();
    gw = await spawnGateway(config);
    for (const [i, v] of [
      [1, { spo2: 80 }],
      [2, { hr: 130 }],
    ] as const) {
      const n = await connectNode(gw.tcpPort, { node: `node-${i}`, bed: `Bed-${i}`, patient: `P-${i}` });
      nodes.push(n);
      n.send(vitals(1, v));
      await n.waitAck(1);
    }
    const medium = (await alarms()).alarms.find((a) => a.bed === "Bed-2");
    await fetch(url(`/api/alarms/${encodeURIComponent(medium?.id as string)}/ack`), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ user: "nurse.kim" }),
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page.on("pageerror", (e) => pageErrors.push(String(e)));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    for (const n of nodes) n.close();
    gw?.child.kill("SIGKILL");
  });

  it("lists the same alarms after the restart, the restart as one notice, and the lost beds under it", async () => {
    const before = await alarms();
    (gw as GatewayProcess).child.kill("SIGKILL");
    await gw?.exited;
    for (const n of nodes.splice(0)) n.close();
    gw = await spawnGateway(config, gw?.dataDir);
    await page.goto(url("/"));

    const rows = page.locator("#alarm-list .alarm-row[data-alarm-id]");
    await expect.poll(() => rows.count(), { timeout: 5_000 }).toBe(before.alarms.length);
    expect(
      await rows.evaluateAll((rs) =>
        rs.map((r) => `${(r as HTMLElement).dataset.alarmId}:${(r as HTMLElement).dataset.state}`),
      ),
    ).toEqual(before.alarms.map((a) => `${a.id}:${a.state}`));
    const notice = page.locator("#alarm-list .alarm-group[data-kind='gateway_restart']");
    expect(await notice.locator(".notice-row .alarm-text").textContent()).toMatch(
      /^gateway restarted at \d\d:\d\d:\d\d — monitoring gap of \d+ s$/,
    );
    expect(await page.locator("#ward-counts").textContent()).toContain(
      "1 high · 1 medium · 0 low · 0 technical",
    );

    // Neither node comes back within 5 × 1 s: both beds raise "disconnected", grouped under the notice.
    await expect
      .poll(() => notice.locator(".alarm-group-list .alarm-row").count(), { timeout: 20_000 })
      .toBe(2);
    expect(await page.locator("#ward-counts").textContent()).toContain("2 technical");
    expect(await page.locator("#alarm-summary").textContent()).toMatch(
      /^4 alarms · 3 not acknowledged · 1 notice$/,
    );
    // One acknowledgement for the notice acknowledges both beds' technical alarms.
    await notice
      .locator(".notice-row")
      .getByRole("button", { name: /Acknowledge/ })
      .click();
    await expect
      .poll(() => notice.locator(".alarm-group-list .alarm-row[data-state='acknowledged']").count(), {
        timeout: 5_000,
      })
      .toBe(2);
    expect(await page.locator("#action-status").isVisible()).toBe(false);
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
