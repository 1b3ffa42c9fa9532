import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../mqtt/mosquitto.js";
import { waitFor } from "../support/wait-for.js";

export interface Influxd {
  url: string;
  httpPort: number;
  dir: string;
  /** Stops the server (SIGTERM), keeping its data for restart(). */
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** Stops it and removes its directory. */
  destroy(): Promise<void>;
  output(): string;
}

/**
 * Debian's influxd 1.6 on free loopback ports with everything in a temporary directory (meta,
 * data, WAL), reporting off, the RPC bind-address on loopback too.
 */
export async function startInfluxd(): Promise<Influxd> {
  const dir = mkdtempSync(join(tmpdir(), "vitals-influx-"));
  for (const d of ["meta", "data", "wal"]) mkdirSync(join(dir, d));
  const httpPort = await freePort();
  const rpcPort = await freePort();
  const conf = join(dir, "influxdb.conf");
  writeFileSync(
    conf,
    `reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"
[meta]
  dir = "${join(dir, "meta")}"
[data]
  dir = "${join(dir, "data")}"
  wal-dir = "${join(dir, "wal")}"
  query-log-enabled = false
[http]
  enabled = true
  bind-address = "127.0.0.1:${httpPort}"
  log-enabled = false
[monitor]
  store-enabled = false
[continuous_queries]
  enabled = true
[subscriber]
  enabled = false
`,
  );
  let child: ChildProcess | undefined;
  let out = "";
  let exited: Promise<void> = Promise.resolve();
  const start = async () => {
    const c = spawn("/usr/bin/influxd", ["run", "-config", conf], { stdio: ["ignore", "pipe", "pipe"] });
    child = c;
    c.stdout?.on("data", (d: Buffer) => {
      out = (out + d.toString()).slice(-20_000);
    });
    c.stderr?.on("data", (d: Buffer) => {
      out = (out + d.toString()).slice(-20_000);
    });
    exited = new Promise((r) => c.once("exit", () => r()));
    await waitFor(
      () => {
        if (c.exitCode !== null) throw new Error(`influxd exited (${c.exitCode}):\n${out}`);
        return fetch(`http://127.0.0.1:${httpPort}/ping`).then(
          (r) => r.status === 204,
          () => false,
        );
      },
      () => `influxd to answer /ping:\n${out}`,
      30_000,
    );
  };
  const stop = async () => {
    if (child && child.exitCode === null) child.kill("SIGTERM");
    await exited;
  };
  await start();
  return {
    url: `http://127.0.0.1:${httpPort}`,
    httpPort,
    dir,
    output: () => out,
    stop,
    restart: start,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
