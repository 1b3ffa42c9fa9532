import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectNode, startTestGateway, type TestGateway, type TestNode } from "../harness/gateway.js";
import { vitals } from "../support/frames.js";
import { haveTool } from "../support/require-tool.js";
import { buildDashboardIfOutdated, launchChromium, repo } from "./browser-support.js";

/**
 * The ward's workflow in Chromium: a 64-bed ward fits a 1600×1000 central station and a 400×800 phone
 * without sideways scrolling; `#bed=` opens a bed; the trend switches between 1, 8, 24 and 72 hours on
 * a 24-hour axis; limits are changed in the bed dialog and audited.
 */
const BEDS = 64;
let gw: TestGateway | undefined;
let browser: Browser | undefined;
let page: Page;
const nodes: TestNode[] = [];
const pageErrors: string[] = [];

const noSidewaysScroll = () =>
  page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));

describe.skipIf(!haveTool("chromium", "chromium"))("ward workflow in the dashboard", () => {
  beforeAll(async () => {
    buildDashboardIfOutdated();
    gw = await startTestGateway({
      config: {
        limits: { idleTimeoutMs: 600_000 },
        alerts: { console: false },
        alarms: { delayMs: { hr: 0, spo2: 0 }, silentHeartbeats: 1_000 },
      },
    });
    for (let i = 1; i <= BEDS; i++) {
      const n = await connectNode(gw.tcpPort, { node: `n-${i}`, bed: `Bed-${i}`, patient: `P-${i}` });
      nodes.push(n);
      n.send(vitals(1, i % 9 === 0 ? { spo2: 80 } : i % 7 === 0 ? { hr: 130 } : {}));
      await n.waitAck(1);
    }
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page.on("pageerror", (e) => pageErrors.push(String(e)));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    for (const n of nodes) n.close();
    await gw?.stop();
  });

  it("fits 64 beds on a 1600×1000 station and a 400×800 phone without sideways scrolling", async () => {
    await page.goto(gw?.url as string);
    await page
      .locator(".tile")
      .nth(BEDS - 1)
      .waitFor({ timeout: 10_000 });
    const wide = await noSidewaysScroll();
    expect(wide.scroll, JSON.stringify(wide)).toBeLessThanOrEqual(wide.client);
    mkdirSync(join(repo, "test-results"), { recursive: true });
    await page.screenshot({ path: join(repo, "test-results/ward-64-1600x1000.png") });
    await page.setViewportSize({ width: 400, height: 800 });
    await expect
      .poll(async () => (await noSidewaysScroll()).scroll, { timeout: 3_000 })
      .toBeLessThanOrEqual(400);
    await page.screenshot({ path: join(repo, "test-results/ward-64-400x800.png") });
    await page.setViewportSize({ width: 1600, height: 1000 });
  });

  it("opens the bed named by #bed=, and the link follows the dialog", async () => {
    await page.goto(`${gw?.url}/#bed=Bed-18`);
    const dialog = page.locator("#history");
    await dialog.waitFor({ state: "visible", timeout: 5_000 });
    expect(await dialog.locator("#history-title").textContent()).toBe("Bed-18 — history");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    // The page clears the hash after the dialog closes: wait for it rather than read it once.
    await expect.poll(() => new URL(page.url()).hash).toBe("");
    await page.locator('.tile[data-bed="Bed-5"]').click();
    await dialog.waitFor({ state: "visible" });
    await expect.poll(() => new URL(page.url()).hash).toBe("#bed=Bed-5");
  });

  it("shows the trend over 1, 8, 24 and 72 h from per-minute buckets, on a 24-hour axis", async () => {
    const dialog = page.locator("#history");
    await expect.poll(() => dialog.getAttribute("data-trend"), { timeout: 5_000 }).toBe("1");
    expect(await dialog.locator('[data-part="chart"]').getAttribute("data-buckets")).toBe("1");
    for (const h of ["8", "24", "72"]) {
      await dialog.getByRole("button", { name: `${h} h`, exact: true }).click();
      await expect.poll(() => dialog.getAttribute("data-trend"), { timeout: 5_000 }).toBe(h);
      expect(
        await dialog.getByRole("button", { name: `${h} h`, exact: true }).getAttribute("aria-pressed"),
      ).toBe("true");
    }
    const times = ((await dialog.locator('[data-part="chart"]').getAttribute("data-axis")) ?? "").split("|");
    expect(times.length).toBeGreaterThan(1);
    // 72 h: weekday and a 24-hour clock, never AM/PM.
    for (const t of times) expect(t).toMatch(/^\D*\d{2}:\d{2}$/);
  });

  it("changes a limit in the bed dialog; the gateway audits it and re-judges the bed", async () => {
    const dialog = page.locator("#history");
    await expect
      .poll(() => dialog.locator('input[name="hr.high"]').inputValue(), { timeout: 5_000 })
      .toBe("120");
    await dialog.locator('input[name="hr.high"]').fill("60");
    await dialog.getByRole("button", { name: "Save limits" }).click();
    await expect
      .poll(() => dialog.locator('[data-part="limits-status"]').textContent(), { timeout: 5_000 })
      .toBe("Saved.");
    expect(await dialog.locator('[data-part="limits-audit"] li').first().textContent()).toMatch(
      /demo: hr high 120 → 60$/,
    );
    // HR 72 is now above the personal limit: the bed alarms at once.
    await page.locator('.tile[data-bed="Bed-5"][data-status="CRITICAL"]').waitFor({ timeout: 3_000 });
    await dialog.locator('[data-part="profile"]').selectOption("original");
    await dialog.getByRole("button", { name: "Save limits" }).click();
    await expect
      .poll(() => dialog.locator('input[name="hr.high"]').inputValue(), { timeout: 5_000 })
      .toBe("100");
    expect(pageErrors).toEqual([]);
  });
});
