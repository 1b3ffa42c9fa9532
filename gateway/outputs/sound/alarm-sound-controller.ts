import {
  type BurstPattern,
  burst,
  burstLengthMs,
  DEFAULT_BURST_PATTERNS,
  patternViolations,
} from "../../../core/burst-pattern.js";
import { type Logger, silentLogger } from "../../../core/logger.js";
import { systemTime, type Timer, type TimeSource } from "../../../core/time.js";
import type { Priority, SoundOutput } from "./sound-output.js";

export interface AlarmSoundStatus {
  /** The priority sounding now, or null when silent. */
  playing: Priority | null;
  /** When it started (on the time source: epoch ms in the gateway), null when silent. */
  since: number | null;
  /** Bursts started since `since`. */
  bursts: number;
  /** Names of the outputs it plays on. */
  outputs: string[];
}

export interface AlarmSoundControllerOptions {
  outputs: readonly SoundOutput[];
  time?: TimeSource;
  logger?: Logger;
  /** Replace the default IEC 60601-1-8 patterns (a non-compliant one is used, with a warning). */
  patterns?: Partial<Record<Priority, BurstPattern>>;
}

/**
 * Plays the one pattern the ward should hear. The gateway calls `set(priority)` whenever the loudest
 * audible priority (active, unacknowledged, not paused) changes; the controller stops whatever is
 * sounding on every output and starts the new pattern at once, so a high alarm interrupts a medium burst
 * mid-pulse and two patterns never overlap. It repeats the burst after the pattern's inter-burst
 * interval (tb, measured from the end of the last pulse, as the standard defines it) until the next
 * change. `set(null)` (nothing audible, or paused) silences everything.
 */
export class AlarmSoundController {
  private readonly outputs: readonly SoundOutput[];
  private readonly time: TimeSource;
  private readonly log: Logger;
  private readonly patterns: Readonly<Record<Priority, BurstPattern>>;
  private playing: Priority | null = null;
  private since: number | null = null;
  private bursts = 0;
  private nextBurst: Timer | null = null;

  constructor(options: AlarmSoundControllerOptions) {
    this.outputs = options.outputs;
    this.time = options.time ?? systemTime;
    this.log = (options.logger ?? silentLogger).child({ ns: "sound" });
    this.patterns = { ...DEFAULT_BURST_PATTERNS, ...options.patterns };
    for (const p of Object.values(this.patterns)) {
      const violations = patternViolations(p);
      if (violations.length > 0)
        this.log.warn({ priority: p.priority, violations }, "non-IEC 60601-1-8 pattern");
    }
  }

  set(priority: Priority | null): void {
    if (priority === this.playing) return;
    const from = this.playing;
    this.silence();
    if (priority === null) {
      this.log.info({ from }, "alarm sound off");
      return;
    }
    this.playing = priority;
    this.since = this.time.now();
    this.bursts = 0;
    this.log.info({ from, to: priority }, "alarm sound");
    this.playBurst(priority);
  }

  status(): AlarmSoundStatus {
    return {
      playing: this.playing,
      since: this.since,
      bursts: this.bursts,
      outputs: this.outputs.map((o) => o.name),
    };
  }

  /** Silence and release every output (serial ports, temp files). */
  async close(): Promise<void> {
    this.silence();
    for (const o of this.outputs) {
      try {
        await o.close?.();
      } catch (err) {
        this.log.warn({ output: o.name, err }, "sound output close failed");
      }
    }
  }

  private playBurst(priority: Priority): void {
    const pattern = this.patterns[priority];
    const pulses = burst(pattern);
    this.bursts++;
    for (const o of this.outputs) {
      try {
        o.start(pulses, priority);
      } catch (err) {
        // One broken output (unplugged buzzer) must not silence the others.
        this.log.error({ output: o.name, err }, "sound output failed to start");
      }
    }
    if (pattern.interBurstMs === null) return; // plays once (allowed for low priority only)
    this.nextBurst = this.time.after(burstLengthMs(pattern) + pattern.interBurstMs, () => {
      this.nextBurst = null;
      if (this.playing === priority) this.playBurst(priority);
    });
  }

  private silence(): void {
    this.nextBurst?.cancel();
    this.nextBurst = null;
    if (this.playing === null) return;
    this.playing = null;
    this.since = null;
    this.bursts = 0;
    for (const o of this.outputs) {
      try {
        o.stop();
      } catch (err) {
        this.log.error({ output: o.name, err }, "sound output failed to stop");
      }
    }
  }
}
