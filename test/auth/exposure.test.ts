import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { isVitalsError } from "../../core/errors.js";
import { startTestGateway } from "../harness/gateway.js";
import { SECURE } from "./auth-kit.js";

const BIN = fileURLToPath(new URL("../../bin/vitals.js", import.meta.url));
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), "vitals-exposure-"));
  dirs.push(d);
  return d;
};
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill("SIGTERM");
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Starts `vitals …` and resolves once stdout matches `ready` (with everything printed so far). */
function startCli(args: string[], ready: RegExp): Promise<{ out: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, VITALS_LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      if (ready.test(out)) resolve({ out, child });
    });
    child.stderr?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.on("exit", (code) => reject(new Error(`exited ${code} before ready: ${out}`)));
  });
}

function runCli(args: string[]): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    out += d.toString();
  });
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, out })));
}

/** A GET with a chosen Host header (fetch does not let a test set it). */
function getWithHost(port: number, path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

const lanConfig = () => {
  const file = join(tmp(), "lan.json");
  writeFileSync(file, JSON.stringify({ mqtt: { mode: "off" } }));
  return file;
};

describe("no accidental exposure", () => {
  it("refuses plain HTTP beyond loopback unless --insecure-http, and says why", async () => {
    await expect(startTestGateway({ config: { host: "0.0.0.0", auth: SECURE } })).rejects.toSatisfy(
      (e: unknown) =>
        isVitalsError(e, "config.invalid") && /refusing plain HTTP on 0\.0\.0\.0/.test(e.message),
    );
    const gw = await startTestGateway({
      config: { host: "0.0.0.0", auth: { ...SECURE, insecureHttp: true } },
    });
    expect((await fetch(`http://127.0.0.1:${gw.httpPort}/healthz`)).status).toBe(200);
    await gw.stop();

    const cli = await runCli([
      "gateway",
      "--host",
      "0.0.0.0",
      "--config",
      lanConfig(),
      "--data-dir",
      tmp(),
      "--tcp-port",
      "0",
      "--http-port",
      "0",
    ]);
    expect(cli.code).toBe(2);
    expect(cli.out).toContain("vitals: refusing plain HTTP on 0.0.0.0: passwords, session cookies, tokens");
    expect(cli.out).toContain("--insecure-http");
  });

  it("refuses anonymous MQTT beyond loopback", async () => {
    await expect(
      startTestGateway({
        config: { host: "0.0.0.0", auth: { ...SECURE, insecureHttp: true }, mqtt: { anonymous: true } },
      }),
    ).rejects.toThrow(/mqtt\.anonymous lets anyone publish readings for any bed/);
  });

  it("refuses demo mode beyond loopback", async () => {
    await expect(
      startTestGateway({ config: { host: "0.0.0.0", auth: { demo: true, insecureHttp: true } } }),
    ).rejects.toThrow(
      /demo mode signs in everyone on this computer automatically, so it listens on loopback only/,
    );
  });

  it("a gateway without an administrator answers 503 with the command to run, printed at start-up too", async () => {
    const dir = tmp();
    const { out } = await startCli(
      ["gateway", "--config", lanConfig(), "--data-dir", dir, "--tcp-port", "0", "--http-port", "0"],
      /until you run\nvitals: {3}vitals users add/,
    );
    const command = `vitals users add <name> --role admin --data-dir ${dir}`;
    expect(out).toContain(
      `no administrator account yet: the dashboard and API answer 503 until you run\nvitals:   ${command}`,
    );
    const port = Number(/http:\/\/127\.0\.0\.1:(\d+)\//.exec(out)?.[1]);
    for (const path of ["/", "/api/beds", "/api/session"]) {
      const r = await fetch(`http://127.0.0.1:${port}${path}`);
      expect(r.status, path).toBe(503);
      expect(((await r.json()) as { message: string }).message).toContain(command);
    }
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(await health.json()).toMatchObject({
      status: "ok",
      setup_required: true,
      demo: false,
      open_nodes: false,
    });
  });

  it("the demo runs in seconds on loopback, signed in as 'demo', and says so", async () => {
    const { out } = await startCli(
      [
        "demo",
        "--patients",
        "2",
        "--config",
        lanConfig(),
        "--data-dir",
        tmp(),
        "--tcp-port",
        "0",
        "--http-port",
        "0",
      ],
      /DEMO MODE[\s\S]*docs\/security\.md/,
    );
    expect(out).toContain("anyone on this computer is signed in automatically as 'demo'");
    expect(out).toContain("open-nodes lab mode: nodes connect without credentials");
    const port = Number(/Dashboard: http:\/\/127\.0\.0\.1:(\d+)\//.exec(out)?.[1]);
    const url = `http://127.0.0.1:${port}`;
    expect(await (await fetch(`${url}/healthz`)).json()).toMatchObject({ demo: true, open_nodes: true });
    expect(await (await fetch(`${url}/api/session`)).json()).toMatchObject({ user: "demo", kind: "demo" });
    await expect
      .poll(
        async () => ((await (await fetch(`${url}/api/beds`)).json()) as { beds: unknown[] }).beds.length,
        {
          timeout: 15_000,
        },
      )
      .toBe(2);
    // A page reached through another name (DNS rebinding) does not get the demo's loopback trust.
    expect(await getWithHost(port, "/api/beds", `127.0.0.1:${port}`)).toBe(200);
    expect(await getWithHost(port, "/api/beds", "evil.example")).toBe(401);
    // Nor does another origin's page for changes.
    const r = await fetch(`${url}/api/beds/Bed-1/pause`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: "http://evil.example" },
      body: "{}",
    });
    expect(r.status).toBe(403);
  });
});
