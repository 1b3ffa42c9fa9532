import { isVitalsError } from "../../core/errors.js";
import { createLogger } from "../../core/logger.js";
import { type GatewayConfig, loadConfig } from "../../gateway/config.js";
import { Gateway } from "../../gateway/gateway.js";

export interface GatewayFlags {
  config?: string;
  host?: string;
  tcpPort?: number;
  httpPort?: number;
  dataDir?: string;
  mqttPort?: number;
  mqttAnonymous?: boolean;
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
    `vitals gateway listening: tcp ${a.host}:${a.tcpPort}, http http://${shown}:${a.httpPort}/${a.mqttPort === undefined ? "" : `, mqtt ${a.host}:${a.mqttPort}`}\n`,
  );
  if (a.host !== "127.0.0.1" && a.host !== "localhost" && a.host !== "::1") {
    logger.warn(
      { host: a.host },
      "listening beyond loopback: set auth.nodeToken and protect the dashboard (see docs/deployment.md)",
    );
  }
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
