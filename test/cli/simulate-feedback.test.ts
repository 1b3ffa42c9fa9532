import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { startTestGateway } from "../harness/gateway.js";

const BIN = fileURLToPath(new URL("../../bin/vitals.js", import.meta.url));

function simulate(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, "simulate", ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe("vitals simulate feedback", () => {
  it("exits non-zero with a clear message when it never reached the gateway", async () => {
    const port = await closedPort();
    const r = await simulate([
      "--gateway",
      `127.0.0.1:${port}`,
      "--patients",
      "2",
      "--duration",
      "1.5",
      "--status-every",
      "0.5",
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      `vitals simulate: never reached the gateway at 127.0.0.1:${port} (connect ECONNREFUSED`,
    );
    expect(r.stdout).toMatch(/connected 0\/2, sent \d+, acked 0, pending \d+/);
  }, 30_000);

  it("exits 0 against a gateway, and its final acked count is what the gateway stored", async () => {
    const gw = await startTestGateway();
    try {
      const r = await simulate([
        "--gateway",
        `127.0.0.1:${gw.tcpPort}`,
        "--patients",
        "3",
        "--rate",
        "5",
        "--duration",
        "2",
        "--status-every",
        "0.5",
      ]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const m = /stopped: connected \d+\/3, sent (\d+), acked (\d+), pending 0/.exec(r.stdout);
      expect(m, r.stdout).not.toBeNull();
      const stored = gw.gateway.store.history({ limit: 10_000 }).length;
      expect(Number(m?.[2])).toBe(stored);
      expect(Number(m?.[1])).toBe(stored);
    } finally {
      await gw.stop();
    }
  }, 30_000);
});
