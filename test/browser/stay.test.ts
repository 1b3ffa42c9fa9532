import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AlarmsResponse, BedsResponse, StayTimelineResponse, StayView } from "../../core/api-types.js";
import { connectNode, startTestGateway, type TestGateway, type TestNode } from "../harness/gateway.js";
import { vitals } from "../support/frames.js";
import { haveTool } from "../support/require-tool.js";
import { buildDashboardIfOutdated, launchChromium } from "./browser-support.js";

/**
 * One alarm truth on the screen, and the patient's stay driven through the dashboard, in Chromium
 * against the real gateway: after every step of a scripted scenario the tile badges and frames, the
 * header counts and the "Alarming beds" filter agree with the alarm bar (and the bar with the API);
 * then admit → alarm → acknowledge → transfer → discharge through the dialogs.
 */
/** The loopback demo session acts for everyone here: actions are recorded under it (actorOf). */
const USER = "demo";
let gw: TestGateway | undefined;
let browser: Browser | undefined;
let page: Page;
const nodes = new Map<string, TestNode>();
const seqs = new Map<string, number>();
const pageErrors: string[] = [];

async function node(bed: string, patient?: string) {
  const n = await connectNode(gw?.tcpPort as number, {
    node: `node-${bed}`,
    bed,
    ...(patient ? { patient } : {}),
  });
  nodes.set(bed, n);
  return n;
}
async function send(bed: string, v: Record<string, unknown> = {}) {
  const n = nodes.get(bed) as TestNode;
  const seq = (seqs.get(bed) ?? 0) + 1;
  seqs.set(bed, seq);
  n.send(vitals(seq, v));
  await n.waitAck(seq);
}
const api = async <T>(path: string) => (await (await fetch(`${gw?.url}${path}`)).json()) as T;
const post = (path: string, body: object) =>
  fetch(`${gw?.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
const RANK = { high: 3, medium: 2, low: 1 } as const;

/** What the page shows, read from the DOM. */
async function screen() {
  return page.evaluate(() => {
    const rows = [...document.querySelectorAll<HTMLElement>("#alarm-list .alarm-row[data-alarm-id]")].map(
      (r) => ({
        id: r.dataset.alarmId as string,
        bed: r.dataset.bed as string,
        priority: r.dataset.priority as "high" | "medium" | "low",
        technical: r.dataset.technical === "true",
        state: r.dataset.state as string,
      }),
    );
    const tiles = [...document.querySelectorAll<HTMLElement>(".tile")].map((t) => ({
      bed: t.dataset.bed as string,
      status: t.dataset.status as string,
      alarm: t.dataset.alarm ?? null,
      badge: t.querySelector(".badge-status")?.textContent ?? "",
    }));
    return { rows, tiles, counts: document.querySelector("#ward-counts")?.textContent ?? "" };
  });
}

/**
 * Badges, frames, header counts and the filter agree with the alarm bar, and the bar with the API.
 * Returns the first disagreement, or "agree" (the page follows the gateway within a live update).
 */
async function disagreement(): Promise<string> {
  const { alarms } = await api<AlarmsResponse>("/api/alarms");
  const { beds } = await api<BedsResponse>("/api/beds");
  const { rows, tiles, counts } = await screen();
  const bar = rows
    .map((r) => `${r.id}:${r.state}`)
    .sort()
    .join();
  if (
    bar !==
    alarms
      .map((a) => `${a.id}:${a.state}`)
      .sort()
      .join()
  )
    return `bar ${bar}`;
  const critical = new Set(rows.filter((r) => !r.technical && r.priority !== "low").map((r) => r.bed));
  for (const t of tiles) {
    const api = beds.find((b) => b.bed === t.bed)?.status;
    const want = critical.has(t.bed) ? "CRITICAL" : api === "NORMAL" ? "NORMAL" : "UNKNOWN";
    if (t.status !== want || api !== want)
      return `${t.bed} status ${t.status} (API ${api}, bar says ${want})`;
    if (t.badge.includes("CRITICAL") !== critical.has(t.bed)) return `${t.bed} badge ${t.badge}`;
    const top = rows
      .filter((r) => r.bed === t.bed)
      .reduce<"high" | "medium" | "low" | null>(
        (p, r) => (p === null || RANK[r.priority] > RANK[p] ? r.priority : p),
        null,
      );
    if (t.alarm !== (top ?? "none")) return `${t.bed} frame ${t.alarm}, bar ${top}`;
  }
  const n = (p: "high" | "medium" | "low") => rows.filter((r) => !r.technical && r.priority === p).length;
  const header = `${tiles.length} beds · ${critical.size} alarming · ${n("high")} high · ${n("medium")} medium · ${n("low")} low · ${rows.filter((r) => r.technical).length} technical`;
  if (!counts.includes(header)) return `header "${counts}", bar says "${header}"`;
  return "agree";
}

async function agree(): Promise<void> {
  await expect.poll(disagreement, { timeout: 3_000 }).toBe("agree");
  const { rows } = await screen();
  const critical = new Set(rows.filter((r) => !r.technical && r.priority !== "low").map((r) => r.bed));
  await page.getByLabel("Alarming beds").check();
  await expect
    .poll(async () => (await screen()).tiles.map((t) => t.bed).sort())
    .toEqual([...critical].sort());
  await page.getByLabel("Alarming beds").uncheck();
}

describe.skipIf(!haveTool("chromium", "chromium"))("stays and one alarm truth on the dashboard", () => {
  beforeAll(async () => {
    buildDashboardIfOutdated();
    gw = await startTestGateway({
      config: {
        limits: { idleTimeoutMs: 600_000 },
        alerts: { console: false },
        live: { throttleMs: 20 },
        alarms: { delayMs: { hr: 0, spo2: 0, temp: 0 }, silentHeartbeats: 1_000 },
      },
    });
    for (const b of ["Bed-1", "Bed-2", "Bed-3", "Bed-4", "Bed-5"]) {
      await node(b, `P-${b}`);
      await send(b);
    }
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    await page.goto(gw.url);
    await page.locator(".tile").nth(4).waitFor({ timeout: 5_000 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    for (const n of nodes.values()) n.close();
    await gw?.stop();
  });

  it("tile badges and frames, header counts and the filter agree with the alarm bar at every step", async () => {
    await agree();
    await send("Bed-2", { spo2: 80 }); // high
    await agree();
    await send("Bed-3", { hr: 130 }); // medium
    await agree();
    await send("Bed-4", { flags: ["finger_out"], hr: null, spo2: null }); // low technical
    await agree();
    const medium = (await api<AlarmsResponse>("/api/alarms")).alarms.find((a) => a.bed === "Bed-3");
    await post(`/api/alarms/${encodeURIComponent(medium?.id as string)}/ack`, { user: USER });
    await agree(); // acknowledged: still CRITICAL
    await send("Bed-2", { spo2: 97 }); // latched
    await agree();
    nodes.get("Bed-5")?.close();
    nodes.delete("Bed-5");
    await expect
      .poll(async () =>
        (await api<AlarmsResponse>("/api/alarms")).alarms.some((a) => a.kind === "disconnected"),
      )
      .toBe(true);
    await agree(); // disconnected: technical, not CRITICAL
    await send("Bed-3", { hr: 72 });
    await agree();
    // Sorted by severity: the latched high first.
    expect((await screen()).tiles[0]?.bed).toBe("Bed-2");
  });

  it("admit → alarm → acknowledge → transfer → discharge through the dialogs", async () => {
    await page.getByRole("button", { name: "Admit patient", exact: true }).click();
    const admit = page.locator("#admit");
    await admit.getByLabel("Bed").fill("Bed-7");
    await admit.getByLabel("Patient id").fill("P-7");
    await admit.getByLabel("MRN").fill("MRN-7");
    await admit.getByLabel("Alarm profile").selectOption("original");
    await admit.getByRole("button", { name: "Admit" }).click();
    await admit.waitFor({ state: "hidden", timeout: 3_000 });
    const tile7 = page.locator('.tile[data-bed="Bed-7"]');
    await expect.poll(() => tile7.locator(".tile-patient").textContent(), { timeout: 3_000 }).toBe("P-7");

    await node("Bed-7", "P-7");
    await send("Bed-7", { spo2: 93 }); // under the original profile: medium at once
    await page.locator('.tile[data-bed="Bed-7"][data-status="CRITICAL"]').waitFor({ timeout: 2_000 });
    const row = page.locator('#alarm-list .alarm-row[data-bed="Bed-7"]');
    await row.getByRole("button", { name: /Acknowledge/ }).click();
    await expect.poll(() => row.getAttribute("data-state"), { timeout: 3_000 }).toBe("acknowledged");
    expect(await page.locator("#action-status").isVisible()).toBe(false);

    await tile7.click();
    const dialog = page.locator("#history");
    await dialog.waitFor({ state: "visible" });
    await expect
      .poll(() => dialog.locator('[data-part="stay-summary"]').textContent())
      .toContain("P-7 · MRN MRN-7");
    await dialog.locator('[data-part="transfer-bed"]').fill("Bed-8");
    await dialog.getByRole("button", { name: "Transfer" }).click();
    const tile8 = page.locator('.tile[data-bed="Bed-8"]');
    await expect.poll(() => tile8.locator(".tile-patient").textContent(), { timeout: 3_000 }).toBe("P-7");
    // Bed-7's alarm closed as transferred; its node still names P-7 for a bed nobody is admitted to.
    await expect.poll(() => row.count(), { timeout: 3_000 }).toBe(0);
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });

    await tile8.click();
    await dialog.waitFor({ state: "visible" });
    await expect
      .poll(() => dialog.locator('[data-part="stay-summary"]').textContent())
      .toContain("Bed-7 → Bed-8");
    const csv = await dialog.locator('[data-part="stay-csv"]').getAttribute("href");
    const discharge = dialog.locator('[data-part="stay-discharge"]');
    await discharge.click();
    expect(await discharge.textContent()).toBe("Confirm discharge");
    await discharge.click();
    await expect
      .poll(() => dialog.locator('[data-part="stay-status"]').textContent(), { timeout: 3_000 })
      .toContain("Discharged");
    await page.keyboard.press("Escape");
    // Nobody admitted and no node: Bed-8 is no longer a known bed.
    await expect.poll(() => tile8.count(), { timeout: 3_000 }).toBe(0);

    const { stays } = await api<{ stays: StayView[] }>("/api/stays?patient=P-7");
    expect(stays).toMatchObject([
      { state: "discharged", discharged_by: USER, beds: [{ bed: "Bed-7" }, { bed: "Bed-8" }] },
    ]);
    const timeline = await api<StayTimelineResponse>(`/api/stays/${stays[0]?.id}/timeline`);
    const texts = timeline.entries.map((e) => e.text);
    expect(texts).toEqual(
      expect.arrayContaining([
        "admit patient P-7, profile original by demo",
        expect.stringMatching(/^acknowledged MEDIUM SpO2 93 % by demo$/),
        "transfer from Bed-7 to Bed-8 by demo",
        "discharge by demo",
      ]),
    );
    expect(await (await fetch(csv as string)).text()).toContain(",Bed-7,reading,");
    expect(pageErrors).toEqual([]);
  });
});
