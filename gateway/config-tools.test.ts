import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkConfig, closestKey, configJsonSchema, redactConfig } from "./config-tools.js";

const BIN = fileURLToPath(new URL("../bin/vitals.js", import.meta.url));

describe("config tools", () => {
  it("docs/config.schema.json is the schema generated from gateway/config.ts", () => {
    const published = JSON.parse(
      readFileSync(new URL("../docs/config.schema.json", import.meta.url), "utf8"),
    );
    expect(
      published,
      "docs/config.schema.json is stale: node bin/vitals.js config schema > docs/config.schema.json && npx biome format --write docs/config.schema.json",
    ).toEqual(configJsonSchema());
  });

  it("reports every problem with its path, and a did-you-mean for unknown keys at any depth", () => {
    expect(checkConfig({})).toEqual([]);
    const problems = checkConfig({
      tcpPrt: 1,
      httpPort: "x",
      mqtt: { anonymus: true },
      alarms: { zzzzzz: 1 },
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: "tcpPrt", message: "unknown key", didYouMean: "tcpPort" },
        { path: "mqtt.anonymus", message: "unknown key", didYouMean: "anonymous" },
        { path: "alarms.zzzzzz", message: "unknown key" },
        expect.objectContaining({ path: "httpPort" }),
      ]),
    );
    expect(problems).toHaveLength(4);
    expect(closestKey("DATADIR", ["dataDir", "host"])).toBe("dataDir");
  });

  it("redacts secrets and URL passwords, keeps the rest", () => {
    expect(
      redactConfig({
        auth: { nodeToken: "s3cret" },
        influx: { url: "http://u:pw@h:8086", password: "" },
        host: "h",
      }),
    ).toEqual({
      auth: { nodeToken: "[redacted]" },
      influx: { url: "http://u:[redacted]@h:8086", password: "" },
      host: "h",
    });
  });

  it("vitals config print shows the effective config without the secret from the environment", () => {
    const out = execFileSync(process.execPath, [BIN, "config", "print"], {
      encoding: "utf8",
      env: { ...process.env, VITALS_NODE_TOKEN: "very-secret-token", VITALS_TCP_PORT: "7171" },
    });
    expect(out).not.toContain("very-secret-token");
    const printed = JSON.parse(out);
    expect(printed.tcpPort).toBe(7171);
    expect(printed.auth.nodeToken).toBe("[redacted]");
  });
});
