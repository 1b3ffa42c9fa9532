import type { PpgEstimator } from "../i2c/ppg-estimator.js";
import { PpgProcessor, type PpgProcessorOptions, type PpgWindow } from "../ppg/ppg-processor.js";

/**
 * Plugs the streaming PPG processor (sensors/ppg/) into the MAX30102 driver. The driver hands every
 * raw batch to `onRaw` and asks `estimate` once a second for the current window; the processor keeps
 * its filters running across calls, so there is no start-up transient per window as there would be if
 * each window were analysed from scratch.
 */
export class StreamingPpgEstimator {
  private readonly processor: PpgProcessor;
  private latest: PpgWindow | undefined;
  private samplesSinceLatest = 0;
  private readonly maxAgeSamples: number;

  constructor(options: Omit<PpgProcessorOptions, "withRed">) {
    this.processor = new PpgProcessor({ ...options, withRed: true });
    // A result older than two hops means the processor has not had enough signal since: say nothing.
    this.maxAgeSamples = Math.round(2 * (options.hopSeconds ?? 1) * options.sampleRateHz);
  }

  /** For the driver's `onRaw` option: red and IR batches, oldest first. */
  readonly onRaw = (red: number[], ir: number[]): void => {
    const n = Math.min(red.length, ir.length);
    const windows = this.processor.push(ir.slice(0, n), red.slice(0, n));
    const last = windows[windows.length - 1];
    if (last) {
      this.latest = last;
      this.samplesSinceLatest = 0;
    } else this.samplesSinceLatest += n;
  };

  /** For the driver's `estimator` option; the driver's own window is ignored (the processor keeps one). */
  readonly estimate: PpgEstimator = () => {
    const w = this.latest;
    if (!w || this.samplesSinceLatest > this.maxAgeSamples) return { hr: null, spo2: null, quality: 0 };
    return { hr: w.hr, spo2: w.spo2, quality: w.quality };
  };

  /** Flags of the latest window (no_signal, low_perfusion). */
  get flags(): readonly string[] {
    return this.latest?.flags ?? [];
  }
}
