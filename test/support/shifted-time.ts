import { systemTime, type Timer, type TimeSource } from "../../core/time.js";

/**
 * The host's clock and timers, with the clock moved ahead by `shiftMs`: a browser test can make a bed's
 * data stale without sleeping, while everything still runs in real time for the page.
 */
export class ShiftedTime implements TimeSource {
  shiftMs = 0;

  now(): number {
    return systemTime.now() + this.shiftMs;
  }

  after(ms: number, fn: () => void): Timer {
    return systemTime.after(ms, fn);
  }

  every(ms: number, fn: () => void): Timer {
    return systemTime.every(ms, fn);
  }
}
