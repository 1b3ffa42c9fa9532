import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { spawnAgent, stopAgent } from "./agent-process.js";

const dir = mkdtempSync(join(tmpdir(), "vitals-node-log-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("vitals node logs", () => {
  it("writes JSON lines with one ns key each, and a never-opened port's sensor is failed, not running", async () => {
    const agent = await spawnAgent(
      [
        "--gateway",
        "127.0.0.1:9",
        "--bed",
        "B1",
        "--sensor",
        "cms50-command:port=/dev/vitals-no-such-port",
        "--data-dir",
        dir,
        "--status-every",
        "1",
      ],
      { VITALS_LOG_LEVEL: "info" },
    );
    await expect.poll(() => agent.output(), { timeout: 10_000 }).toMatch(/"msg":"status"/);
    await stopAgent(agent);
    const lines = agent
      .output()
      .split("\n")
      .filter((l) => l.startsWith("{"));
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l.match(/"ns":/g)?.length ?? 0, l).toBeLessThanOrEqual(1);
    const status = JSON.parse(lines.find((l) => l.includes('"msg":"status"')) as string);
    expect(status.sensors[0]).toMatchObject({ label: "cms50-command", running: false, state: "failed" });
    expect(status.sensors[0].lastError).toContain("/dev/vitals-no-such-port");
  }, 30_000);
});
