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
    .option(
      "--status-every <s>",
      "seconds between summary lines when stdout is not a terminal (a terminal gets a live line)",
      numberOption(0.1, 86_400),
      10,
    )
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
      const target = `${o.gateway.host}:${o.gateway.port}`;
      process.stdout.write(
        `simulating ${o.patients} patients → ${target} (${o.scenario}${o.legacy ? ", legacy JSON" : ""})\n`,
      );
      const tty = process.stdout.isTTY === true;
      let lastAcked = 0;
      let lastAt = Date.now();
      const line = (): string => {
        const s = sim.summary();
        const now = Date.now();
        const rate = ((s.acked - lastAcked) * 1000) / Math.max(1, now - lastAt);
        lastAcked = s.acked;
        lastAt = now;
        return `connected ${s.connected}/${s.total}, sent ${s.sent}, acked ${s.acked}, pending ${s.pending}, ${rate.toFixed(1)}/s${s.lastError ? `, last error: ${s.lastError}` : ""}`;
      };
      const status = o.legacy
        ? undefined
        : setInterval(
            () => process.stdout.write(tty ? `\r\x1b[2K${line()}` : `${line()}\n`),
            tty ? 1000 : o.statusEvery * 1000,
          );
      // The simulator's timers do not keep the process alive (core/time.ts): with the gateway down,
      // nothing else would. It runs until it is signalled or its --duration is up.
      const keepAlive = setInterval(() => {}, 2 ** 31 - 1);
      let stopping = false;
      const stop = async () => {
        if (stopping) return;
        stopping = true;
        clearInterval(status);
        await sim.drain(3_000);
        clearInterval(keepAlive);
        await sim.stop();
        if (tty) process.stdout.write("\r\x1b[2K");
        const s = sim.summary();
        if (o.legacy) {
          process.stdout.write("stopped (legacy JSON has no acknowledgements)\n");
          process.exit(0);
        }
        process.stdout.write(`stopped: ${line()}\n`);
        const problems: string[] = [];
        if (s.everConnected === 0)
          problems.push(`never reached the gateway at ${target}${s.lastError ? ` (${s.lastError})` : ""}`);
        else if (s.everConnected < s.total)
          problems.push(`${s.total - s.everConnected} of ${s.total} nodes never connected`);
        if (s.lostAcked > 0) problems.push(`the gateway lost ${s.lostAcked} readings it had acknowledged`);
        if (s.dropped > 0) problems.push(`${s.dropped} readings were dropped from full queues`);
        if (s.pending > 0) process.stdout.write(`${s.pending} readings were never acknowledged\n`);
        for (const p of problems) process.stderr.write(`vitals simulate: ${p}\n`);
        process.exit(problems.length > 0 ? 1 : 0);
      };
      if (o.duration) setTimeout(() => void stop(), o.duration * 1000);
      process.once("SIGINT", () => void stop());
      process.once("SIGTERM", () => void stop());
    });
}
