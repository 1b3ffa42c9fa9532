import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseNumericsCsv } from "../../sensors/replay/numerics-csv.js";
import { ReplayPlayer } from "../../sensors/replay/replay-player.js";
import { REPLAY_KEYS } from "../../sensors/replay/replay-row.js";
import { startTestGateway, type TestGateway } from "../harness/gateway.js";
import { FakeTime } from "../support/fake-time.js";

const BIN = fileURLToPath(new URL("../../bin/vitals.js", import.meta.url));
const MIMIC = fileURLToPath(new URL("../fixtures/mimic2wdb_s00001_numerics_per_minute.csv", import.meta.url));
let gw: TestGateway;
let dir: string;
beforeAll(async () => {
  gw = await startTestGateway();
  dir = mkdtempSync(join(tmpdir(), "vitals-replay-"));
});
afterAll(async () => {
  await gw.stop();
  rmSync(dir, { recursive: true, force: true });
});

function stored(bed: string) {
  return gw.gateway.store.history({ bed, limit: 100_000 }).reverse();
}

function run(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("exit", (code) => resolve({ code, out }));
  });
}

describe("vitals replay", () => {
  it("replays the MIMIC numerics on fake time: the stored readings are the file's rows, in order", async () => {
    const recording = parseNumericsCsv(readFileSync(MIMIC, "utf8"));
    const time = new FakeTime(1_700_000_000_000);
    const player = new ReplayPlayer({
      host: "127.0.0.1",
      port: gw.tcpPort,
      beds: [{ bed: "mimic", recording }],
      speed: 600,
      time,
    });
    let done = false;
    player.once("done", () => (done = true));
    player.start();
    // 1936 rows a minute apart at ×600: one row per 100 fake ms. Real turns let the sockets work.
    for (let i = 0; i < 5_000 && !done; i++) {
      time.advance(1_000);
      await new Promise((r) => setTimeout(r, 2));
    }
    await player.stop();
    expect(done).toBe(true);
    const rows = stored("mimic");
    expect(rows).toHaveLength(recording.rows.length);
    for (const [i, row] of recording.rows.entries()) {
      const got = rows[i] as (typeof rows)[number];
      for (const k of recording.keys) expect(got[k], `row ${i} ${k}`).toBe(row.values[k]);
      expect(got.t - (rows[0]?.t ?? 0), `row ${i} time`).toBe(row.t / 600);
    }
  }, 60_000);

  it("vitals record writes a CSV that replays back to the same readings (CLI, both ways)", async () => {
    const file = join(dir, "mimic.csv");
    const rec = await run(["record", "--gateway-http", gw.url, "--bed", "mimic", file]);
    expect(rec.out).toContain("wrote 1936 readings");
    expect(rec.code).toBe(0);
    const replay = await run([
      "replay",
      "--gateway",
      `127.0.0.1:${gw.tcpPort}`,
      "--bed",
      "again",
      "--speed",
      "1000000",
      file,
    ]);
    expect(replay.out).toContain("replay complete");
    expect(replay.code).toBe(0);
    const a = stored("mimic");
    const b = stored("again");
    expect(b.map((r) => REPLAY_KEYS.map((k) => r[k]))).toEqual(a.map((r) => REPLAY_KEYS.map((k) => r[k])));
  }, 60_000);

  it("replays the shipped recordings with --demo and reports progress", async () => {
    const r = await run([
      "replay",
      "--demo",
      "--gateway",
      `127.0.0.1:${gw.tcpPort}`,
      "--speed",
      "1000000",
      "--start",
      "2",
    ]);
    expect(r.out).toMatch(/demo-mimic: connected, sent \d+\/\d+, acked \d+, pending 0/);
    expect(r.code).toBe(0);
    expect(stored("demo-bidmc").length).toBeGreaterThan(0);
  }, 60_000);
});
