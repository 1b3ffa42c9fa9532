import type { Command } from "commander";
import { createLogger } from "../../core/logger.js";
import { SCENARIOS, type ScenarioName } from "../../sensors/sim/scenarios.js";
import { WardSimulator } from "../../sensors/sim/ward-simulator.js";
import { nodeToken, tokenFileHelp, tokenHelp } from "./node-token.js";
import { hostPort, intOption, numberOption } from "./options.js";

export function register(program: Command): void {
  program
    .command("simulate")
    .description("simulated bedside nodes: each patient its own TCP connection speaking protocol v1")
    .option("--patients <n>", "number of patients", intOption(1, 5000), 20)
    .option("--gateway <host:port>", "gateway TCP address", hostPort, { host: "127.0.0.1", port: 7070 })
    .option("--rate <hz>", "readings per second per patient", numberOption(0.01, 100), 1)
    .option(
      "--duration <s>",
      "stop after this many seconds (default: run until interrupted)",
      numberOption(0.1, 1e7),
    )
    .option("--scenario <name>", `one of ${SCENARIOS.join(", ")}`, "ward")
    .option("--legacy", "speak the original design's flat JSON (no hello, no acks)")
    .option("--seed <n>", "random seed, for reproducible runs", intOption(0, 2 ** 31), 1)
    .option("--token-file <file>", tokenFileHelp)
    .option("--token <secret>", tokenHelp)
    .action(async (o) => {
      if (!SCENARIOS.includes(o.scenario)) {
        process.stderr.write(
          `vitals simulate: unknown scenario "${o.scenario}"; choose one of ${SCENARIOS.join(", ")}\n`,
        );
        process.exit(2);
      }
      const sim = new WardSimulator({
        patients: o.patients,
        host: o.gateway.host,
        port: o.gateway.port,
        rateHz: o.rate,
        scenario: o.scenario as ScenarioName,
        legacy: Boolean(o.legacy),
        seed: o.seed,
        token: nodeToken(o),
        logger: createLogger(process.env.VITALS_LOG_LEVEL ?? "warn"),
      });
      sim.start();
      process.stdout.write(
        `simulating ${o.patients} patients → ${o.gateway.host}:${o.gateway.port} (${o.scenario}${o.legacy ? ", legacy JSON" : ""})\n`,
      );
      // The simulator's timers do not keep the process alive (core/time.ts): with the gateway down,
      // nothing else would. It runs until it is signalled or its --duration is up.
      const keepAlive = setInterval(() => {}, 2 ** 31 - 1);
      const stop = async () => {
        clearInterval(keepAlive);
        await sim.stop();
        process.stdout.write(`stopped; ${sim.pending} readings were never acknowledged\n`);
        process.exit(0);
      };
      if (o.duration) setTimeout(() => void stop(), o.duration * 1000);
      process.once("SIGINT", () => void stop());
      process.once("SIGTERM", () => void stop());
    });
}
