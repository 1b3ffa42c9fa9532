/**
 * Ingest benchmark (`npm run bench`): a gateway in its own process, N node connections sending
 * vitals as fast as a window of unacknowledged readings allows, for a fixed time. Prints one JSON
 * line. Options: --connections N --duration S --window W --sync normal|full
 * `--mode mqtt` runs the MQTT bench instead (test/bench/ingest-mqtt.ts).
 */
import { readFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { cpus } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { encodeFrame } from "../../core/protocol/codec.js";
import { PROTO_VERSION } from "../../core/protocol/frames.js";
import { LineSplitter } from "../../core/protocol/line-splitter.js";
import { benchLimits, spawnGateway } from "../harness/gateway-process.js";
import { vitals } from "../support/frames.js";

const { values: args } = parseArgs({
  options: {
    connections: { type: "string", default: "200" },
    duration: { type: "string", default: "10" },
    window: { type: "string", default: "64" },
    sync: { type: "string", default: "normal" },
    profile: { type: "string" },
    "no-alarms": { type: "boolean", default: false },
    mode: { type: "string", default: "tcp" },
    /** Offered load in readings/s over all connections (default: as fast as acks allow). */
    rate: { type: "string" },
  },
});
if (args.mode === "mqtt") await import("./ingest-mqtt.js"); // runs to completion and exits
const connections = Number(args.connections);
const durationS = Number(args.duration);
const window = Number(args.window);
const perConnectionRate = args.rate === undefined ? undefined : Number(args.rate) / connections;

const gw = await spawnGateway(
  {
    storage: { synchronous: args.sync },
    alarmEngine: !args["no-alarms"],
    // Every bench node connects at once from one address and sends as fast as acks allow.
    limits: { ...benchLimits(connections), maxConnections: connections + 10 },
  },
  undefined,
  args.profile ? ["--cpu-prof", `--cpu-prof-dir=${args.profile}`] : [],
);

const latencies: number[] = [];
let acked = 0;
let measuring = false;
let running = true;

class BenchNode {
  private seq = 0;
  private ackedSeq = 0;
  private readonly sentAt = new Map<number, number>();
  private readonly splitter = new LineSplitter(1 << 16);
  ready: Promise<void>;

  constructor(
    private readonly socket: Socket,
    id: number,
  ) {
    socket.setNoDelay(true);
    let welcomed: () => void = () => {};
    this.ready = new Promise((r) => {
      welcomed = r;
    });
    socket.on("data", (chunk: Buffer) => {
      for (const ev of this.splitter.push(chunk)) {
        if (ev.kind !== "line") continue;
        const f = JSON.parse(ev.line) as { type: string; seq?: number };
        if (f.type === "welcome") welcomed();
        else if (f.type === "ack") this.onAck(f.seq as number);
      }
    });
    socket.write(
      encodeFrame({
        type: "hello",
        proto: PROTO_VERSION,
        node: `bench-${id}`,
        bed: `Bed-${id}`,
        patient: `P${id}`,
      }),
    );
  }

  private onAck(seq: number): void {
    const now = performance.now();
    for (let s = this.ackedSeq + 1; s <= seq; s++) {
      const t = this.sentAt.get(s);
      this.sentAt.delete(s);
      if (measuring && t !== undefined) {
        latencies.push(now - t);
        acked++;
      }
    }
    this.ackedSeq = Math.max(this.ackedSeq, seq);
    this.fill();
  }

  /** Readings this connection may still send under --rate (Infinity without it). */
  private credit = perConnectionRate === undefined ? Number.POSITIVE_INFINITY : 0;
  private creditAt = performance.now();

  fill(): void {
    if (!running) return;
    let text = "";
    const now = performance.now();
    const t = Date.now();
    if (perConnectionRate !== undefined) {
      // A fixed offered load: credit accrues at the per-connection rate, at most one window's worth.
      this.credit = Math.min(window, this.credit + ((now - this.creditAt) / 1000) * perConnectionRate);
      this.creditAt = now;
    }
    while (this.seq - this.ackedSeq < window && this.credit >= 1) {
      this.credit--;
      const seq = ++this.seq;
      this.sentAt.set(seq, now);
      text += encodeFrame(
        vitals(seq, { t, hr: 60 + (seq % 40), spo2: 90 + (seq % 10), temp: (360 + (seq % 30)) / 10 }),
      );
    }
    if (text) this.socket.write(text);
  }

  get lastAcked(): number {
    return this.ackedSeq;
  }
}

const nodes: BenchNode[] = [];
for (let i = 1; i <= connections; i++) {
  const s = connect(gw.tcpPort, "127.0.0.1");
  nodes.push(new BenchNode(s, i));
}
await Promise.all(nodes.map((n) => n.ready));
for (const n of nodes) n.fill();
const pacer =
  perConnectionRate === undefined
    ? undefined
    : setInterval(() => {
        for (const n of nodes) n.fill();
      }, 2);
await new Promise((r) => setTimeout(r, 1000)); // warm-up
measuring = true;
const t0 = performance.now();
await new Promise((r) => setTimeout(r, durationS * 1000));
measuring = false;
const elapsed = (performance.now() - t0) / 1000;
clearInterval(pacer);
running = false;

const status = readFileSync(`/proc/${gw.child.pid}/status`, "utf8");
const metrics = await (await fetch(`http://127.0.0.1:${gw.httpPort}/metrics`)).text();

/** Upper bound of the bucket holding the given quantile of a Prometheus histogram, in ms. */
function histogramQuantileMs(name: string, q: number): number | string | null {
  const buckets = [...metrics.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\d+)`, "gm"))].map(
    (m) => [Number(m[1]), Number(m[2])] as const,
  );
  const total = buckets.at(-1)?.[1] ?? 0;
  if (total === 0) return null;
  const hit = buckets.find(([, n]) => n >= q * total);
  if (!hit) return null;
  return Number.isFinite(hit[0]) ? hit[0] * 1000 : "above the largest bucket";
}
const rssKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
await new Promise((r) => setTimeout(r, 500));

// Durability check: every acked reading must be in SQLite after the gateway is killed with SIGKILL.
// (When profiling, stop it gracefully instead so the profile gets written.)
gw.child.kill(args.profile ? "SIGTERM" : "SIGKILL");
await gw.exited;
const db = new Database(join(gw.dataDir, "vitals.db"), { readonly: true });
let missing = 0;
const q = db.prepare("SELECT max(seq) AS s FROM readings WHERE node = ?");
for (let i = 1; i <= connections; i++) {
  const row = q.get(`bench-${i}`) as { s: number | null };
  if ((row.s ?? 0) < (nodes[i - 1] as BenchNode).lastAcked) missing++;
}
db.close();

latencies.sort((a, b) => a - b);
const pct = (p: number) =>
  Number(
    (latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? Number.NaN).toFixed(2),
  );
process.stdout.write(
  `${JSON.stringify({
    bench: "ingest-tcp",
    readings_per_s: Math.round(acked / elapsed),
    ack_latency_ms: { p50: pct(0.5), p99: pct(0.99), max: pct(1) },
    connections,
    window,
    offered_per_s: args.rate === undefined ? "as fast as acks allow" : Number(args.rate),
    duration_s: Number(elapsed.toFixed(1)),
    synchronous: args.sync,
    alarm_engine: !args["no-alarms"],
    rss_mb: Math.round(rssKb / 1024),
    gateway_ingest_latency_p99_ms_at_most: histogramQuantileMs("vitals_ingest_latency_seconds", 0.99),
    alarm_engine_per_batch_p99_ms_at_most: histogramQuantileMs("vitals_alarm_ingest_seconds", 0.99),
    nodes_with_acked_readings_missing_after_kill9: missing,
    cores: cpus().length,
    cpu: cpus()[0]?.model,
    node: process.version,
  })}\n`,
);
process.exit(0);
