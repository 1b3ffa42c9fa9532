import type { Browser } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import type { TestGateway } from "../harness/gateway.js";
import { gatewayWithDeadLetter } from "../notify/refusing-provider.js";
import type { HttpStandIn } from "../notify/stand-ins.js";
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
    const setup = await gatewayWithDeadLetter();
    ({ gw, provider } = setup);
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    // Console errors include Content-Security-Policy violations.
    page.on("console", (m) => /Content.Security.Policy|Refused to/i.test(m.text()) && errors.push(m.text()));
    await page.goto(gw.url);
    const badge = page.locator("#notify-failed");
    await badge.waitFor({ state: "visible", timeout: 5_000 });
    expect(await badge.textContent()).toBe("⚠ 1 notification not delivered");
    await badge.click();
    const row = page.locator("#dead-letters tbody tr").first();
    await row.waitFor({ timeout: 5_000 });
    expect(await row.textContent()).toContain("wa");
    expect(await row.textContent()).toMatch(/401/);
    await row.locator("button").click();
    await expect.poll(() => provider?.all.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(2);
    expect(errors).toEqual([]);
    setup.close();
  }, 60_000);
});
