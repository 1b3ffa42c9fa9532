/**
 * Login-flood bench (`node --import tsx test/bench/mqtt-login-flood.ts`): a gateway in its own
 * process with one scrypt-hashed MQTT account; TCP nodes send readings at a fixed ward load and
 * time each ack, first alone, then while MQTT clients retry wrong passwords as fast as the broker
 * answers. Prints one JSON line: ingest ack p50/p99 in both phases and the login attempts made.
 * Issue 10 measured p99 ~10 ms → 405 ms with 8 clients when scrypt ran on the event loop.
 * Options: --clients 8 --duration 5 --connections 20 --rate 1000
 *          --throttle on|off (off, the default: raise the failed-login limits so every attempt
 *          costs a full scrypt, which is what is being measured; on: the gateway's defaults)
 */
import { connect, type Socket } from "node:net";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import mqtt from "mqtt";
import { LineSplitter } from "../../core/protocol/line-splitter.js";
import { hashPassword } from "../../gateway/mqtt/password-hash.js";
import { benchLimits, spawnGateway } from "../harness/gateway-process.js";

const { values: args } = parseArgs({
  options: {
    clients: { type: "string", default: "8" },
    duration: { type: "string", default: "5" },
    connections: { type: "string", default: "20" },
    rate: { type: "string", default: "1000" },
    throttle: { type: "string", default: "off" },
  },
});
const clients = Number(args.clients);
const durationS = Number(args.duration);
const connections = Number(args.connections);
const perConnection = Number(args.rate) / connections;
const throttled = args.throttle === "on";

const gw = await spawnGateway({
  limits: {
    ...benchLimits(connections + clients),
    ...(throttled ? {} : { failedLoginsPerAddress: 1e9, failedLoginsPerAccount: 1e9 }),
  },
  mqtt: {
    nodes: [{ username: "node-a", passwordHash: hashPassword("right-password"), ward: "w", bed: "A" }],
  },
});

let latencies: number[] = [];
let running = true;

/** A TCP node offering `perConnection` readings/s and timing each ack. */
class PacedNode {
  private seq = 0;
  private readonly sentAt = new Map<number, number>();
  private readonly splitter = new LineSplitter(1 << 16);
  private credit = 0;
  private creditAt = performance.now();
  readonly ready: Promise<void>;

  constructor(
    private readonly socket: Socket,
    id: number,
  ) {
    socket.setNoDelay(true);
    let welcomed = () => {};
    this.ready = new Promise((r) => {
      welcomed = r;
    });
    socket.on("data", (chunk: Buffer) => {
      for (const ev of this.splitter.push(chunk)) {
        if (ev.kind !== "line") continue;
        const f = JSON.parse(ev.line) as { type: string; seq?: number };
        if (f.type === "welcome") welcomed();
        if (f.type !== "ack") continue;
        const now = performance.now();
        for (const [s, t] of this.sentAt) {
          if (s > (f.seq as number)) break;
          latencies.push(now - t);
          this.sentAt.delete(s);
        }
      }
    });
    socket.write(`${JSON.stringify({ type: "hello", proto: 1, node: `flood-${id}`, bed: `Bed-${id}` })}\n`);
  }

  fill(): void {
    const now = performance.now();
    this.credit = Math.min(64, this.credit + ((now - this.creditAt) / 1000) * perConnection);
    this.creditAt = now;
    let text = "";
    while (this.credit >= 1) {
      this.credit--;
      const seq = ++this.seq;
      this.sentAt.set(seq, now);
      text += `{"type":"vitals","seq":${seq},"t":${Date.now()},"hr":72,"spo2":97,"temp":36.8}\n`;
    }
    if (text) this.socket.write(text);
  }
}

const nodes = Array.from(
  { length: connections },
  (_, i) => new PacedNode(connect(gw.tcpPort, "127.0.0.1"), i),
);
await Promise.all(nodes.map((n) => n.ready));
const pacer = setInterval(() => {
  for (const n of nodes) n.fill();
}, 2);

function percentiles(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) =>
    Number((s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? Number.NaN).toFixed(2));
  return { p50: at(0.5), p99: at(0.99), max: at(1), acks: s.length };
}

async function phase(): Promise<ReturnType<typeof percentiles>> {
  latencies = [];
  await new Promise((r) => setTimeout(r, durationS * 1000));
  return percentiles(latencies);
}

await new Promise((r) => setTimeout(r, 1000)); // warm-up
const alone = await phase();

let attempts = 0;
/** Retries a wrong password as soon as the broker answers, until the bench stops. */
async function guesser(i: number): Promise<void> {
  while (running) {
    await new Promise<void>((resolve) => {
      const c = mqtt.connect(`mqtt://127.0.0.1:${gw.mqttPort}`, {
        clientId: `guesser-${i}`,
        username: "node-a",
        password: `wrong-${attempts}`,
        reconnectPeriod: 0,
        connectTimeout: 10_000,
      });
      const done = () => {
        attempts++;
        c.end(true);
        resolve();
      };
      c.once("error", done);
      c.once("connect", done);
      c.once("close", done);
    });
  }
}
const flood = Array.from({ length: clients }, (_, i) => guesser(i));
const during = await phase();
running = false;
clearInterval(pacer);
await Promise.all(flood);
gw.child.kill("SIGTERM");
await gw.exited;

process.stdout.write(
  `${JSON.stringify({
    bench: "mqtt-login-flood",
    ingest_ack_ms_alone: alone,
    ingest_ack_ms_during_login_flood: during,
    login_clients: clients,
    login_attempts: attempts,
    login_attempts_per_s: Math.round(attempts / durationS),
    failed_login_limits: throttled ? "defaults" : "raised (every attempt runs scrypt)",
    offered_readings_per_s: Number(args.rate),
    connections,
    duration_s: durationS,
    cores: cpus().length,
    load_average: loadavg().map((l) => Number(l.toFixed(1))),
    node: process.version,
  })}\n`,
);
process.exit(0);
