import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, statfsSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { AlarmsResponse, HealthResponse } from "../../core/api-types.js";
import { createLogger } from "../../core/logger.js";
import { systemTime } from "../../core/time.js";
import { connectNode, startTestGateway, type TestGateway, type TestNode } from "../harness/gateway.js";
import { vitals } from "../support/frames.js";

// Issue 10, item 3: the station says when it cannot store. Storage fails two ways here: SQLite
// triggers that refuse writes (any machine), and a real, small file system filled up (needs mount).

let gw: TestGateway | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
  for (const c of cleanups.splice(0).reverse()) c();
});

async function health(g: TestGateway): Promise<{ code: number; body: HealthResponse }> {
  const r = await fetch(`${g.url}/healthz`);
  return { code: r.status, body: (await r.json()) as HealthResponse };
}

async function stationAlarms(g: TestGateway) {
  const r = (await (await fetch(`${g.url}/api/alarms`)).json()) as AlarmsResponse;
  return r.alarms.filter((a) => a.kind === "storage_failing");
}

const alarmLog = (g: TestGateway) =>
  g.gateway.store.db.prepare("SELECT type, bed, kind, priority FROM alarm_events ORDER BY id").all() as {
    type: string;
    bed: string;
    kind: string;
    priority: string;
  }[];

/** Sends one reading on a fresh connection; resolves with how that went. */
async function attempt(g: TestGateway, seq: number): Promise<"ack" | "internal"> {
  const n = await connectNode(g.tcpPort, { node: "n1", bed: "Bed-1" });
  n.send(vitals(seq));
  const f = await n.next((x) => (x.type === "ack" && x.seq === seq) || x.type === "error");
  n.close();
  await n.closed;
  return f.type === "ack" ? "ack" : "internal";
}

describe("storage failing (writes refused by SQLite)", () => {
  it("degrades /healthz, raises the station alarm, rate-limits the log, keeps alarm events, recovers", async () => {
    let now = Date.UTC(2026, 0, 1);
    const lines: string[] = [];
    gw = await startTestGateway({
      time: { ...systemTime, now: () => now },
      logger: createLogger("info", { write: (s: string) => void lines.push(s) }),
      config: { storage: { checkIntervalMs: 50 } },
    });
    const db = gw.gateway.store.db;
    expect(await attempt(gw, 1)).toBe("ack");
    expect((await health(gw)).code).toBe(200);

    const fail = (table: string) =>
      db.exec(
        `CREATE TRIGGER fail_${table} BEFORE INSERT ON ${table} BEGIN SELECT RAISE(ABORT, 'disk full'); END`,
      );
    fail("readings");
    fail("alarm_events");
    for (let seq = 2; seq <= 31; seq++) expect(await attempt(gw, seq)).toBe("internal");

    const h = await health(gw);
    expect(h.code).toBe(503);
    expect(h.body.status).toBe("degraded");
    expect(h.body.storage?.problems.join(" ")).toMatch(/readings cannot be stored: .*disk full/);
    expect(h.body.storage?.unwritten_alarm_events).toBeGreaterThan(0);
    expect(await stationAlarms(gw)).toMatchObject([
      { kind: "storage_failing", priority: "high", state: "active" },
    ]);
    // 30 failed commits, one error line about them (the clock did not move on).
    const commitLines = () => lines.filter((l) => l.includes("commit failed"));
    expect(commitLines()).toHaveLength(1);
    now += 10_000;
    expect(await attempt(gw, 32)).toBe("internal");
    expect(commitLines()).toHaveLength(2);
    expect(JSON.parse(commitLines()[1] as string)).toMatchObject({ repeated: 29 });
    // Nothing the alarm engine said during the failure is in the log yet…
    const before = alarmLog(gw).length;

    db.exec("DROP TRIGGER fail_readings");
    db.exec("DROP TRIGGER fail_alarm_events");
    expect(await attempt(gw, 2)).toBe("ack");
    await expect.poll(async () => (await health(gw as TestGateway)).code).toBe(200);
    expect(await stationAlarms(gw)).toEqual([]);
    // … and now all of it is, in order: the storage alarm raised and cleared, the node's disconnects.
    const after = alarmLog(gw).slice(before);
    const station = after.filter((e) => e.kind === "storage_failing").map((e) => e.type);
    expect(station).toEqual(["raised", "cleared"]);
    expect(after.filter((e) => e.kind === "disconnected").length).toBeGreaterThanOrEqual(30);
    expect(after.filter((e) => e.bed === "(station)")).toMatchObject([
      { type: "raised", priority: "high" },
      { type: "cleared", priority: "high" },
    ]);
  });
});

const SMALL_FS_BYTES = 8 * 1024 * 1024;

