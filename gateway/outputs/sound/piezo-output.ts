import { type Logger, silentLogger } from "../../../core/logger.js";
import { systemTime, type Timer, type TimeSource } from "../../../core/time.js";
import { PendingTimers, type Priority, type ScheduledPulse, type SoundOutput } from "./sound-output.js";

/**
 * The part of a johnny-five IO plugin (firmata.js `board.io`, pi-io, raspi-io…) a piezo needs. Every IO
 * plugin has these, so one output drives a buzzer on an Arduino over Firmata or on a Pi's GPIO header.
 */
export interface PiezoIo {
  readonly MODES: { readonly OUTPUT: number };
  pinMode(pin: number | string, mode: number): unknown;
  digitalWrite(pin: number | string, value: 0 | 1): unknown;
}

/**
 * tone: a passive piezo, driven with a square wave at the pulse frequency (capped at `maxToneHz`).
 * level: an active buzzer (own oscillator), driven high for the pulse.
 */
export type PiezoDrive = "tone" | "level";

export interface PiezoOutputOptions {
  io: PiezoIo;
  pin: number | string;
  drive?: PiezoDrive;
  /**
   * Highest square-wave frequency. StandardFirmata has no tone command, so every edge is one 3-byte
   * Firmata message from the host: 500 Hz is 1 000 messages/s, about half of a 57 600 baud link, and
   * a 1 ms host timer. Lower it on slow links; the pitch drops, the pulse rhythm (what encodes the
   * priority) does not change. Default 500.
   */
  maxToneHz?: number;
  time?: TimeSource;
  logger?: Logger;
  /** Called by close() after silencing: closes the board's serial port when the output owns it. */
  release?: () => Promise<void>;
}

/**
 * A buzzer on a microcontroller or GPIO pin. johnny-five's own Piezo times its square wave with a
 * nanotimer of its own, which cannot follow an injected time source; this output schedules each pulse's on
 * and off edge itself through `time`, so the pulse envelope (what IEC 60601-1-8 specifies) is as exact
 * as the clock, and an emulated board's clock makes it exact in tests.
 */
export class PiezoOutput implements SoundOutput {
  readonly name = "piezo";
  private readonly io: PiezoIo;
  private readonly pin: number | string;
  private readonly drive: PiezoDrive;
  private readonly maxToneHz: number;
  private readonly time: TimeSource;
  private readonly log: Logger;
  private readonly pending = new PendingTimers();
  private tone: Timer | null = null;
  private level: 0 | 1 = 0;
  private failed = false;
  private readonly release: (() => Promise<void>) | undefined;

  constructor(options: PiezoOutputOptions) {
    this.io = options.io;
    this.pin = options.pin;
    this.drive = options.drive ?? "tone";
    this.maxToneHz = options.maxToneHz ?? 500;
    this.time = options.time ?? systemTime;
    this.log = (options.logger ?? silentLogger).child({ ns: "sound.piezo" });
    this.release = options.release;
    if (!(this.maxToneHz > 0)) throw new RangeError(`maxToneHz must be positive, got ${this.maxToneHz}`);
    this.io.pinMode(this.pin, this.io.MODES.OUTPUT);
    this.write(0);
  }

  start(schedule: readonly ScheduledPulse[], _priority: Priority): void {
    this.silence();
    for (const pulse of schedule) {
      this.pending.add(this.time.after(pulse.at_ms, () => this.pulseOn(pulse.freq_hz)));
      this.pending.add(this.time.after(pulse.at_ms + pulse.on_ms, () => this.pulseOff()));
    }
  }

  stop(): void {
    this.silence();
  }

  async close(): Promise<void> {
    this.silence();
    await this.release?.();
  }

  private pulseOn(freqHz: number): void {
    this.pulseOff();
    this.write(1);
    if (this.drive === "level") return;
    const halfPeriodMs = 500 / Math.min(freqHz, this.maxToneHz);
    this.tone = this.time.every(halfPeriodMs, () => this.write(this.level === 1 ? 0 : 1));
  }

  private pulseOff(): void {
    this.tone?.cancel();
    this.tone = null;
    if (this.level !== 0) this.write(0);
  }

  private silence(): void {
    this.pending.cancelAll();
    this.pulseOff();
  }

  private write(value: 0 | 1): void {
    this.level = value;
    try {
      this.io.digitalWrite(this.pin, value);
      this.failed = false;
    } catch (err) {
      // Log the first failure of a run only: a pulled USB cable would otherwise log 1 000 lines a second.
      if (!this.failed) this.log.error({ err, pin: this.pin }, "piezo write failed");
      this.failed = true;
    }
  }
}
