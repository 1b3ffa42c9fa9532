import { systemTime, type Timer, type TimeSource } from "../../core/time.js";
import type { SensorDriver, SensorSample } from "../sample.js";
import { PatientModel, randomBaseline } from "../sim/patient-model.js";
import { seededRandom } from "../sim/random.js";
import { EPISODES, nextEpisode, SCENARIOS, type ScenarioName } from "../sim/scenarios.js";

/** Scenarios the sim driver accepts: the simulator's schedules plus any single episode by name. */
export const SIM_SCENARIOS: readonly string[] = [...new Set([...SCENARIOS, ...Object.keys(EPISODES)])];

export interface SimDriverOptions {
  /** "stable", "ward" (random episodes), or one episode ("desaturation", "finger_out", …) run once. */
  scenario?: string;
  seed?: number;
  /** A sample every periodMs (default 1000). */
  periodMs?: number;
  /** Seconds before a single-episode scenario starts (default 2). */
  delayS?: number;
  time?: TimeSource;
}

/**
 * The simulator's PatientModel as a sensor driver, so `vitals node --sensor sim` exercises the whole
 * bedside path (merger, disk outbox, link) without hardware.
 */
export class SimDriver implements SensorDriver {
  readonly name = "sim";
  private ticker: Timer | undefined;

  constructor(private readonly options: SimDriverOptions = {}) {
    const scenario = options.scenario ?? "stable";
    if (!SIM_SCENARIOS.includes(scenario))
      throw new RangeError(`unknown scenario "${scenario}"; choose one of ${SIM_SCENARIOS.join(", ")}`);
  }

  async start(onSample: (sample: SensorSample) => void): Promise<void> {
    const o = this.options;
    const time = o.time ?? systemTime;
    const scenario = o.scenario ?? "stable";
    const seed = o.seed ?? 1;
    const random = seededRandom(seed);
    const model = new PatientModel(randomBaseline(random), seededRandom(seed * 1000 + 1));
    const startedAt = time.now();
    let lastS = 0;
    let next: { name: string; atS: number } | undefined;
    const plan = (elapsedS: number) => {
      if (scenario === "ward" || scenario === "stable") {
        const n = nextEpisode(scenario as ScenarioName, random, elapsedS, 0);
        next = n ? { name: n.name, atS: elapsedS + n.startInS } : undefined;
      } else next = elapsedS === 0 ? { name: scenario, atS: o.delayS ?? 2 } : undefined;
    };
    plan(0);
    const tick = () => {
      const nowMs = time.now();
      const nowS = (nowMs - startedAt) / 1000;
      if (next && nowS >= next.atS && !model.episodeName) {
        model.startEpisode(next.name, nowS);
        plan(nowS);
      }
      const v = model.step(Math.max(0.001, nowS - lastS), nowS);
      lastS = nowS;
      onSample({
        source: this.name,
        t: nowMs,
        values: { hr: v.hr, spo2: v.spo2, temp: v.temp },
        flags: [...v.flags],
      });
    };
    tick();
    this.ticker = time.every(o.periodMs ?? 1000, tick);
  }

  async stop(): Promise<void> {
    this.ticker?.cancel();
    this.ticker = undefined;
  }
}
