import { type Logger, silentLogger } from "../../core/logger.js";
import { systemTime, type Timer, type TimeSource } from "../../core/time.js";
import { GatewayLink } from "../link/gateway-link.js";
import { MemoryOutbox } from "../link/outbox.js";
import { LegacyLink } from "./legacy-link.js";
import { PatientModel, randomBaseline } from "./patient-model.js";
import { seededRandom } from "./random.js";
import { nextEpisode, type ScenarioName } from "./scenarios.js";

export interface WardSimulatorOptions {
  patients: number;
  host: string;
  port: number;
  /** Readings per second per patient. */
  rateHz: number;
  scenario: ScenarioName;
  legacy?: boolean;
  seed?: number;
  ward?: string;
  token?: string;
  time?: TimeSource;
  logger?: Logger;
}

interface SimBed {
  index: number;
  bed: string;
  patient: string;
  model: PatientModel;
  link: GatewayLink | undefined;
  legacy: LegacyLink | undefined;
  timer: Timer | undefined;
  lastS: number;
  nextEpisodeAtS: number | undefined;
  nextEpisodeName: string | undefined;
  /** Respiratory rate, breaths/min, wandering around the bed's baseline. */
  rr: number;
  rrBaseline: number;
  rrRandom: () => number;
  stats: { sent: number; acked: number; ackedSeq: number; everConnected: boolean; lostAcked: number };
}

/** What a simulator run has done so far, over all its nodes (vitals simulate prints it). */
export interface SimulatorSummary {
  connected: number;
  total: number;
  /** Nodes that completed a handshake at least once. */
  everConnected: number;
  sent: number;
  acked: number;
  pending: number;
  /** Readings the outboxes dropped (full): taken but never delivered. */
  dropped: number;
  /** Acknowledged readings the gateway no longer holds (its welcome's last_seq fell below our acks). */
  lostAcked: number;
  lastError: string | undefined;
}

/** N simulated bedside nodes, each its own TCP connection speaking protocol v1 (or the legacy flat JSON). */
export class WardSimulator {
  readonly beds: SimBed[] = [];
  private readonly outboxes: MemoryOutbox[] = [];
  private readonly random: () => number;
  private readonly time: TimeSource;
  private readonly logger: Logger;
  private startedAt = 0;
  private lastError: string | undefined;

  constructor(private readonly opts: WardSimulatorOptions) {
    this.random = seededRandom(opts.seed ?? 1);
    this.time = opts.time ?? systemTime;
    this.logger = opts.logger ?? silentLogger;
    const width = String(opts.patients).length;
    for (let i = 1; i <= opts.patients; i++) {
      const id = String(i).padStart(width, "0");
      const bed = `Bed-${i}`;
      const patient = `P${i}`;
      const model = new PatientModel(randomBaseline(this.random), seededRandom((opts.seed ?? 1) * 1000 + i));
      const sim: SimBed = {
        index: i,
        bed,
        patient,
        model,
        link: undefined,
        legacy: undefined,
        timer: undefined,
        lastS: 0,
        nextEpisodeAtS: undefined,
        nextEpisodeName: undefined,
        ...simulatedRr(seededRandom((opts.seed ?? 1) * 7919 + i)),
        stats: { sent: 0, acked: 0, ackedSeq: 0, everConnected: false, lostAcked: 0 },
      };
      if (opts.legacy) sim.legacy = new LegacyLink(opts.host, opts.port, this.time);
      else {
        sim.link = new GatewayLink({
          host: opts.host,
          port: opts.port,
          hello: {
            node: `sim-${id}`,
            bed,
            patient,
            ward: opts.ward ?? "Sim Ward",
            fw: "sim/0.1",
            ...(opts.token ? { token: opts.token } : {}),
          },
          outbox: this.outbox(),
          time: this.time,
          logger: this.logger.child({ node: `sim-${id}` }),
          random: this.random,
        });
        this.watch(sim, sim.link);
      }
      this.beds.push(sim);
    }
  }

  start(): void {
    this.startedAt = this.time.now();
    const periodMs = 1000 / this.opts.rateHz;
    for (const b of this.beds) {
      b.link?.start();
      b.legacy?.start();
      this.schedule(b, 0);
      // Spread the first readings over one period so the ward does not send in lockstep.
      const tick = () => {
        this.tick(b);
        b.timer = this.time.after(periodMs * (0.9 + 0.2 * this.random()), tick);
      };
      b.timer = this.time.after(this.random() * periodMs, tick);
    }
  }

  private schedule(b: SimBed, elapsedS: number): void {
    const next = nextEpisode(this.opts.scenario, this.random, elapsedS, b.index);
    b.nextEpisodeAtS = next ? elapsedS + next.startInS : undefined;
    b.nextEpisodeName = next?.name;
  }

