import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** Each start-up failure is one line naming the cause and the fix, exit code 2, no stack trace. */
const BIN = fileURLToPath(new URL("../../bin/vitals.js", import.meta.url));
let dir: string;
let busy: Server;
let busyPort: number;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "vitals-startup-"));
  busy = createServer();
  busyPort = await new Promise<number>((r) =>
    busy.listen(0, "127.0.0.1", () => r((busy.address() as { port: number }).port)),
  );
});
afterAll(() => {
  busy.close();
  rmSync(dir, { recursive: true, force: true });
});

function run(args: string[]): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    let stdout = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    // A gateway that did start would run until stopped: end it so the test reports, not hangs.
    const guard = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.on("exit", (code) => {
      clearTimeout(guard);
      resolve({ code, stderr, stdout });
    });
  });
}

const free = ["--mqtt-port", "0"];
const dataDir = (name: string) => ["--data-dir", join(dir, name)];
const noStack = (s: string) => expect(s).not.toMatch(/^\s+at /m);

describe("gateway start-up errors", () => {
  it.each([
    [
      "gateway",
      "--tcp-port",
      /TCP ingest port 127\.0\.0\.1:\d+ is already in use.*--tcp-port N or "tcpPort"/,
    ],
    [
      "gateway",
      "--http-port",
      /HTTP \(API and dashboard\) port 127\.0\.0\.1:\d+ is already in use.*--http-port N or "httpPort"/,
    ],
    [
      "gateway",
      "--mqtt-port",
      /MQTT port 127\.0\.0\.1:\d+ is already in use.*--mqtt-port N or "mqtt\.port".*mqtt\.mode "external"/,
    ],
    [
      "demo",
      "--http-port",
      /HTTP \(API and dashboard\) port 127\.0\.0\.1:\d+ is already in use.*--http-port N/,
    ],
    ["demo", "--mqtt-port", /MQTT port .* is already in use.*--mqtt-port N/],
  ])("%s: %s in use", async (command, flag, message) => {
    const ports: Record<string, string> = { "--tcp-port": "0", "--http-port": "0", "--mqtt-port": "0" };
    ports[flag] = String(busyPort);
    const r = await run([
      command,
      ...Object.entries(ports).flat(),
      "--data-dir",
      join(dir, `${command}${flag}`),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    noStack(r.stderr);
  });

  it("an address that is not on this machine", async () => {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never assigned here, so bind() fails at once; nothing is sent.
    const r = await run([
      "gateway",
      "--host",
      "192.0.2.1",
      // Past the plain-HTTP refusal (tested in test/auth/exposure.test.ts) to the bind itself.
      "--insecure-http",
      "--tcp-port",
      "0",
      "--http-port",
      "0",
      ...free,
      ...dataDir("address"),
    ]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/cannot listen on 192\.0\.2\.1: that address is not on this machine.*--host/);
    noStack(r.stderr);
  });

  it("a data directory it cannot create; --debug adds the stack", async () => {
    const file = join(dir, "a-file");
    writeFileSync(file, "");
    const args = [
      "gateway",
      "--tcp-port",
      "0",
      "--http-port",
      "0",
      ...free,
      "--data-dir",
      join(file, "data"),
    ];
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot use data directory .*a-file\/data: .*--data-dir/);
    noStack(r.stderr);
    const debug = await run([...args, "--debug"]);
    expect(debug.code).toBe(2);
    expect(debug.stderr).toMatch(/^\s+at /m);
  });

  it("an invalid config file", async () => {
    const config = join(dir, "bad.json");
    writeFileSync(config, JSON.stringify({ tcpPort: "seven" }));
    const r = await run(["gateway", "--config", config, ...free, ...dataDir("config")]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/tcpPort/);
    noStack(r.stderr);
  });
});
