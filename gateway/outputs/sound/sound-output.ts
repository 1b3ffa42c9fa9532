import type { ScheduledPulse } from "../../../core/burst-pattern.js";
import type { Priority } from "../../alarms/types.js";

export type { Priority, ScheduledPulse };

/**
 * Something that can sound an alarm: a piezo on a microcontroller pin, the machine's audio device, the
 * terminal bell. The AlarmSoundController calls `start` once per burst with that burst's pulses (times
 * relative to the call); the output plays them once. A `start` while a burst is still playing replaces it
 * (the controller never wants two patterns at once), `stop` silences at once. Neither may throw for a
 * device failure: log it and stay silent, the other outputs still sound.
 */
export interface SoundOutput {
  readonly name: string;
  start(schedule: readonly ScheduledPulse[], priority: Priority): void;
  stop(): void;
  close?(): Promise<void>;
}

/**
 * Where sound outputs get their time. In the gateway it is the host's clock and timers (fake timers in
 * unit tests); in emulator tests it is the emulated board's clock, so pulse edges land at exact
 * emulated times. Structurally the same as sensors/i2c/scheduler.ts and the AVR EmulatedScheduler.
 */
export interface SoundTimers {
  now(): number;
  /** Call `fn` once after `ms` unless the returned cancel function is called first. */
  after(ms: number, fn: () => void): () => void;
  /** Call `fn` every `ms` until cancelled. */
  every(ms: number, fn: () => void): () => void;
}

export const systemSoundTimers: SoundTimers = {
  now: () => Date.now(),
  after(ms, fn) {
    const handle = setTimeout(fn, ms);
    return () => clearTimeout(handle);
  },
  every(ms, fn) {
    const handle = setInterval(fn, ms);
    return () => clearInterval(handle);
  },
};

/** Cancels a set of pending timers in one go (an output's "stop"). */
export class PendingTimers {
  private cancels: (() => void)[] = [];

  add(cancel: () => void): void {
    this.cancels.push(cancel);
  }

  cancelAll(): void {
    const cancels = this.cancels;
    this.cancels = [];
    for (const c of cancels) c();
  }

  get size(): number {
    return this.cancels.length;
  }
}