  private tick(b: SimBed): void {
    const nowS = (this.time.now() - this.startedAt) / 1000;
    if (b.nextEpisodeAtS !== undefined && nowS >= b.nextEpisodeAtS && !b.model.episodeName) {
      b.model.startEpisode(b.nextEpisodeName as string, nowS);
      this.logger.debug({ bed: b.bed, episode: b.nextEpisodeName }, "episode started");
      this.schedule(b, nowS);
    }
    const dtS = Math.max(0.001, nowS - b.lastS);
    const v = b.model.step(dtS, nowS);
    b.lastS = nowS;
    // Each bed models a pulse oximeter that also derives the respiratory rate from its PPG (rr_src
    // "ppg", as `vitals ppg` and sensors/ppg do): no pulse, no rr. Its own random stream, so the
    // hr/spo2/temp sequence of a seed is what it was before rr existed.
    b.rr = Math.min(
      40,
      Math.max(
        6,
        b.rr + 0.05 * (b.rrBaseline - b.rr) * dtS + 0.3 * Math.sqrt(dtS) * (b.rrRandom() - 0.5) * 3.46,
      ),
    );
    const rr = v.hr === null ? {} : { rr: Math.round(b.rr), rr_src: "ppg" as const };
    b.stats.sent++;
    if (b.link)
      b.link.record({
        hr: v.hr,
        spo2: v.spo2,
        temp: v.temp,
        ...rr,
        ...(v.flags.length ? { flags: v.flags } : {}),
      });
    else b.legacy?.send({ patient_id: b.patient, bed_no: b.bed, hr: v.hr, temp: v.temp, spo2: v.spo2 });
  }

  private watch(b: SimBed, link: GatewayLink): void {
    link.on("connected", (w) => {
      b.stats.everConnected = true;
      if (w.last_seq !== undefined && w.last_seq < b.stats.ackedSeq) {
        b.stats.lostAcked += b.stats.ackedSeq - w.last_seq;
        this.lastError = `${b.bed}: the gateway holds seq ${w.last_seq} but had acknowledged ${b.stats.ackedSeq}`;
      }
    });
    link.on("ack", (seq) => {
      b.stats.acked += seq - b.stats.ackedSeq;
      b.stats.ackedSeq = seq;
    });
    link.on("newBoot", () => {
      b.stats.ackedSeq = 0;
    });
    link.on("connectionError", (why) => {
      this.lastError = why;
    });
    link.on("rejected", (e) => {
      this.lastError = `${e.code}: ${e.message}`;
    });
  }

  summary(): SimulatorSummary {
    let connected = 0;
    let everConnected = 0;
    let sent = 0;
    let acked = 0;
    let dropped = 0;
    let lostAcked = 0;
    for (const b of this.beds) {
      if (b.link?.connected) connected++;
      if (b.stats.everConnected) everConnected++;
      sent += b.stats.sent;
      acked += b.stats.acked;
      lostAcked += b.stats.lostAcked;
    }
    for (const o of this.outboxes) dropped += o.dropped;
    return {
      connected,
      total: this.beds.length,
      everConnected,
      sent,
      acked,
      pending: this.pending,
      dropped,
      lostAcked,
      lastError: this.lastError,
    };
  }

  /** Stops taking readings and waits up to `ms` for the gateway to acknowledge what is pending. */
  async drain(ms: number): Promise<void> {
    for (const b of this.beds) b.timer?.cancel();
    if (this.opts.legacy) return;
    await new Promise<void>((resolve) => {
      const deadline = this.time.now() + ms;
      const poll = this.time.every(50, () => {
        if (this.pending === 0 || this.time.now() >= deadline || !this.beds.some((b) => b.link?.connected)) {
          poll.cancel();
          resolve();
        }
      });
    });
  }

  private outbox(): MemoryOutbox {
    const o = new MemoryOutbox();
    this.outboxes.push(o);
    return o;
  }

  /** Readings taken and not yet acknowledged, over all nodes. */
  get pending(): number {
    return this.beds.reduce((n, b) => n + (b.link?.pending ?? 0), 0);
  }

  async stop(): Promise<void> {
    for (const b of this.beds) b.timer?.cancel();
    await Promise.all(this.beds.map((b) => b.link?.stop() ?? b.legacy?.stop()));
  }
}

/** A bed's starting respiratory rate (12–18 breaths/min) and the stream that makes it wander. */
function simulatedRr(rrRandom: () => number): Pick<SimBed, "rr" | "rrBaseline" | "rrRandom"> {
  const rrBaseline = 12 + 6 * rrRandom();
  return { rr: rrBaseline, rrBaseline, rrRandom };
}
