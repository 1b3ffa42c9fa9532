import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { defaultNodeId } from "../../sensors/node/node-id.js";
import { startTestGateway } from "../harness/gateway.js";
import { readOutbox, spawnAgent, stopAgent, storedSeqs } from "./agent-process.js";

const BIN = fileURLToPath(new URL("../../bin/vitals.js", import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function run(args: string[]) {
  return spawnSync(process.execPath, [BIN, "node", ...args], { encoding: "utf8", timeout: 20_000 });
}

describe("vitals node (CLI)", () => {
  it("refuses bad --sensor values and missing options with a clear message", () => {
    const unknown = run(["--gateway", "127.0.0.1:7070", "--bed", "B1", "--sensor", "cms99"]);
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toContain(
      'unknown driver "cms99"; known drivers: sim, max30102, max30205, mlx90614',
    );
    const option = run(["--gateway", "127.0.0.1:7070", "--bed", "B1", "--sensor", "max30205:adress=0x48"]);
    expect(option.status).not.toBe(0);
    expect(option.stderr).toContain("unknown option adress; it takes port, address, period");
    const noBed = run(["--gateway", "127.0.0.1:7070"]);
    expect(noBed.status).not.toBe(0);
    expect(noBed.stderr).toContain("--bed");
    // A bad value stops the agent at once instead of being retried in the background for ever.
    const badValue = run(["--gateway", "127.0.0.1:7070", "--bed", "B1", "--sensor", "max30205:address=0x99"]);
    expect(badValue.status).toBe(2);
    expect(badValue.stderr).toContain('--sensor max30205: address="0x99" is not an integer from 8 to 119');
    // No silent default: a forgotten --sensor must not put a simulated patient on a real bed.
    const noSensor = run(["--gateway", "127.0.0.1:7070", "--bed", "B1"]);
    expect(noSensor.status).toBe(2);
    expect(noSensor.stderr).toContain("give at least one --sensor");
    const badBed = run(["--gateway", "127.0.0.1:7070", "--bed", "Bed;DROP"]);
    expect(badBed.stderr).toContain("--bed: 1–64 letters");
  });

  it("derives the same node id on every start, and keeps the queue across starts with no gateway", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vitals-node-cli-"));
    dirs.push(dir);
    // Port 9 (discard) on loopback: nothing listens, so everything stays queued.
    const args = [
      "--gateway",
      "127.0.0.1:9",
      "--bed",
      "Bed 4",
      "--sensor",
      "sim",
      "--rate",
      "20",
      "--data-dir",
      dir,
      "--sync",
      "normal",
    ];
    const id = defaultNodeId(hostname(), "Bed 4");
    const first = await spawnAgent(args);
    expect(first.output()).toContain(`vitals node ${id} (bed Bed 4)`);
    await expect
      .poll(() => readOutbox(dir, id).lastSeq, { timeout: 20_000, interval: 50 })
      .toBeGreaterThan(3);
    const a = await stopAgent(first);
    expect(a.pending).toBe(a.lastSeq);
    expect(a.lastSeq).toBeGreaterThan(3);
    const second = await spawnAgent(args);
    expect(second.output()).toContain(`vitals node ${id} (bed Bed 4)`);
    expect(second.restored).toEqual({ pending: a.pending, lastSeq: a.lastSeq });
    // A second agent for the same node would hand out the same seqs: it must refuse to start.
    const twin = run(args);
    expect(twin.status).toBe(2);
    expect(twin.stderr).toContain(`is in use by process ${second.child.pid}`);
    await stopAgent(second);
  }, 30_000);

  it("presents the token from VITALS_NODE_TOKEN, and never prints it", async () => {
    const token = "s3cret-token-4-ward3";
    const gw = await startTestGateway({ config: { auth: { nodeToken: token } } });
    const dir = mkdtempSync(join(tmpdir(), "vitals-node-cli-"));
    dirs.push(dir);
    try {
      const args = ["--gateway", `127.0.0.1:${gw.tcpPort}`, "--bed", "B9", "--sensor", "sim", "--rate", "20"];
      const good = await spawnAgent([...args, "--node-id", "tok-good", "--data-dir", dir], {
        VITALS_NODE_TOKEN: token,
      });
      const bad = await spawnAgent(
        [...args, "--node-id", "tok-bad", "--data-dir", dir, "--status-every", "0.5"],
        {
          VITALS_NODE_TOKEN: "wrong-token-000",
          VITALS_LOG_LEVEL: "info",
        },
      );
      await expect
        .poll(() => storedSeqs(gw.dataDir, "tok-good").length, { timeout: 10_000 })
        .toBeGreaterThan(5);
      await expect.poll(() => bad.output(), { timeout: 10_000 }).toContain("unauthorized");
      const goodEnd = await stopAgent(good);
      const badEnd = await stopAgent(bad);
      expect(goodEnd.pending).toBe(0);
      expect(badEnd.pending).toBe(badEnd.lastSeq);
      expect(storedSeqs(gw.dataDir, "tok-bad")).toEqual([]);
      for (const out of [good.output(), bad.output()]) {
        expect(out).not.toContain(token);
        expect(out).not.toContain("wrong-token-000");
      }
    } finally {
      await gw.stop();
    }
  }, 30_000);
});