/** Mounts a small tmpfs of its own (unmounted by the caller), or returns why it cannot. */
function mountSmallFs(bytes: number): { dir: string; unmount: () => void } | Error {
  const dir = mkdtempSync(join(tmpdir(), "vitals-smallfs-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${bytes}`, "tmpfs", dir], { stdio: "pipe" });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    return e as Error;
  }
  return {
    dir,
    unmount: () => {
      execFileSync("umount", ["-l", dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Fills the small file system with one file until `leave` bytes are free (0: until it is full).
 * Refuses to write anywhere that is not a file system of at most SMALL_FS_BYTES: filling the
 * machine's own disk would take every other process down with it.
 */
function fill(dir: string, leave: number): string {
  const fs = statfsSync(dir);
  if (fs.blocks * fs.bsize > SMALL_FS_BYTES) throw new Error(`${dir} is not the small test file system`);
  const file = join(dir, `filler-${leave}`);
  const fd = openSync(file, "w");
  const chunk = Buffer.alloc(16 * 1024);
  let written = 0;
  try {
    while (written < SMALL_FS_BYTES) {
      const s = statfsSync(dir);
      const free = s.bavail * s.bsize;
      if (free <= leave) break;
      written += writeSync(fd, chunk, 0, Math.min(chunk.length, free - leave));
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOSPC") throw e;
  } finally {
    closeSync(fd);
  }
  return file;
}

describe("storage failing (a real, full file system)", () => {
  // Probe once whether this machine lets us mount (root, not a locked-down container).
  const probe = mountSmallFs(SMALL_FS_BYTES);
  const skip = probe instanceof Error;
  if (probe instanceof Error) {
    if (process.env.CI) throw new Error(`CI must be able to mount a tmpfs: ${probe.message}`);
    console.warn(`SKIPPED: cannot mount a small tmpfs (${probe.message.split("\n")[0]}); run as root`);
  } else probe.unmount();

  it.skipIf(skip)(
    "raises the alarm at the free-space watermark, then while full, and clears once space returns",
    async () => {
      const fs = mountSmallFs(SMALL_FS_BYTES);
      if (fs instanceof Error) throw fs;
      // After the gateway has stopped (afterEach stops it first, then runs these).
      cleanups.push(fs.unmount);
      const mounted = fs.dir;
      const dataDir = join(mounted, "data");
      gw = await startTestGateway({
        dataDir,
        config: { storage: { minFreeBytes: 2 * 1024 * 1024, checkIntervalMs: 50 } },
      });
      let seq = 0;
      const n: TestNode = await connectNode(gw.tcpPort, { node: "n1", bed: "Bed-1" });
      n.send(vitals(++seq));
      await n.waitAck(seq);
      expect((await health(gw)).code).toBe(200);

      // Below the watermark: the alarm comes while writes still succeed.
      const low = fill(mounted, 1024 * 1024);
      await expect.poll(async () => (await health(gw as TestGateway)).code).toBe(503);
      expect((await health(gw)).body.storage?.problems.join(" ")).toMatch(/below storage\.minFreeBytes/);
      expect(await stationAlarms(gw)).toHaveLength(1);
      n.send(vitals(++seq));
      await n.waitAck(seq);

      // Full: commits fail, nothing is acknowledged, the node is told to resend.
      const full = fill(mounted, 0);
      for (let i = 0; i < 200 && !n.frames.some((f) => f.type === "error"); i++) {
        n.send(vitals(++seq, { flags: ["artifact"] }));
        await new Promise((r) => setImmediate(r));
      }
      expect(await n.waitError("internal")).toMatchObject({ code: "internal" });
      const acked = Math.max(...n.frames.map((f) => (f.type === "ack" ? f.seq : 0)));
      expect(acked).toBeLessThan(seq);

      rmSync(full);
      rmSync(low);
      // Space is back, but only a write that succeeds says storage works: the node's resend.
      const again = await connectNode(gw.tcpPort, { node: "n1", bed: "Bed-1" });
      for (let s = acked + 1; s <= seq; s++) again.send(vitals(s));
      await again.waitAck(seq);
      await expect.poll(async () => (await health(gw as TestGateway)).code, { timeout: 5_000 }).toBe(200);
      const stored = gw.gateway.store.db
        .prepare("SELECT seq FROM readings WHERE node = 'n1' ORDER BY seq")
        .all();
      expect(stored.map((r) => (r as { seq: number }).seq)).toEqual(
        Array.from({ length: seq }, (_, i) => i + 1),
      );
      expect(await stationAlarms(gw)).toEqual([]);
      const storageEvents = alarmLog(gw)
        .filter((e) => e.kind === "storage_failing")
        .map((e) => e.type);
      expect(storageEvents).toEqual(["raised", "cleared"]);
      again.close();
    },
  );
});
