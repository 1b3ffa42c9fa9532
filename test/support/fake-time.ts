import type { Timer, TimeSource } from "../../core/time.js";

interface FakeTimer {
  id: number;
  dueAt: number;
  /** 0 = one-shot. */
  periodMs: number;
  fn: () => void;
}

/**
 * A time source the test moves by hand. Nothing happens until advance(): it runs every timer that falls
 * due on the way, earliest first (ties in the order they were set), with now() reading each timer's due
 * time while it runs, including timers set by those callbacks.
 */
export class FakeTime implements TimeSource {
  private t: number;
  private timers: FakeTimer[] = [];
  private nextId = 1;

  constructor(start = 0) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  after(ms: number, fn: () => void): Timer {
    return this.add(Math.max(0, ms), 0, fn);
  }

  every(ms: number, fn: () => void): Timer {
    // As setInterval does, a period under 1 ms is 1 ms (and a zero period cannot hang advance()).
    const period = Math.max(1, ms);
    return this.add(period, period, fn);
  }

  /** Moves time on by `ms`, running what falls due; returns the new now(). */
  advance(ms: number): number {
    return this.advanceTo(this.t + ms);
  }

  /** Moves time on to `t` (never back), running what falls due; returns the new now(). */
  advanceTo(t: number): number {
    for (;;) {
      let next: FakeTimer | undefined;
      for (const timer of this.timers) {
        if (timer.dueAt <= t && (next === undefined || timer.dueAt < next.dueAt)) next = timer;
      }
      if (next === undefined) break;
      this.t = Math.max(this.t, next.dueAt);
      if (next.periodMs > 0) next.dueAt += next.periodMs;
      else this.timers = this.timers.filter((x) => x !== next);
      next.fn();
    }
    this.t = Math.max(this.t, t);
    return this.t;
  }

  /** Timers set and not yet fired or cancelled. */
  get pending(): number {
    return this.timers.length;
  }

  /** When the earliest pending timer falls due, or undefined when none is set. */
  nextDueAt(): number | undefined {
    let due: number | undefined;
    for (const timer of this.timers) if (due === undefined || timer.dueAt < due) due = timer.dueAt;
    return due;
  }

  private add(delay: number, period: number, fn: () => void): Timer {
    const timer: FakeTimer = { id: this.nextId++, dueAt: this.t + delay, periodMs: period, fn };
    this.timers.push(timer);
    return {
      cancel: () => {
        this.timers = this.timers.filter((x) => x.id !== timer.id);
      },
    };
  }
}
