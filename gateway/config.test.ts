import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isVitalsError } from "../core/errors.js";
import { loadConfig, parseConfig } from "./config.js";

describe("gateway config", () => {
  it("has embedded defaults for everything", () => {
    const c = parseConfig({});
    expect(c).toMatchObject({
      host: "127.0.0.1",
      tcpPort: 7070,
      httpPort: 8080,
      dataDir: "data",
      heartbeatMs: 5000,
    });
    expect(c.alarms.defaultProfile).toBe("adult");
    expect(c.alerts).toMatchObject({ perPatientIntervalMs: 60_000, minPriority: "medium" });
  });

  it("reports every problem at once, with its path", () => {
    try {
      parseConfig({ tcpPort: 70000, limits: { maxErrors: -1 }, surprise: true });
      expect.unreachable();
    } catch (e) {
      expect(isVitalsError(e, "config.invalid")).toBe(true);
      const msg = (e as Error).message;
      expect(msg).toContain("tcpPort");
      expect(msg).toContain("limits.maxErrors");
      expect(msg).toContain("surprise");
    }
  });

  it("layers file < environment < overrides, and takes secrets from the environment", () => {
    const dir = mkdtempSync(join(tmpdir(), "vitals-cfg-"));
    const file = join(dir, "c.json");
    writeFileSync(
      file,
      JSON.stringify({ tcpPort: 1000, httpPort: 1001, heartbeatMs: 1234, limits: { maxErrors: 3 } }),
    );
    const c = loadConfig({
      file,
      env: { VITALS_HTTP_PORT: "2001", VITALS_NODE_TOKEN: "from-env-secret" },
      overrides: { tcpPort: 0, dataDir: undefined },
    });
    expect(c).toMatchObject({
      tcpPort: 0,
      httpPort: 2001,
      heartbeatMs: 1234,
      limits: { maxErrors: 3, burstLines: 10_000 },
      auth: { nodeToken: "from-env-secret" },
    });
  });

  it("explains unreadable and malformed files", () => {
    expect(() => loadConfig({ file: "/nonexistent/x.json" })).toThrow(/cannot read config file/);
    const dir = mkdtempSync(join(tmpdir(), "vitals-cfg-"));
    writeFileSync(join(dir, "bad.json"), "{ nope");
    expect(() => loadConfig({ file: join(dir, "bad.json") })).toThrow(/not valid JSON/);
  });
});
