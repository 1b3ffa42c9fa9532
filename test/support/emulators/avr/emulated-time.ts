import type { Timer, TimeSource } from "../../../../core/time.js";

interface CycleTimer {
  id: number;
  dueCycle: number;
  periodCycles: number; // 0 = one-shot
  fn: () => void;
}

/**
 * Host callbacks timed by the emulated CPU clock instead of the wall clock. The board's run loop asks
 * for the next deadline (so a slice never overshoots it) and fires what is due between slices, outside
 * the instruction loop, so callbacks may freely write to the UART.
 */
export class EmulatedTime implements TimeSource {
  private timers: CycleTimer[] = [];
  private nextId = 1;

  constructor(
    private readonly cycles: () => number,
    private readonly frequencyHz: number,
  ) {}

  now(): number {
    return (this.cycles() * 1000) / this.frequencyHz;
  }

  every(ms: number, fn: () => void): Timer {
    const period = Math.max(1, Math.round((ms * this.frequencyHz) / 1000));
    return this.add(period, period, fn);
  }

  after(ms: number, fn: () => void): Timer {
    return this.add(Math.max(0, Math.round((ms * this.frequencyHz) / 1000)), 0, fn);
  }

  /** The cycle at which the earliest timer is due, or Infinity. */
  nextDueCycle(): number {
    let due = Number.POSITIVE_INFINITY;
    for (const t of this.timers) due = Math.min(due, t.dueCycle);
    return due;
  }

  /** Fire every timer due at or before the current cycle, earliest first (ties in creation order). */
  fireDue(): void {
    const now = this.cycles();
    for (;;) {
      let next: CycleTimer | undefined;
      for (const t of this.timers) {
        if (t.dueCycle <= now && (next === undefined || t.dueCycle < next.dueCycle)) next = t;
      }
      if (next === undefined) return;
      if (next.periodCycles > 0) next.dueCycle += next.periodCycles;
      else this.timers = this.timers.filter((t) => t !== next);
      next.fn();
    }
  }

  private add(delay: number, period: number, fn: () => void): Timer {
    const timer: CycleTimer = {
      id: this.nextId++,
      dueCycle: this.cycles() + delay,
      periodCycles: period,
      fn,
    };
    this.timers.push(timer);
    return {
      cancel: () => {
        this.timers = this.timers.filter((t) => t.id !== timer.id);
      },
    };
  }
}
