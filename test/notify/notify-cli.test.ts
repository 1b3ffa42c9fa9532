import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "./helpers.js";
import { type HttpStandIn, ntfyCheck, startHttpStandIn } from "./stand-ins.js";

const BIN = fileURLToPath(new URL("../../bin/vitals.js", import.meta.url));

function run(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, ...env }, timeout: 20_000 },
      (e, out, err) => resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, out, err }),
    );
  });
}

describe("vitals notify test", () => {
  let ntfy: HttpStandIn;
  let tmp: ReturnType<typeof tempDir>;
  let config: string;
  beforeAll(async () => {
    ntfy = await startHttpStandIn(ntfyCheck("tk_cli_token_1"));
    tmp = tempDir();
    config = join(tmp.dir, "vitals.config.json");
    writeFileSync(
      config,
      JSON.stringify({
        publicUrl: "https://icu.example",
        notifications: {
          enabled: true,
          channels: {
            push: {
              type: "ntfy",
              serverUrl: ntfy.url,
              token: { env: "NTFY_TOKEN" },
              recipients: { ICU: ["icu-alarms"], "*": ["all-alarms"] },
            },
          },
        },
      }),
    );
  });
  afterAll(async () => {
    await ntfy.close();
    tmp.cleanup();
  });

  it("sends a test message to every recipient of the channel and reports the provider's answer", async () => {
    const r = await run(["notify", "test", "--channel", "push", "--config", config], {
      NTFY_TOKEN: "tk_cli_token_1",
    });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/ok {4}push \(ntfy\) → icu-alarms: accepted as hwQ2YpKdmg/);
    expect(r.out).toMatch(/ok {4}push \(ntfy\) → all-alarms: accepted/);
    expect(ntfy.accepted.map((x) => x.path).sort()).toEqual(["/all-alarms", "/icu-alarms"]);
    expect(ntfy.accepted[0]?.body).toContain("test message");
  });

  it("reports a refused token as a permanent failure with exit code 1, without printing the token", async () => {
    const r = await run(["notify", "test", "--channel", "push", "--config", config, "--to", "icu-alarms"], {
      NTFY_TOKEN: "tk_wrong_token",
    });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAIL .*permanent failure: HTTP 403/);
    expect(r.out + r.err).not.toContain("tk_wrong_token");
  });

  it("unknown channel and missing secret are clear errors (exit code 2)", async () => {
    const unknown = await run(["notify", "test", "--channel", "sms", "--config", config], {});
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('unknown channel "sms"; configured: push');
    const noSecret = await run(["notify", "test", "--channel", "push", "--config", config], {
      NTFY_TOKEN: "",
    });
    expect(noSecret.code).toBe(2);
    expect(noSecret.err).toContain("the environment variable NTFY_TOKEN is not set");
  });
});
