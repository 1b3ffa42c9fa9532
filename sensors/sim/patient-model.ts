import { gaussian } from "./random.js";
import { EPISODES, type Episode, type Targets } from "./scenarios.js";

export interface Baseline {
  hr: number;
  spo2: number;
  temp: number;
}

export interface SimulatedVitals {
  hr: number | null;
  spo2: number | null;
  temp: number | null;
  flags: string[];
}

/**
 * A healthy-adult baseline, drawn around typical resting values and clear of the adult alarm limits
 * (temperature 36.0–39.0 °C, HR 50–120, SpO2 ≥ 90): a stable patient does not alarm by drifting.
 */
export function randomBaseline(random: () => number): Baseline {
  return {
    hr: 62 + random() * 30,
    spo2: 95.5 + random() * 3.5,
    temp: 36.5 + random() * 0.9,
  };
}

// Mean reversion (1/s) and noise (units/√s) per parameter: HR wanders by a few bpm, SpO2 by a
// fraction of a percent, temperature by hundredths of a degree, all smooth from second to second.
const DYNAMICS = {
  hr: { theta: 0.08, sigma: 0.9, min: 25, max: 220 },
  spo2: { theta: 0.15, sigma: 0.25, min: 50, max: 100 },
  temp: { theta: 0.02, sigma: 0.01, min: 30, max: 43 },
} as const;

/**
 * One patient's vital signs as mean-reverting random walks (Ornstein–Uhlenbeck) around a baseline,
 * pulled towards an episode's targets while one runs. Values are rounded the way monitors show them.
 */
export class PatientModel {
  private state: Baseline;
  private episode: { run: Episode; startedAt: number; name: string } | undefined;

  constructor(
    readonly baseline: Baseline,
    private readonly random: () => number,
  ) {
    this.state = { ...baseline };
  }

  get episodeName(): string | undefined {
    return this.episode?.name;
  }

  startEpisode(name: string, atS: number): void {
    const make = EPISODES[name];
    if (!make) throw new RangeError(`unknown episode ${name}`);
    this.episode = { run: make(this.baseline), startedAt: atS, name };
  }

  /** Advances the model by dtS seconds to time nowS and returns what a monitor would show. */
  step(dtS: number, nowS: number): SimulatedVitals {
    let targets: Targets = {};
    if (this.episode) {
      const t = this.episode.run(nowS - this.episode.startedAt);
      if (t === undefined) this.episode = undefined;
      else targets = t;
    }
    for (const p of ["hr", "spo2", "temp"] as const) {
      const d = DYNAMICS[p];
      const mean = targets[p] ?? this.baseline[p];
      // Follow an episode's ramp closely; wander loosely around the baseline otherwise.
      const theta = targets[p] === undefined ? d.theta : 0.5;
      const x =
        this.state[p] +
        theta * (mean - this.state[p]) * dtS +
        d.sigma * Math.sqrt(dtS) * gaussian(this.random);
      this.state[p] = Math.min(d.max, Math.max(d.min, x));
    }
    const flags = targets.flags ?? [];
    if (flags.includes("finger_out")) return { hr: null, spo2: null, temp: round1(this.state.temp), flags };
    return {
      hr: Math.round(this.state.hr),
      spo2: Math.min(100, Math.round(this.state.spo2)),
      temp: round1(this.state.temp),
      flags,
    };
  }
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
