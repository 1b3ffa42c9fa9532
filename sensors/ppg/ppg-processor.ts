import type { KnownFlag } from "../../core/protocol/index.js";
import { BandPassFilter } from "./band-pass-filter.js";
import { type Beat, BeatDetector } from "./beat-detector.js";
import { estimateHeartRate } from "./heart-rate.js";
import { type BeatFeatures, estimateRespiratoryRate } from "./respiratory-rate.js";
import { SampleRing } from "./sample-ring.js";
import { ratioOfRatios, spo2FromRatio } from "./spo2.js";
import { pearson, periodicity, templateCorrelation } from "./template-correlation.js";

export interface PpgProcessorOptions {
  sampleRateHz: number;
  /** Analysis window, s (default 8). */
  windowSeconds?: number;
  /** A result every hop, s (default 1). */
  hopSeconds?: number;
  /** First result once this much signal has arrived, s (default 4); the window grows to windowSeconds. */
  minWindowSeconds?: number;
  /** Below this quality hr and spo2 are withheld and the window is flagged no_signal (default 0.5). */
  minQuality?: number;
  /** AC_rms / DC of the pulse channel below which there is no finger / no perfusion (default 1e-4). */
  minPerfusion?: number;
  /** Red and IR pulses must correlate at least this well for an SpO2 value (default 0.8). */
  minRedIrCorrelation?: number;
  /** Whether red samples accompany the pulse (IR) samples; required for SpO2. */
  withRed?: boolean;
  /** Respiratory-rate window, s (default 32, as Karlen et al. 2013); rr is null until it is full. */
  rrWindowSeconds?: number;
}

export interface PpgWindow {
  /** End of the window, s since the first sample. */
  t: number;
  /** Window length actually analysed, s (grows from minWindowSeconds to windowSeconds). */
  span: number;
  hr: number | null;
  spo2: number | null;
  /** Respiratory rate from the PPG's respiratory modulations, breaths/min, over the last rrSpan s. */
  rr: number | null;
  /** Window the rr covers, s (grows to rrWindowSeconds; rr stays null until it is full). */
  rrSpan: number;
  /** Signal quality 0..1: regularity × coverage × periodicity × (template correlation)². */
  quality: number;
  /** AC_rms / DC of the pulse channel, or null when its DC is 0 (an AC-only signal). */
  perfusion: number | null;
  /** Ratio of ratios, when red is present and defined. */
  ratio: number | null;
  beats: number;
  flags: KnownFlag[];
}

interface Channel {
  filter: BandPassFilter;
  raw: SampleRing;
  filtered: SampleRing;
  held: number | undefined;
}

/**
 * Streaming PPG → heart rate, SpO2 and quality. Push samples as they arrive, in chunks of any size:
 * every sample goes through the same per-sample state machine, so chunking never changes the output.
 * Invalid samples (NaN, ±Infinity, or beyond ±2^50, which no ADC produces and which would overflow the
 * filter's sums) are replaced by the last valid one for filtering and counted; a window with more than
 * 10 % invalid samples reports no_signal.
 */
export class PpgProcessor {
  private readonly fs: number;
  private readonly windowSamples: number;
  private readonly hopSamples: number;
  private readonly minWindowSamples: number;
  private readonly minQuality: number;
  private readonly minPerfusion: number;
  private readonly minRedIrCorrelation: number;
  private readonly ir: Channel;
  private readonly red: Channel | undefined;
  private readonly detector: BeatDetector;
  private readonly invalid: SampleRing;
  private readonly rrWindowSamples: number;
  private beats: Beat[] = [];
  private rrBeats: BeatFeatures[] = [];
  private n = 0;

  constructor(options: PpgProcessorOptions) {
    const fs = options.sampleRateHz;
    if (!(fs >= 10 && fs <= 10_000)) throw new RangeError(`sample rate ${fs} Hz is outside 10..10000 Hz`);
    this.fs = fs;
    this.windowSamples = Math.round((options.windowSeconds ?? 8) * fs);
    this.hopSamples = Math.max(1, Math.round((options.hopSeconds ?? 1) * fs));
    this.minWindowSamples = Math.min(this.windowSamples, Math.round((options.minWindowSeconds ?? 4) * fs));
    this.minQuality = options.minQuality ?? 0.5;
    this.minPerfusion = options.minPerfusion ?? 1e-4;
    this.minRedIrCorrelation = options.minRedIrCorrelation ?? 0.8;
    this.rrWindowSamples = Math.round((options.rrWindowSeconds ?? 32) * fs);
    this.ir = this.channel();
    this.red = options.withRed ? this.channel() : undefined;
    this.detector = new BeatDetector({ sampleRateHz: fs });
    this.invalid = new SampleRing(this.windowSamples);
  }

  private channel(): Channel {
    return {
      filter: new BandPassFilter({ sampleRateHz: this.fs }),
      raw: new SampleRing(this.windowSamples),
      filtered: new SampleRing(this.windowSamples),
      held: undefined,
    };
  }

  /** Feed a chunk (pulse/IR channel, and red when constructed withRed); returns the windows it completed. */
  push(pulse: ArrayLike<number>, red?: ArrayLike<number>): PpgWindow[] {
    if ((red === undefined) !== (this.red === undefined)) {
      throw new RangeError(
        this.red ? "red samples are required (withRed)" : "red samples given without withRed",
      );
    }
    if (red && red.length !== pulse.length) throw new RangeError("red and IR chunks differ in length");
    const out: PpgWindow[] = [];
    for (let i = 0; i < pulse.length; i++) {
      const w = this.pushSample(pulse[i] as number, red?.[i]);
      if (w) out.push(w);
    }
    return out;
  }

