import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { verifyPassword } from "../../gateway/mqtt/password-hash.js";
import { topicFor } from "../../gateway/mqtt/topics.js";
import { startTestGateway } from "../harness/gateway.js";
import { watchChild } from "../support/child-output.js";
import { connectClient, MQTT_ENV, mqttTestConfig, NODE1, reading } from "./mqtt-kit.js";

const BIN = fileURLToPath(new URL("../../bin/vitals.js", import.meta.url));
const run = promisify(execFile);
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("MQTT over TLS (embedded broker)", () => {
  it("accepts a node over mqtts with the configured certificate and stores its reading", async () => {
    const certFile = fileURLToPath(new URL("./tls/cert.pem", import.meta.url));
    const keyFile = fileURLToPath(new URL("./tls/key.pem", import.meta.url));
    const gw = await startTestGateway({
      config: { mqtt: mqttTestConfig({ tls: { port: 0, certFile, keyFile } }) },
      env: MQTT_ENV,
    });
    try {
      const port = gw.gateway.mqtt?.tlsPort;
      expect(port).toBeGreaterThan(0);
      const c = await connectClient(`mqtts://127.0.0.1:${port}`, {
        username: NODE1.username,
        password: NODE1.password,
        ca: readFileSync(certFile),
      });
      await c.publishAsync(topicFor("reading", "icu", "Bed-1"), reading(5), { qos: 1 });
      c.end(true);
      expect(gw.gateway.store.count()).toBe(1);
      // A client that does not trust the certificate is not let in.
      await expect(
        connectClient(`mqtts://127.0.0.1:${port}`, { username: NODE1.username, password: NODE1.password }),
      ).rejects.toThrow();
    } finally {
      await gw.stop();
    }
  });
});

describe("CLI", () => {
  it("vitals gateway --mqtt-port 0 --mqtt-anonymous prints the broker port and accepts anonymous nodes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vitals-cli-"));
    dirs.push(dir);
    const child = spawn(
      process.execPath,
      [
        BIN,
        "gateway",
        "--tcp-port",
        "0",
        "--http-port",
        "0",
        "--mqtt-port",
        "0",
        "--mqtt-anonymous",
        "--data-dir",
        dir,
      ],
      {
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, VITALS_LOG_LEVEL: "warn" },
      },
    );
    const watched = watchChild(child);
    try {
      const port = Number((await watched.started(/, mqtt [^ ]+:(\d+)/, "vitals gateway"))[1]);
      const c = await connectClient(`mqtt://127.0.0.1:${port}`, { clientId: "cli-node" });
      await c.publishAsync(topicFor("reading", "lab", "Bed-1"), reading(1), { qos: 1 });
      c.end(true);
    } finally {
      child.kill("SIGTERM");
      await watched.exited;
    }
  });

  it("vitals gateway exits with a one-line hint when the MQTT port is taken", async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const port = (blocker.address() as { port: number }).port;
    const dir = mkdtempSync(join(tmpdir(), "vitals-cli-"));
    dirs.push(dir);
    try {
      const r = await run(process.execPath, [
        BIN,
        "gateway",
        "--tcp-port",
        "0",
        "--http-port",
        "0",
        "--mqtt-port",
        String(port),
        "--data-dir",
        dir,
      ]).then(
        () => ({ code: 0, stderr: "" }),
        (e: { code: number; stderr: string }) => e,
      );
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        new RegExp(`^vitals: MQTT port 127\\.0\\.0\\.1:${port} is already in use`, "m"),
      );
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    } finally {
      blocker.close();
    }
  });

  it("vitals mqtt-passwd hashes the password read from stdin", async () => {
    const p = run(process.execPath, [BIN, "mqtt-passwd"]);
    p.child.stdin?.end("a long enough secret\n");
    const { stdout } = await p;
    expect(await verifyPassword("a long enough secret", stdout.trim())).toBe(true);
    expect(await verifyPassword("a long enough secret\n", stdout.trim())).toBe(false);
  });
});
