import {
  FLAG_PATTERN,
  MAX_FLAGS,
  VITAL_PARAMETERS,
  type VitalParameter,
} from "../../core/protocol/frames.js";
import type { LinkReading } from "../link/gateway-link.js";
import type { SensorSample } from "../sample.js";

export interface SampleMergerOptions {
  /** A value older than this is no longer current: it becomes null (default 3000 ms). */
  staleAfterMs?: number;
  /** A driver that produced nothing for this long is reported as `sensor_off` (default 5000 ms). */
  silentAfterMs?: number;
}

interface Held {
  value: number | null;
  t: number;
}

interface Source {
  parameters: readonly VitalParameter[];
  /** When it was registered, or its last sample: silence is measured from here. */
  heardAt: number;
  lastSampleAt: number | undefined;
  lastFlags: { flags: string[]; t: number } | undefined;
  values: Map<VitalParameter, Held>;
}

/**
 * Turns samples from several drivers, arriving whenever they do, into one protocol-v1 reading per
 * tick. Pure: time comes in as arguments. A number is only ever sent as current while it is fresh;
 * a silent driver is reported (`sensor_off`) rather than left to look like a flat patient.
 */
export class SampleMerger {
  private readonly staleAfterMs: number;
  private readonly silentAfterMs: number;
  private readonly sources = new Map<string, Source>();
  /** Parameters to send even when null, beyond the three every frame carries. */
  private readonly extra = new Set<VitalParameter>();
  /** Flags dropped because they were not protocol words. */
  rejectedFlags = 0;

  constructor(opts: SampleMergerOptions = {}) {
    this.staleAfterMs = opts.staleAfterMs ?? 3000;
    this.silentAfterMs = opts.silentAfterMs ?? 5000;
  }

  /** Declares a driver and what it measures, so its silence can be noticed from `now` on. */
  register(source: string, parameters: readonly VitalParameter[], now: number): void {
    const s = this.sourceOf(source, now);
    s.parameters = parameters;
    s.heardAt = Math.max(s.heardAt, now);
    for (const p of parameters) this.noteExtra(p);
  }

  add(sample: SensorSample): void {
    const s = this.sourceOf(sample.source, sample.t);
    if (s.lastSampleAt !== undefined && sample.t < s.lastSampleAt) return; // out of order: older news
    s.lastSampleAt = sample.t;
    s.heardAt = Math.max(s.heardAt, sample.t);
    s.lastFlags = { flags: sample.flags.filter((f) => this.validFlag(f)), t: sample.t };
    for (const p of VITAL_PARAMETERS) {
      if (!(p in sample.values)) continue;
      const v = sample.values[p];
      s.values.set(p, { value: typeof v === "number" && Number.isFinite(v) ? v : null, t: sample.t });
      this.noteExtra(p);
    }
  }

  /** The reading to send at `now`. */
  merge(now: number): LinkReading {
    const freshSince = now - this.staleAfterMs;
    const values: Partial<Record<VitalParameter, number | null>> = { hr: null, spo2: null, temp: null };
    for (const p of this.extra) values[p] = null;
    // Per parameter: the newest fresh number from any driver; a fresh null only when no driver has a number.
    const best = new Map<VitalParameter, Held>();
    for (const s of this.sources.values()) {
      for (const [p, h] of s.values) {
        if (h.t < freshSince || h.t > now || h.value === null) continue;
        const cur = best.get(p);
        if (!cur || h.t > cur.t) best.set(p, h);
      }
    }
    for (const [p, h] of best) values[p] = h.value;

    const flags = new Set<string>();
    for (const s of this.sources.values()) {
      if (s.lastFlags && s.lastFlags.t >= freshSince && s.lastFlags.t <= now)
        for (const f of s.lastFlags.flags) flags.add(f);
      if (s.parameters.length > 0 && now - s.heardAt > this.silentAfterMs) flags.add("sensor_off");
    }
    const reading = { ...values, t: now } as LinkReading;
    if (flags.size > 0) reading.flags = [...flags].sort().slice(0, MAX_FLAGS);
    return reading;
  }

  /** When each driver last produced a sample (undefined: never). */
  lastSamples(): Record<string, number | undefined> {
    return Object.fromEntries([...this.sources].map(([name, s]) => [name, s.lastSampleAt]));
  }

  private sourceOf(name: string, now: number): Source {
    let s = this.sources.get(name);
    if (!s) {
      s = { parameters: [], heardAt: now, lastSampleAt: undefined, lastFlags: undefined, values: new Map() };
      this.sources.set(name, s);
    }
    return s;
  }

  private noteExtra(p: VitalParameter): void {
    if (p !== "hr" && p !== "spo2" && p !== "temp") this.extra.add(p);
  }

  private validFlag(f: unknown): f is string {
    if (typeof f === "string" && FLAG_PATTERN.test(f)) return true;
    this.rejectedFlags++;
    return false;
  }
}
