import { systemTime, type TimeSource } from "../../../core/time.js";
import { PendingTimers, type Priority, type ScheduledPulse, type SoundOutput } from "./sound-output.js";

/** The one thing the console output needs from a stream (process.stdout, a test buffer). */
export interface TextSink {
  write(text: string): unknown;
}

export interface ConsoleBellOutputOptions {
  stream?: TextSink;
  time?: TimeSource;
  /** Ring BEL (\x07) per pulse; off when the stream is a log file rather than a terminal. Default true. */
  bell?: boolean;
}

export const BEL = "\x07";

/**
 * The fallback that works everywhere: the terminal bell once per pulse (a terminal cannot play a tone,
 * but it can keep the pulse rhythm), and one status line per change so a console with the bell muted
 * still says what is sounding.
 */
export class ConsoleBellOutput implements SoundOutput {
  readonly name = "console";
  private readonly stream: TextSink;
  private readonly time: TimeSource;
  private readonly bell: boolean;
  private readonly pending = new PendingTimers();
  private announced: Priority | null = null;

  constructor(options: ConsoleBellOutputOptions = {}) {
    this.stream = options.stream ?? process.stdout;
    this.time = options.time ?? systemTime;
    this.bell = options.bell ?? true;
  }

  start(schedule: readonly ScheduledPulse[], priority: Priority): void {
    this.pending.cancelAll();
    if (priority !== this.announced) {
      this.announced = priority;
      this.stream.write(`alarm sound: ${priority} priority (${schedule.length} pulses per burst)\n`);
    }
    if (!this.bell) return;
    for (const pulse of schedule) {
      this.pending.add(this.time.after(pulse.at_ms, () => this.stream.write(BEL)));
    }
  }

  stop(): void {
    this.pending.cancelAll();
    if (this.announced === null) return;
    this.announced = null;
    this.stream.write("alarm sound: off\n");
  }

  async close(): Promise<void> {
    this.stop();
  }
}
