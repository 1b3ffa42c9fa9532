import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

/**
 * The documented production install: the packed package, installed into an empty folder with
 * production dependencies only (no vite, no test tools), starts a gateway that serves the API and the
 * dashboard. Catches a prepare step that needs a devDependency, a file missing from `files`, or a
 * runtime import of something only installed for development.
 */
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const dirs: string[] = [];
let child: ChildProcess | undefined;
afterAll(() => {
  child?.kill("SIGKILL");
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("packed package, production dependencies only", () => {
  it("installs without dev dependencies and runs the gateway with its dashboard", async () => {
    const out = mkdtempSync(join(tmpdir(), "vitals-pack-"));
    const app = mkdtempSync(join(tmpdir(), "vitals-app-"));
    dirs.push(out, app);
    execFileSync("npm", ["pack", "--pack-destination", out, "--silent"], { cwd: ROOT, stdio: "pipe" });
    const tarball = join(out, readdirSync(out).find((f) => f.endsWith(".tgz")) as string);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "ward-install", private: true }));
    execFileSync(
      "npm",
      ["install", "--omit=dev", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", tarball],
      { cwd: app, stdio: "pipe", timeout: 280_000 },
    );
    const installed = readdirSync(join(app, "node_modules"));
    expect(installed).toContain("vitals");
    for (const dev of ["vite", "vitest", "@biomejs", "playwright-core", "avr8js"])
      expect(installed).not.toContain(dev);

    // No default credentials: the first administrator comes from the installed CLI (password on stdin).
    const bin = join(app, "node_modules/vitals/bin/vitals.js");
    execFileSync(
      process.execPath,
      [bin, "users", "add", "ward-admin", "--role", "admin", "--data-dir", join(app, "data")],
      {
        input: "a long enough admin password\n",
        stdio: ["pipe", "pipe", "pipe"],
      },
    );
    child = spawn(
      process.execPath,
      [
        join(app, "node_modules/vitals/bin/vitals.js"),
        "gateway",
        "--tcp-port",
        "0",
        "--http-port",
        "0",
        "--mqtt-port",
        "0",
        "--data-dir",
        join(app, "data"),
      ],
      { cwd: app, stdio: ["ignore", "pipe", "pipe"] },
    );
    let text = "";
    const http = await new Promise<number>((resolve, reject) => {
      const onData = (d: Buffer) => {
        text += d.toString();
        const m = /http http:\/\/[^:]+:(\d+)\//.exec(text);
        if (m) resolve(Number(m[1]));
      };
      child?.stdout?.on("data", onData);
      child?.stderr?.on("data", onData);
      child?.on("exit", (code) => reject(new Error(`gateway exited (${code}):\n${text}`)));
    });
    const page = await fetch(`http://127.0.0.1:${http}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<script");
    expect((await fetch(`http://127.0.0.1:${http}/healthz`)).status).toBe(200);
  }, 300_000);
});
