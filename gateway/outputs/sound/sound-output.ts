import type { ScheduledPulse } from "../../../core/burst-pattern.js";
import type { Timer } from "../../../core/time.js";
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

/** Cancels a set of pending timers in one go (an output's "stop"). */
export class PendingTimers {
  private timers: Timer[] = [];

  add(timer: Timer): void {
    this.timers.push(timer);
  }

  cancelAll(): void {
    const timers = this.timers;
    this.timers = [];
    for (const t of timers) t.cancel();
  }

  get size(): number {
    return this.timers.length;
  }
}
