import type { Command } from "commander";
import { intOption } from "./options.js";
import { configFrom, runGateway } from "./run-gateway.js";

export function register(program: Command): void {
  program
    .command("gateway")
    .description("run the gateway: TCP ingest, storage, alerts, live API and dashboard")
    .option("--config <file>", "JSON config file (see docs/deployment.md)")
    .option("--host <address>", "address to listen on (default 127.0.0.1)")
    .option("--tcp-port <n>", "node ingest port, 0 = any free port (default 7070)", intOption(0, 65535))
    .option(
      "--http-port <n>",
      "API and dashboard port, 0 = any free port (default 8080)",
      intOption(0, 65535),
    )
    .option("--data-dir <dir>", "where the SQLite database lives (default ./data)")
    .option(
      "--mqtt-port <n>",
      "embedded MQTT broker port, 0 = any free port (default 1883)",
      intOption(0, 65535),
    )
    .option("--mqtt-anonymous", "lab only: let MQTT nodes connect without credentials")
    .option("--debug", "print stack traces of start-up errors")
    .option("--open-nodes", "lab only: let TCP nodes connect without credentials (auth.openNodes)")
    .option("--tls-cert <file>", "serve HTTPS with this PEM certificate (see vitals certs init)")
    .option("--tls-key <file>", "… and this PEM private key")
    .option("--tls-ingest", "serve TCP node ingest over TLS too (nodes connect with --tls-ca)")
    .option(
      "--insecure-http",
      "serve plain HTTP on a non-loopback --host: only behind a reverse proxy that terminates TLS",
    )
    .action(async (flags) => {
      await runGateway(configFrom(flags), undefined, { debug: flags.debug });
    });
}