  pushSample(pulse: number, red?: number): PpgWindow | undefined {
    const bad = !isValid(pulse) || (this.red !== undefined && !isValid(red));
    this.invalid.push(bad ? 1 : 0);
    const y = this.feed(this.ir, pulse);
    if (this.red) this.feed(this.red, red ?? Number.NaN);
    const beat = this.detector.step(y);
    if (beat) {
      this.beats.push(beat);
      this.rrBeats.push({ at: beat.at, amplitude: beat.amplitude, intensity: this.intensitySince(beat.at) });
    }
    this.n++;
    if (this.n % this.hopSamples !== 0 || this.n < this.minWindowSamples) return undefined;
    return this.analyse();
  }

  private feed(ch: Channel, x: number): number {
    if (isValid(x)) ch.held = x;
    ch.raw.push(isValid(x) ? x : Number.NaN);
    // Before the first finite sample there is nothing to hold: the filter stays untouched at rest.
    const y = ch.held === undefined ? 0 : ch.filter.step(ch.held);
    ch.filtered.push(y);
    return y;
  }

  /**
   * Mean raw level from the previous beat to the one at `at` (the last second for the first beat):
   * the beat's baseline intensity, for the respiratory-rate estimate.
   */
  private intensitySince(at: number): number {
    const previous = this.rrBeats.at(-1)?.at ?? at - this.fs;
    const from = Math.max(0, Math.floor(previous), this.n - this.windowSamples + 1);
    const to = Math.min(this.n, Math.round(at));
    const raw = this.ir.raw.last(this.n + 1 - from);
    let total = 0;
    let count = 0;
    for (let i = 0; i <= to - from && i < raw.length; i++) {
      const v = raw[i] as number;
      if (Number.isFinite(v)) {
        total += v;
        count++;
      }
    }
    return count > 0 ? total / count : 0;
  }

  private analyse(): PpgWindow {
    const span = Math.min(this.n, this.windowSamples);
    const start = this.n - span;
    // Beats are kept only as long as some future window can still contain them.
    this.beats = this.beats.filter((b) => b.at >= this.n - this.windowSamples);
    const inWindow = this.beats.filter((b) => b.at >= start);
    const times = inWindow.map((b) => b.at - start);
    const filtered = this.ir.filtered.last(span);
    const irLevels = levels(filtered, this.ir.raw.last(span));
    const perfusion = irLevels.dc !== 0 ? irLevels.ac / Math.abs(irLevels.dc) : null;

    const hr = estimateHeartRate(times, span, this.fs);
    const likeness = hr.medianInterval > 0 ? templateCorrelation(filtered, times, hr.medianInterval) : 0;
    const periodic = hr.medianInterval > 0 ? periodicity(filtered, hr.medianInterval) : 0;
    // Noise peaks, all aligned on a maximum, still correlate ≈ 0.7 with their mean: squaring the
    // template score and multiplying by periodicity is what separates them from pulses (see docs).
    const quality = clamp01(hr.regularity * hr.coverage * periodic * likeness * likeness);
    const invalidShare = sum(this.invalid.last(span)) / span;
    const lowPerfusion = irLevels.ac === 0 || (perfusion !== null && perfusion < this.minPerfusion);

    let ratio: number | null = null;
    let redIrCorrelation = 0;
    if (this.red) {
      const redFiltered = this.red.filtered.last(span);
      ratio = ratioOfRatios(levels(redFiltered, this.red.raw.last(span)), irLevels);
      redIrCorrelation = pearson(redFiltered, filtered);
    }

    const flags: KnownFlag[] = [];
    if (lowPerfusion) flags.push("low_perfusion");
    const usable = !lowPerfusion && invalidShare <= 0.1 && hr.bpm !== null && quality >= this.minQuality;
    if (!usable) flags.push("no_signal");
    const spo2 =
      usable && ratio !== null && redIrCorrelation >= this.minRedIrCorrelation ? spo2FromRatio(ratio) : null;
    this.rrBeats = this.rrBeats.filter((b) => b.at >= this.n - this.rrWindowSamples);
    const rrSpan = Math.min(this.n, this.rrWindowSamples);
    const rr =
      usable && this.n >= this.rrWindowSamples
        ? estimateRespiratoryRate(this.rrBeats, this.rrWindowSamples, this.fs).rr
        : null;
    return {
      t: this.n / this.fs,
      span: span / this.fs,
      hr: usable ? hr.bpm : null,
      spo2,
      rr,
      rrSpan: rrSpan / this.fs,
      quality: usable || quality < this.minQuality ? quality : 0,
      perfusion,
      ratio,
      beats: inWindow.length,
      flags,
    };
  }
}

const MAX_SAMPLE = 2 ** 50;

function isValid(x: number | undefined): x is number {
  return x !== undefined && Math.abs(x) <= MAX_SAMPLE;
}

/** AC = RMS of the band-passed samples, DC = mean of the finite raw samples. */
function levels(filtered: Float64Array, raw: Float64Array): { ac: number; dc: number } {
  let sq = 0;
  for (const v of filtered) sq += v * v;
  let total = 0;
  let count = 0;
  for (const v of raw) {
    if (Number.isFinite(v)) {
      total += v;
      count++;
    }
  }
  return { ac: filtered.length > 0 ? Math.sqrt(sq / filtered.length) : 0, dc: count > 0 ? total / count : 0 };
}

function sum(values: Float64Array): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}
