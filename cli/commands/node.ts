import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { type Command, InvalidArgumentError, Option } from "commander";
import { isVitalsError } from "../../core/errors.js";
import { createLogger } from "../../core/logger.js";
import { systemTime } from "../../core/time.js";
import { DEFAULT_OUTBOX_CAPACITY, DiskOutbox } from "../../sensors/node/disk-outbox.js";
import {
  type DriverContext,
  describeDrivers,
  type ResolvedSensor,
  resolveSensor,
} from "../../sensors/node/drivers.js";
import { FirmataBoards } from "../../sensors/node/firmata-boards.js";
import { NodeAgent, type NodeSensor } from "../../sensors/node/node-agent.js";
import { defaultNodeId, outboxFileName } from "../../sensors/node/node-id.js";
import { nodeToken, tokenFileHelp, tokenHelp } from "./node-token.js";
import { hostPort, intOption, numberOption } from "./options.js";

const ID = /^[\p{L}\p{N} ._:/#-]{1,64}$/u;
function idOption(what: string) {
  return (v: string): string => {
    if (!ID.test(v)) throw new InvalidArgumentError(`${what}: 1–64 letters, digits, space and . _ : / # -`);
    return v;
  };
}

function collectSensor(v: string, prev: ResolvedSensor[]): ResolvedSensor[] {
  try {
    return [...prev, resolveSensor(v)];
  } catch (e) {
    if (isVitalsError(e)) throw new InvalidArgumentError(e.message);
    throw e;
  }
}

export function register(program: Command): void {
  program
    .command("node")
    .description("bedside node agent: read sensors, queue readings on disk, deliver them to the gateway")
    .requiredOption("--gateway <host:port>", "gateway TCP address", hostPort)
    .requiredOption("--bed <label>", "bed this node is attached to", idOption("--bed"))
    .option("--patient <id>", "patient id, if known at the bedside", idOption("--patient"))
    .option("--ward <name>", "ward name", idOption("--ward"))
    .option(
      "--node-id <id>",
      "node id (default: <hostname>/<bed>, stable across restarts)",
      idOption("--node-id"),
    )
    .addOption(
      new Option("--sensor <driver[:opts]>", "a sensor; repeat for several (sim: a simulated patient)")
        .argParser(collectSensor)
        .default([]),
    )
    .option("--rate <hz>", "readings per second sent to the gateway", numberOption(0.01, 200), 1)
    .option("--data-dir <dir>", "where the outbox (queued readings) lives", "node-data")
    .option(
      "--outbox-capacity <n>",
      "most readings queued; beyond, the oldest are dropped",
      intOption(1, 1e9),
      DEFAULT_OUTBOX_CAPACITY,
    )
    .option(
      "--sync <mode>",
      "outbox durability: full (survives power loss) or normal (survives a crash)",
      "full",
    )
    .option(
      "--reconnect-max <s>",
      "longest wait between reconnection attempts, s (attempts back off from 0.25 s with jitter)",
      numberOption(0.5, 3600),
      10,
    )
    .option(
      "--gateway-lost-alarm <s>",
      "sound a local technical alarm (buzzer, else the log) when the gateway is unreachable this long, s (0 = never)",
      numberOption(0, 86_400),
      30,
    )
    .option("--token-file <file>", tokenFileHelp)
    .option("--tls-ca <file>", "connect over TLS, trusting this CA certificate (the gateway's ca.crt)")
    .option("--token <secret>", tokenHelp)
    .option(
      "--status-every <s>",
      "log the agent's status this often, s (0 = never)",
      numberOption(0, 86_400),
      60,
    )
    .addHelpText("after", `\nSensor drivers (--sensor <driver>:key=value,...):\n${describeDrivers()}\n`)
    .action(async (o) => {
      const fail = (msg: string): never => {
        process.stderr.write(`vitals node: ${msg}\n`);
        process.exit(2);
      };
      if (o.sync !== "full" && o.sync !== "normal") fail(`--sync must be full or normal, not "${o.sync}"`);
      const logger = createLogger(process.env.VITALS_LOG_LEVEL ?? "info");
      const nodeId: string = o.nodeId ?? defaultNodeId(hostname(), o.bed);
      // No default sensor: an agent that quietly simulated a patient would put made-up vitals on a real bed.
      const resolved: ResolvedSensor[] = o.sensor;
      if (resolved.length === 0)
        fail("give at least one --sensor (e.g. --sensor sim for a simulated patient)");
      const simulated = resolved.some((r) => r.definition.name === "sim");
      const boards = new FirmataBoards({ logger: logger.child({ ns: "firmata" }) });
      const ctx: DriverContext = {
        rateHz: o.rate,
        time: systemTime,
        logger,
        openBoard: (port) => boards.open(port),
      };
      const counts = new Map<string, number>();
      const sensors: NodeSensor[] = [];
      for (const r of resolved) {
        const n = (counts.get(r.definition.name) ?? 0) + 1;
        counts.set(r.definition.name, n);
        let create: NodeSensor["create"];
        try {
          create = r.definition.prepare(r.options, {
            ...ctx,
            logger: logger.child({ sensor: r.spec.driver }),
          });
        } catch (e) {
          if (isVitalsError(e)) fail(e.message);
          throw e;
        }
        sensors.push({
          label: n === 1 ? r.definition.name : `${r.definition.name}#${n}`,
          parameters: r.definition.parameters,
          create,
        });
      }
      const file = join(resolve(o.dataDir), outboxFileName(nodeId));
      let outbox: DiskOutbox;
      try {
        outbox = new DiskOutbox({
          file,
          capacity: o.outboxCapacity,
          synchronous: o.sync,
          logger: logger.child({ ns: "outbox" }),
        });
      } catch (e) {
        return fail(`cannot open the outbox ${file}: ${(e as Error).message}`);
      }
      let token: string | undefined;
      let tlsCa: { ca: Buffer } | undefined;
      try {
        token = nodeToken(o);
        if (o.tlsCa) tlsCa = { ca: readFileSync(o.tlsCa) };
      } catch (e) {
        return fail((e as Error).message);
      }
      const agent = new NodeAgent({
        gateway: { ...o.gateway, tls: tlsCa },
        hello: {
          node: nodeId,
          bed: o.bed,
          // Tells the gateway's operators that the values are simulated.
          fw: simulated ? "vitals-node/0.1+sim" : "vitals-node/0.1",
          ...(o.patient ? { patient: o.patient } : {}),
          ...(o.ward ? { ward: o.ward } : {}),
          ...(token ? { token } : {}),
        },
        sensors,
        outbox,
        rateHz: o.rate,
        backoff: { initialMs: 250, maxMs: o.reconnectMax * 1000 },
        gatewayLostAlarmMs: o.gatewayLostAlarm * 1000,
        logger,
      });
      let statusTimer: NodeJS.Timeout | undefined;
      // The agent's timers do not keep the process alive (core/time.ts): with the gateway down and no
      // port open, nothing else would. It runs until it is signalled.
      const keepAlive = setInterval(() => {}, 2 ** 31 - 1);
      let stopping = false;
      const stop = async () => {
        if (stopping) return;
        stopping = true;
        clearInterval(statusTimer);
        clearInterval(keepAlive);
        const lastSeq = outbox.lastSeq();
        await agent.stop({ drainMs: 5_000 });
        await boards.close();
        const s = agent.status();
        logger.flush?.();
        // stdout is a pipe under systemd or a test: exit only once the last line has been written.
        process.stdout.write(
          `stopped: last seq ${lastSeq}, pending ${s.pending}, dropped ${s.dropped}\n`,
          () => process.exit(0),
        );
      };
      // Handlers before the start line: whoever reads that line may signal at once.
      process.once("SIGINT", () => void stop());
      process.once("SIGTERM", () => void stop());
      agent.start();
      process.stdout.write(
        `vitals node ${nodeId} (bed ${o.bed}) → ${o.gateway.host}:${o.gateway.port}; sensors: ${sensors.map((s) => s.label).join(", ")}; outbox ${file} (${outbox.size} pending, last seq ${outbox.lastSeq()})\n`,
      );
      statusTimer =
        o.statusEvery > 0
          ? setInterval(() => logger.info(agent.status(), "status"), o.statusEvery * 1000)
          : undefined;
    });
}
