import type { Logger } from "./logger.js";
import type { TimeSource } from "./time.js";

type Level = "error" | "warn" | "info";

/**
 * Keeps a condition that repeats many times a second (a full disk failing every commit) from
 * writing a log line each time: the first line of a run is written at once, then at most one per
 * interval, carrying `repeated` — how many identical lines were left out since the last one.
 */
export class LogThrottle {
  private readonly runs = new Map<string, { next: number; suppressed: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly time: TimeSource,
    private readonly intervalMs = 10_000,
  ) {}

  log(level: Level, key: string, obj: Record<string, unknown>, msg: string): void {
    const now = this.time.now();
    const run = this.runs.get(key);
    if (run && now < run.next) {
      run.suppressed++;
      return;
    }
    const repeated = run?.suppressed ?? 0;
    this.runs.set(key, { next: now + this.intervalMs, suppressed: 0 });
    this.logger[level](repeated > 0 ? { ...obj, repeated } : obj, msg);
  }

  /** The condition is over: its next occurrence is logged at once. */
  reset(key: string): void {
    const run = this.runs.get(key);
    if (!run) return;
    this.runs.delete(key);
    if (run.suppressed > 0) this.logger.info({ key, repeated: run.suppressed }, "repeated log line ended");
  }
}
