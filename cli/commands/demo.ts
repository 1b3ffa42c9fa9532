import type { Command } from "commander";
import { WardSimulator } from "../../sensors/sim/ward-simulator.js";
import { intOption } from "./options.js";
import { configFrom, runGateway } from "./run-gateway.js";

export function register(program: Command): void {
  program
    .command("demo")
    .description("gateway + a simulated ward of 20 patients + dashboard, on embedded defaults")
    .option("--patients <n>", "number of simulated patients", intOption(1, 500), 20)
    .option("--config <file>", "JSON config file")
    .option("--tcp-port <n>", "node ingest port (default 7070)", intOption(0, 65535))
    .option("--http-port <n>", "dashboard port (default 8080)", intOption(0, 65535))
    .option("--data-dir <dir>", "where the SQLite database lives (default ./data)")
    .option(
      "--mqtt-port <n>",
      "embedded MQTT broker port, 0 = any free port (default 1883)",
      intOption(0, 65535),
    )
    .option("--debug", "print stack traces of start-up errors")
    .action(async (o) => {
      // Demo mode: loopback only, signed in automatically, nodes without credentials (docs/security.md).
      const config = configFrom(o, {
        logLevel: process.env.VITALS_LOG_LEVEL ?? "warn",
        host: "127.0.0.1",
        auth: { demo: true, openNodes: true },
      });
      let sim: WardSimulator | undefined;
      const gateway = await runGateway(config, async () => sim?.stop(), { debug: o.debug });
      const addr = gateway.address as NonNullable<typeof gateway.address>;
      sim = new WardSimulator({
        patients: o.patients,
        host: "127.0.0.1",
        port: addr.tcpPort,
        rateHz: 1,
        scenario: "ward",
        seed: Date.now() % 100_000,
        token: config.auth.nodeToken,
      });
      sim.start();
      process.stdout.write(
        `\n  Dashboard: http://127.0.0.1:${addr.httpPort}/   (${o.patients} simulated patients; Ctrl-C to stop)\n` +
          "  DEMO MODE: anyone on this computer is signed in automatically as 'demo' (every permission),\n" +
          "  and nodes connect without credentials. It listens on loopback only. For real use add users\n" +
          "  (vitals users add <name> --role admin) and run vitals gateway (docs/security.md).\n\n",
      );
    });
}
