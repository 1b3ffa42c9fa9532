/**
 * Streaming pulse-peak detector for a band-passed (zero-mean) PPG.
 *
 * A Schmitt trigger with an adaptive upper threshold: a pulse starts when the signal rises above
 * `riseFraction` × (recent peak amplitude, decaying since the last beat) and ends when it falls
 * below zero; the beat is the pulse's maximum, refined to sub-sample time by a parabola through
 * the three samples around it. Requiring the fall below zero before re-arming is what keeps the
 * dicrotic wave, which rides on the downslope above the baseline, from counting as a second beat.
 * Everything is relative to the signal's own amplitude, so scaling the input changes nothing.
 */
export interface BeatDetectorOptions {
  sampleRateHz: number;
  /** Fraction of the peak envelope a pulse must exceed (default 0.25). */
  riseFraction?: number;
  /** Time constant of the threshold's decay after a beat, s: how fast a sudden amplitude drop is followed. */
  decaySeconds?: number;
  /** Minimum time between beats, s (default 0.25 s = 240 bpm). */
  refractorySeconds?: number;
}

export interface Beat {
  /** Time of the pulse peak in samples since the first sample (fractional). */
  at: number;
  /** Peak height of the band-passed signal. */
  amplitude: number;
}

export class BeatDetector {
  private readonly riseFraction: number;
  private readonly decayPerSample: number;
  private readonly refractorySamples: number;
  private n = -1;
  private envelope = 0;
  private sinceBeatDecay = 1;
  private inPulse = false;
  private maxValue = 0;
  private maxIndex = 0;
  private beforeMax = 0;
  private afterMax: number | undefined;
  private previous = 0;
  private lastBeatAt = Number.NEGATIVE_INFINITY;

  constructor(options: BeatDetectorOptions) {
    const fs = options.sampleRateHz;
    this.riseFraction = options.riseFraction ?? 0.25;
    this.decayPerSample = Math.exp(-1 / ((options.decaySeconds ?? 2) * fs));
    this.refractorySamples = (options.refractorySeconds ?? 0.25) * fs;
  }

  /** Feed one band-passed sample; returns the beat that just ended, if any. */
  step(y: number): Beat | undefined {
    this.n++;
    this.sinceBeatDecay *= this.decayPerSample;
    let beat: Beat | undefined;
    if (!this.inPulse) {
      if (y > 0 && y > this.riseFraction * this.envelope * this.sinceBeatDecay) {
        this.inPulse = true;
        this.maxValue = y;
        this.maxIndex = this.n;
        this.beforeMax = this.previous;
        this.afterMax = undefined;
      }
    } else if (y > this.maxValue) {
      this.maxValue = y;
      this.maxIndex = this.n;
      this.beforeMax = this.previous;
      this.afterMax = undefined;
    } else {
      if (this.afterMax === undefined) this.afterMax = y;
      if (y < 0) {
        this.inPulse = false;
        beat = this.commit();
      }
    }
    this.previous = y;
    return beat;
  }

  private commit(): Beat | undefined {
    const at = this.maxIndex + parabolicOffset(this.beforeMax, this.maxValue, this.afterMax ?? this.maxValue);
    if (at - this.lastBeatAt < this.refractorySamples) return undefined;
    // Fast attack, slow release: a taller beat sets the envelope outright (so start-up and a stronger
    // pulse lift the threshold above the dicrotic wave at once); a smaller one moves it a quarter of
    // the way (cheap in integers: >> 2), and the time decay above handles sudden drops.
    const decayed = this.envelope * this.sinceBeatDecay;
    this.envelope = this.maxValue > decayed ? this.maxValue : decayed + (this.maxValue - decayed) / 4;
    this.sinceBeatDecay = 1;
    this.lastBeatAt = at;
    return { at, amplitude: this.maxValue };
  }
}

/** Vertex of the parabola through (-1, a), (0, b), (1, c), as an offset in (-0.5, 0.5) from the middle sample. */
export function parabolicOffset(a: number, b: number, c: number): number {
  const den = a - 2 * b + c;
  if (!(den < 0)) return 0;
  const offset = (0.5 * (a - c)) / den;
  // `|| 0` turns -0 into 0 so a centred peak reads as exactly 0.
  return Math.max(-0.5, Math.min(0.5, offset)) || 0;
}
