import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { watchChild } from "../support/child-output.js";

const BIN = fileURLToPath(new URL("../../bin/vitals.js", import.meta.url));

export interface GatewayProcess {
  child: ChildProcess;
  tcpPort: number;
  httpPort: number;
  /** Embedded MQTT broker port, when the gateway runs one. */
  mqttPort: number | undefined;
  dataDir: string;
  output: () => string;
  /** Resolves with the exit code or signal when the process ends. */
  exited: Promise<number | string>;
}

/**
 * Per-source limits out of the way of a bench: its nodes all connect at once from one address,
 * each sending as fast as acknowledgements allow.
 */
export function benchLimits(connections: number): Record<string, number> {
  return {
    linesPerSecond: 1e9,
    burstLines: 1e9,
    maxReadingsPerNodePerMinute: 1e12,
    maxPendingConnections: connections + 10,
    maxPendingPerAddress: connections + 10,
    maxBedsWithoutAuth: connections + 10,
  };
}

/** Runs `vitals gateway` as a separate process on free loopback ports, for benches and crash tests. */
export async function spawnGateway(
  config: Record<string, unknown> = {},
  dataDir?: string,
  nodeArgs: string[] = [],
  /** Fixed ports, e.g. to restart a killed gateway where its nodes will look for it (default: free ports). */
  fixedPorts: { tcp?: number; http?: number } = {},
): Promise<GatewayProcess> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), "vitals-proc-"));
  const configFile = join(dir, "gateway.json");
  writeFileSync(
    configFile,
    JSON.stringify({
      logLevel: "warn",
      ...config,
      alerts: { console: false, ...((config.alerts as object) ?? {}) },
      // The harness's lab defaults (open nodes, the loopback demo user): see test/harness/gateway.ts.
      auth: { openNodes: true, demo: true, ...((config.auth as object) ?? {}) },
    }),
  );
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      BIN,
      "gateway",
      "--config",
      configFile,
      "--tcp-port",
      String(fixedPorts.tcp ?? 0),
      "--http-port",
      String(fixedPorts.http ?? 0),
      "--data-dir",
      dir,
      // A fixed MQTT port (for restart tests) comes from the config; otherwise any free one.
      "--mqtt-port",
      String((config.mqtt as { port?: number } | undefined)?.port ?? 0),
    ],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const watched = watchChild(child);
  const m = await watched.started(
    /tcp [^ ]+:(\d+), http http:\/\/[^:]+:(\d+)\/(?:, mqtt [^ ]+:(\d+))?\n/,
    "gateway",
  );
  const ports = {
    tcp: Number(m[1]),
    http: Number(m[2]),
    mqtt: m[3] === undefined ? undefined : Number(m[3]),
  };
  return {
    child,
    tcpPort: ports.tcp,
    httpPort: ports.http,
    mqttPort: ports.mqtt,
    dataDir: dir,
    output: watched.output,
    exited: watched.exited,
  };
}
