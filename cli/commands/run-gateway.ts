import { isVitalsError } from "../../core/errors.js";
import { createLogger } from "../../core/logger.js";
import { setupCommand } from "../../gateway/auth/http-auth.js";
import { type GatewayConfig, loadConfig } from "../../gateway/config.js";
import { Gateway } from "../../gateway/gateway.js";

/** What the operator must know about access at start-up: lab modes, and how to add the first admin. */
function accessNotice(gateway: Gateway): string {
  const { config } = gateway;
  const lines: string[] = [];
  if (config.auth.openNodes) lines.push("open-nodes lab mode: nodes connect without credentials");
  if (config.auth.insecureHttp)
    lines.push("--insecure-http: plain HTTP beyond loopback (TLS must be done in front)");
  if (gateway.access.control.setupRequired())
    lines.push(
      "no administrator account yet: the dashboard and API answer 503 until you run",
      `  ${setupCommand(config.dataDir)}`,
    );
  return lines.map((l) => `vitals: ${l}\n`).join("");
}

export interface GatewayFlags {
  config?: string;
  host?: string;
  tcpPort?: number;
  httpPort?: number;
  dataDir?: string;
  mqttPort?: number;
  mqttAnonymous?: boolean;
  openNodes?: boolean;
  insecureHttp?: boolean;
  tlsCert?: string;
  tlsKey?: string;
  tlsIngest?: boolean;
}

export function configFrom(flags: GatewayFlags, extra: Record<string, unknown> = {}): GatewayConfig {
  try {
    return loadConfig({
      file: flags.config,
      env: process.env,
      overrides: {
        host: flags.host,
        tcpPort: flags.tcpPort,
        httpPort: flags.httpPort,
        dataDir: flags.dataDir,
        mqtt: { port: flags.mqttPort, anonymous: flags.mqttAnonymous },
        auth: { openNodes: flags.openNodes, insecureHttp: flags.insecureHttp },
        tls:
          flags.tlsCert || flags.tlsKey
            ? { certFile: flags.tlsCert, keyFile: flags.tlsKey, ingest: flags.tlsIngest }
            : undefined,
        ...extra,
      },
    });
  } catch (e) {
    if (isVitalsError(e)) {
      process.stderr.write(`vitals: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
}

/**
 * Starts a gateway, prints where it listens, and stops it cleanly on SIGINT/SIGTERM. A start-up
 * failure (a port in use, an address not on this machine, a data directory it cannot write) is one
 * line on stderr and exit code 2; the stack trace only with --debug.
 */
export async function runGateway(
  config: GatewayConfig,
  onStop?: () => Promise<void>,
  opts: { debug?: boolean } = {},
): Promise<Gateway> {
  const logger = createLogger(config.logLevel);
  let gateway: Gateway | undefined;
  let a: Awaited<ReturnType<Gateway["start"]>>;
  try {
    gateway = new Gateway({ config, logger });
    a = await gateway.start();
  } catch (e) {
    const known = isVitalsError(e);
    process.stderr.write(
      known
        ? `vitals: ${e.message}\n`
        : `vitals: the gateway could not start: ${(e as Error).message}${opts.debug ? "" : " (--debug shows where)"}\n`,
    );
    if (opts.debug) process.stderr.write(`${(e as Error).stack}\n`);
    await gateway?.stop().catch(() => {});
    process.exit(2);
  }
  const started = gateway;
  const shown = a.host === "0.0.0.0" || a.host === "::" ? "127.0.0.1" : a.host;
  process.stdout.write(
    `vitals gateway listening: tcp${config.tls?.ingest ? "+tls" : ""} ${a.host}:${a.tcpPort}, http ${config.tls ? "https" : "http"}://${shown}:${a.httpPort}/${a.mqttPort === undefined ? "" : `, mqtt ${a.host}:${a.mqttPort}`}\n`,
  );
  process.stdout.write(accessNotice(gateway));
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    // The gateway first: it logs no "disconnected" alarms for nodes it closes itself.
    await started.stop();
    await onStop?.();
    logger.flush?.();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop());
  process.once("SIGTERM", () => void stop());
  return started;
}
