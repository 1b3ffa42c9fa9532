/**
 * MQTT ingest benchmark (`npm run bench -- --mode mqtt`): N MQTT nodes publishing QoS 1 readings,
 * each with a window of unacknowledged publishes, first through the gateway's embedded broker, then
 * (same run, same machine) through Mosquitto with the gateway in external broker mode. Prints one
 * JSON line. Options: --connections N --duration S --window W
 */
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import mqtt, { type MqttClient } from "mqtt";
import { encodeFrame } from "../../core/protocol/codec.js";
import { topicFor } from "../../gateway/mqtt/topics.js";
import { benchLimits, type GatewayProcess, spawnGateway } from "../harness/gateway-process.js";
import { startMosquitto } from "../mqtt/mosquitto.js";
import { vitals } from "../support/frames.js";

const { values: args } = parseArgs({
  options: {
    mode: { type: "string", default: "mqtt" },
    connections: { type: "string", default: "50" },
    duration: { type: "string", default: "10" },
    window: { type: "string", default: "32" },
  },
});
const connections = Number(args.connections);
const durationS = Number(args.duration);
const window = Number(args.window);
const WARD = "bench";

async function storedTotal(gw: GatewayProcess): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${gw.httpPort}/metrics`)).text();
  return Number(/^vitals_readings_stored_total (\d+)/m.exec(text)?.[1] ?? 0);
}

interface RunResult {
  readings_per_s: number;
  puback_per_s: number;
  puback_latency_ms: { p50: number; p99: number; max: number };
}

/** Runs N publishers against `url` and measures stored readings/s at the gateway and PUBACKs/s at the clients. */
async function run(
  url: string,
  gw: GatewayProcess,
  auth: { username?: string; password?: string },
): Promise<RunResult> {
  const latencies: number[] = [];
  let acked = 0;
  let measuring = false;
  let running = true;
  const clients: MqttClient[] = [];
  const pumps: (() => void)[] = [];
  for (let i = 1; i <= connections; i++) {
    const c = mqtt.connect(url, { clientId: `bench-${i}`, clean: true, reconnectPeriod: 0, ...auth });
    clients.push(c);
    const topic = topicFor("reading", WARD, `Bed-${i}`);
    let seq = 0;
    let inflight = 0;
    const pump = () => {
      while (running && inflight < window) {
        const s = ++seq;
        inflight++;
        const sent = performance.now();
        const body = encodeFrame(
          vitals(s, { t: Date.now(), hr: 60 + (s % 40), spo2: 90 + (s % 10), temp: (360 + (s % 30)) / 10 }),
        );
        c.publish(topic, body, { qos: 1 }, () => {
          inflight--;
          if (measuring) {
            acked++;
            latencies.push(performance.now() - sent);
          }
          pump();
        });
      }
    };
    pumps.push(pump);
  }
  await Promise.all(clients.map((c) => new Promise((r) => c.once("connect", r))));
  for (const p of pumps) p();
  await new Promise((r) => setTimeout(r, 1000)); // warm-up
  const stored0 = await storedTotal(gw);
  measuring = true;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, durationS * 1000));
  measuring = false;
  const stored1 = await storedTotal(gw);
  const elapsed = (performance.now() - t0) / 1000;
  running = false;
  await Promise.all(clients.map((c) => c.endAsync(true)));
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    Number(
      (latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? Number.NaN).toFixed(2),
    );
  return {
    readings_per_s: Math.round((stored1 - stored0) / elapsed),
    puback_per_s: Math.round(acked / elapsed),
    puback_latency_ms: { p50: pct(0.5), p99: pct(0.99), max: pct(1) },
  };
}

const limits = { ...benchLimits(connections), maxConnections: connections + 10 };

// 1. Embedded aedes broker: PUBACK = stored in SQLite.
const embedded = await spawnGateway({ limits, mqtt: { anonymous: true, ward: WARD } });
const viaEmbedded = await run(`mqtt://127.0.0.1:${embedded.mqttPort}`, embedded, {});
embedded.child.kill("SIGTERM");
await embedded.exited;

// 2. Reference: Mosquitto, the gateway subscribed in external broker mode (PUBACK = Mosquitto has it).
const mosq = await startMosquitto([
  { username: "gw", password: "gw-pw", acl: ["topic readwrite vitals/#"] },
  { username: "bench", password: "bench-pw", acl: ["topic write vitals/#"] },
]);
process.env.VITALS_BENCH_GW_PW = "gw-pw";
const external = await spawnGateway({
  limits,
  mqtt: {
    mode: "external",
    ward: WARD,
    external: { url: mosq.url, username: "gw", passwordEnv: "VITALS_BENCH_GW_PW" },
  },
});
const viaMosquitto = await run(mosq.url, external, { username: "bench", password: "bench-pw" });
external.child.kill("SIGTERM");
await external.exited;
await mosq.stop();

process.stdout.write(
  `${JSON.stringify({
    bench: "ingest-mqtt",
    embedded_aedes: viaEmbedded,
    mosquitto_external_mode: viaMosquitto,
    connections,
    window,
    duration_s: durationS,
    loadavg_1m: Number(loadavg()[0]?.toFixed(2)),
    cores: cpus().length,
    cpu: cpus()[0]?.model,
    node: process.version,
  })}\n`,
);
process.exit(0);
