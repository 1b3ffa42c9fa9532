import type { Browser } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { connectNode, startTestGateway, type TestGateway, vitals } from "../harness/gateway.js";
import { type HttpStandIn, startHttpStandIn } from "../notify/stand-ins.js";
import { haveTool } from "../support/require-tool.js";
import { buildDashboardIfOutdated, launchChromium } from "./browser-support.js";

let gw: TestGateway | undefined;
let provider: HttpStandIn | undefined;
let browser: Browser | undefined;
afterAll(async () => {
  await browser?.close();
  await gw?.stop();
  await provider?.close();
});

describe.skipIf(!haveTool("chromium", "chromium"))("undelivered notifications on the dashboard", () => {
  it("shows a badge for dead-lettered messages and lists them, with send-again", async () => {
    buildDashboardIfOutdated();
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
    const n = await connectNode(gw.tcpPort, { node: "n", bed: "Bed-7", ward: "ICU" });
    n.send(vitals(1, { spo2: 88 }));
    await n.waitAck(1);
    await expect
      .poll(
        async () => ((await (await fetch(`${gw?.url}/api/notifications`)).json()) as { dead: number }).dead,
        { timeout: 5_000 },
      )
      .toBe(1);

    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(gw.url);
    const badge = page.locator("#notify-failed");
    await badge.waitFor({ state: "visible", timeout: 5_000 });
    expect(await badge.textContent()).toBe("⚠ 1 notification not delivered");
    await page.fill("#user-name", "it.admin");
    await badge.click();
    const row = page.locator("#dead-letters tbody tr").first();
    await row.waitFor({ timeout: 5_000 });
    expect(await row.textContent()).toContain("wa");
    expect(await row.textContent()).toMatch(/401/);
    await row.locator("button").click();
    await expect.poll(() => provider?.all.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
    expect(errors).toEqual([]);
    n.close();
  }, 60_000);
});
