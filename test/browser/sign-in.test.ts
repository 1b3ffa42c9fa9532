import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeFrame } from "../../core/protocol/index.js";
import { SECURE, SecretWatch } from "../auth/auth-kit.js";
import { connectNode, startTestGateway, type TestGateway, type TestNode } from "../harness/gateway.js";
import { haveTool } from "../support/require-tool.js";
import { buildDashboardIfOutdated, launchChromium } from "./browser-support.js";

/**
 * Staff sign-in in real Chromium against a production-like gateway (no demo user, node credentials):
 * sign in → acknowledge an alarm → the alarm log names the signed-in user → sign out closes the
 * live view and leaves only the sign-in form.
 */
const watch = new SecretWatch();
const PASSWORD = watch.use("kim-browser-password");
let gw: TestGateway | undefined;
let browser: Browser | undefined;
let page: Page;
let node: TestNode;
const pageErrors: string[] = [];

describe.skipIf(!haveTool("chromium", "chromium"))("signing in to the dashboard", () => {
  beforeAll(async () => {
    buildDashboardIfOutdated();
    gw = await startTestGateway({
      logger: watch.logger,
      config: { auth: SECURE, alerts: { console: false }, live: { throttleMs: 20 } },
    });
    await gw.addUser("root", "admin", watch.use("root-browser-password"));
    await gw.addUser("kim", "nurse", PASSWORD);
    const cred = gw.gateway.access.control.nodeCredentials.add(["Bed-1"], "node-1", Date.now());
    node = await connectNode(gw.tcpPort, { node: "node-1", bed: "Bed-1", token: watch.use(cred.token) });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    // Console errors include Content-Security-Policy violations: the dashboard must not cause any.
    page.on(
      "console",
      (m) => /Content.Security.Policy|Refused to/i.test(m.text()) && pageErrors.push(m.text()),
    );
    page.on("console", (m) => watch.capture(m.text()));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    node?.close();
    await gw?.stop();
  });

  it("shows only the sign-in form until someone signs in, and says the same for any wrong sign-in", async () => {
    const g = gw as TestGateway;
    await page.goto(g.url);
    await page.locator("#sign-in form").waitFor({ state: "visible" });
    expect(await page.locator("#bed-grid").isVisible()).toBe(false);
    expect(g.gateway.access.live.size).toBe(0);
    await page.getByLabel("User name").fill("kim");
    await page.getByLabel("Password").fill("not-kims-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect
      .poll(() => page.locator("#sign-in [data-part=status]").textContent())
      .toBe("wrong user name or password");
    expect(await page.locator("#user-name").count()).toBe(0); // no typed name field any more
  });

  it("signs in, acknowledges an alarm, and the alarm log shows the signed-in user", async () => {
    const g = gw as TestGateway;
    await page.getByLabel("User name").fill("kim");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.locator("#signed-in-user").textContent()).toBe("kim · nurse");
    await expect.poll(() => g.gateway.access.live.size).toBe(1);
    node.send(encodeFrame({ type: "vitals", seq: 1, t: Date.now(), hr: 80, spo2: 80, temp: 36.8 }));
    await node.waitAck(1);
    const row = page.locator('#alarm-list .alarm-row[data-bed="Bed-1"]');
    await row.waitFor({ timeout: 5_000 });
    await row.getByRole("button", { name: /Acknowledge/ }).click();
    await page
      .locator('.tile[data-bed="Bed-1"][data-alarm-state="acknowledged"]')
      .waitFor({ timeout: 3_000 });
    await page.getByRole("button", { name: "Alarm history" }).click();
    const dialog = page.locator("dialog#alarm-history");
    const first = dialog.locator("tbody tr").first();
    await first.waitFor({ timeout: 3_000 });
    expect(await first.locator("td").nth(4).textContent()).toMatch(/^\d\d:\d\d:\d\d by kim$/);
    await page.keyboard.press("Escape");
  });

  it("signs out: the live view is closed and only the sign-in form is left", async () => {
    const g = gw as TestGateway;
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.locator("#sign-in form").waitFor({ state: "visible", timeout: 5_000 });
    await expect.poll(() => g.gateway.access.live.size).toBe(0);
    expect(await page.locator("#bed-grid").isVisible()).toBe(false);
    const audit = g.gateway.access.control.audit.page({ limit: 20 }).map((e) => `${e.actor} ${e.action}`);
    expect(audit).toEqual(expect.arrayContaining(["kim login", "kim alarm.acknowledge", "kim logout"]));
  });

  it("tells a role without ward.read that the ward is not theirs, and asks for another sign-in", async () => {
    const g = gw as TestGateway;
    await g.addUser("tech", "technician", watch.use("tech-browser-password"));
    await page.getByLabel("User name").fill("tech");
    await page.getByLabel("Password").fill("tech-browser-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect
      .poll(() => page.locator("#sign-in [data-part=status]").textContent())
      .toBe("tech (technician) may not see the ward. Sign in with a ward role.");
    expect(await page.locator("#sign-in form").isVisible()).toBe(true);
    expect(g.gateway.access.live.size).toBe(0);
  });

  it("ran without a script error or CSP violation, and logged no secret", () => {
    expect(pageErrors).toEqual([]);
    expect(watch.leaks()).toEqual([]);
  });
});
