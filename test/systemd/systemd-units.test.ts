import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { haveTool } from "../support/require-tool.js";

const UNITS = fileURLToPath(new URL("../../docs/systemd/", import.meta.url));
const BIN = fileURLToPath(new URL("../../bin/vitals.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "vitals-units-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The unit as shipped, with ExecStart pointed at this checkout's bin/vitals.js (verify checks it exists). */
function install(name: string, as = name): string {
  const text = readFileSync(join(UNITS, name), "utf8").replaceAll("/usr/bin/vitals", BIN);
  writeFileSync(join(dir, as), text);
  return join(dir, as);
}

describe("systemd units", () => {
  it("pass systemd-analyze verify with no warning at all", () => {
    if (!haveTool("systemd-analyze", "systemd")) return;
    const units = [
      install("vitals-gateway.service"),
      install("vitals-node@.service", "vitals-node@4.service"),
    ];
    // Unknown keys and bad values are only warnings (exit 0): any output at all fails the test.
    const r = spawnSync("systemd-analyze", ["verify", "--man=no", ...units], { encoding: "utf8" });
    expect(r.stderr + r.stdout).toBe("");
    expect(r.status).toBe(0);
  });

  it("run as a dedicated user with a state directory, secrets from a file, hardening and restart on failure", () => {
    for (const name of ["vitals-gateway.service", "vitals-node@.service"]) {
      const text = readFileSync(join(UNITS, name), "utf8");
      for (const line of [
        "User=vitals",
        "StateDirectory=",
        "EnvironmentFile=",
        "ProtectSystem=strict",
        "NoNewPrivileges=yes",
        "PrivateTmp=yes",
        "Restart=on-failure",
        "RestartPreventExitStatus=2",
      ])
        expect(text, `${name}: ${line}`).toContain(`\n${line}`);
    }
  });

  it("the commands the units start exist with those options", () => {
    const help = (cmd: string) => execFileSync(process.execPath, [BIN, cmd, "--help"], { encoding: "utf8" });
    expect(help("gateway")).toContain("--config");
    for (const o of ["--gateway", "--bed", "--sensor", "--data-dir"]) expect(help("node")).toContain(o);
  });
});
