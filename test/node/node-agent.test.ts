import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { ErrorCodes, VitalsError } from "../../core/errors.js";
import { systemTime, type TimeSource } from "../../core/time.js";
import { DiskOutbox } from "../../sensors/node/disk-outbox.js";
import { NodeAgent, type NodeSensor } from "../../sensors/node/node-agent.js";
import { SimDriver } from "../../sensors/node/sim-driver.js";
import { startTestGateway, type TestGateway } from "../harness/gateway.js";
import { vitals } from "../support/frames.js";
import { contiguityProblem, storedSeqs } from "./agent-process.js";

interface Row {
  seq: number;
  hr: number | null;
  spo2: number | null;
  temp: number | null;
  flags: string;
}

function rows(gw: TestGateway, node: string): Row[] {
  const db = new Database(join(gw.dataDir, "vitals.db"), { readonly: true });
  try {
    return db
      .prepare("SELECT seq, hr, spo2, temp, flags FROM readings WHERE node = ? ORDER BY seq")
      .all(node) as Row[];
  } finally {
    db.close();
  }
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(sensors: NodeSensor[], node: string, merger = {}, time?: TimeSource) {
  const gw = await startTestGateway();
  cleanups.push(() => gw.stop());
  const dir = mkdtempSync(join(tmpdir(), "vitals-agent-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const agent = new NodeAgent({
    gateway: { host: "127.0.0.1", port: gw.tcpPort },
    hello: { node, bed: `Bed-${node}` },
    sensors,
    outbox: new DiskOutbox({ file: join(dir, "outbox.db"), synchronous: "normal" }),
    rateHz: 20,
    merger,
    sensorRetryMs: 100,
    ...(time ? { time } : {}),
  });
  cleanups.push(() => agent.stop());
  agent.start();
  return { gw, agent };
}

describe("NodeAgent → real gateway", () => {
  it("passes the simulator's finger_out through: the gateway stores the flag and no HR/SpO2", async () => {
    const sim: NodeSensor = {
      label: "sim",
      parameters: ["hr", "spo2", "temp"],
      create: async () => new SimDriver({ scenario: "finger_out", delayS: 0, periodMs: 50 }),
    };
    const { gw, agent } = await setup([sim], "n-finger");
    await expect.poll(() => rows(gw, "n-finger").length, { timeout: 5_000 }).toBeGreaterThanOrEqual(10);
    for (const r of rows(gw, "n-finger")) {
      expect(r.flags.split(",")).toContain("finger_out");
      expect(r).toMatchObject({ hr: null, spo2: null });
      expect(r.temp).toBeGreaterThan(30);
    }
    await expect.poll(() => agent.status().lastAckAt, { timeout: 2_000 }).toBeDefined();
    expect(agent.status()).toMatchObject({
      connected: true,
      dropped: 0,
      sensors: [{ label: "sim", running: true }],
    });
  });

  it("marks readings taken before the system clock was set (a Pi without RTC): clock_unsynced", async () => {
    const sim: NodeSensor = {
      label: "sim",
      parameters: ["hr", "spo2", "temp"],
      create: async () => new SimDriver({ scenario: "stable", periodMs: 50 }),
    };
    // Five minutes after 1970: a board that booted without a real-time clock, before NTP.
    const since = Date.now() - 300_000;
    const { gw } = await setup([sim], "n-rtc", {}, { ...systemTime, now: () => Date.now() - since });
    await expect.poll(() => rows(gw, "n-rtc").length, { timeout: 5_000 }).toBeGreaterThanOrEqual(3);
    for (const r of rows(gw, "n-rtc")) {
      // The node says its clock is unset; the gateway, seeing a 1970 time, flags the skew too.
      expect(r.flags.split(",")).toEqual(expect.arrayContaining(["clock_unsynced", "clock_skew"]));
    }
  });

  it("keeps sending while a sensor cannot be opened: sensor_off, retried in the background", async () => {
    let attempts = 0;
    const broken: NodeSensor = {
      label: "max30205",
      parameters: ["temp"],
      create: async () => {
        attempts++;
        throw new VitalsError("no Firmata board on /dev/ttyUSB9", ErrorCodes.DeviceIo);
      },
    };
    const sim: NodeSensor = {
      label: "sim",
      parameters: ["hr", "spo2", "temp"],
      create: async () => new SimDriver({ scenario: "stable", periodMs: 50 }),
    };
    const { gw, agent } = await setup([broken, sim], "n-off", { silentAfterMs: 300 });
    await expect
      .poll(() => rows(gw, "n-off").filter((r) => r.flags.includes("sensor_off")).length, { timeout: 5_000 })
      .toBeGreaterThan(3);
    // The working sensor's values still arrive alongside the flag.
    const flagged = rows(gw, "n-off").filter((r) => r.flags.includes("sensor_off"));
    expect(flagged.every((r) => r.hr !== null && r.temp !== null)).toBe(true);
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(agent.status().sensors).toEqual([
      {
        label: "max30205",
        running: false,
        state: "failed",
        lastError: expect.any(String),
        lastSampleAt: undefined,
      },
      expect.objectContaining({ label: "sim", running: true }),
    ]);
  });

  it("delivers a 30 000-reading backlog against the default flood limits: complete, once each, in order", async () => {
    const gw = await startTestGateway();
    cleanups.push(() => gw.stop());
    const dir = mkdtempSync(join(tmpdir(), "vitals-agent-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const outbox = new DiskOutbox({ file: join(dir, "outbox.db"), synchronous: "normal" });
    const N = 30_000;
    const t0 = Date.now() - N * 1000;
    for (let seq = 1; seq <= N; seq++) outbox.push(vitals(seq, { t: t0 + seq * 1000 }));
    const agent = new NodeAgent({
      gateway: { host: "127.0.0.1", port: gw.tcpPort },
      hello: { node: "n-backlog", bed: "Bed-BL" },
      sensors: [],
      outbox,
      rateHz: 1,
    });
    cleanups.push(() => agent.stop());
    let floods = 0;
    agent.link.on("rejected", (e) => {
      if (e.code === "flood") floods++;
    });
    const started = performance.now();
    agent.start();
    await expect
      .poll(() => agent.status().ackedSeq, { timeout: 20_000, interval: 50 })
      .toBeGreaterThanOrEqual(N);
    const ms = performance.now() - started;
    const seqs = storedSeqs(gw.dataDir, "n-backlog");
    expect(contiguityProblem(seqs.slice(0, N), N)).toBeUndefined();
    expect(new Set(seqs).size).toBe(seqs.length);
    console.info(
      `30 000-reading backlog delivered in ${ms.toFixed(0)} ms; the gateway cut the link ${floods} times for flooding`,
    );
  }, 30_000);
});
