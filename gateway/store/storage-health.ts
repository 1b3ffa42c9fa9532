import { statfs } from "node:fs/promises";
import type { StorageHealthView } from "../../core/api-types.js";
import type { Logger } from "../../core/logger.js";
import type { CommitOutcome } from "../ingest/commit-queue.js";

/** Free space of the file system holding a directory, in bytes (fs.statfs by default). */
export type FreeSpace = (dir: string) => Promise<number>;

const statfsFree: FreeSpace = async (dir) => {
  const s = await statfs(dir);
  return s.bavail * s.bsize;
};

/** The alarm log's side: events waiting to be written, and a way to try again. */
export interface AlarmLogBacklog {
  readonly unwritten: number;
  readonly dropped: number;
  retry(): boolean;
}

export interface StorageHealthDeps {
  dataDir: string;
  minFreeBytes: number;
  checkIntervalMs: number;
  logger: Logger;
  alarmLog: AlarmLogBacklog;
  /** Storage started or stopped failing (the technical alarm). */
  onChange: (failing: boolean, problems: string[]) => void;
  freeSpace?: FreeSpace;
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

/**
 * Whether the gateway can store: commits of readings, the alarm log, and free space against
 * `storage.minFreeBytes` (checked every `storage.checkIntervalMs`, so the alarm comes before the
 * disk is full). Any problem makes /healthz degraded and raises the station's technical alarm
 * "storage failing"; it clears when writes succeed again and space is back.
 */
export class StorageHealth implements CommitOutcome {
  private commitError: string | undefined;
  private alarmLogError: string | undefined;
  private freeBytes: number | null = null;
  private failing = false;
  private timer: NodeJS.Timeout | undefined;
  private checking = false;

  constructor(private readonly deps: StorageHealthDeps) {}

  start(): void {
    this.timer = setInterval(() => void this.check(), this.deps.checkIntervalMs);
    this.timer.unref();
    void this.check();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  commitFailed(error: Error): void {
    this.commitError = error.message;
    this.update();
  }

  commitSucceeded(): void {
    if (this.commitError === undefined && this.deps.alarmLog.unwritten === 0) return;
    this.commitError = undefined;
    // A write just worked: the alarm events kept in memory can go now too.
    this.deps.alarmLog.retry();
    this.update();
  }

  /** The alarm log's backlog changed (AlarmStore.onBacklogChange). */
  alarmLogChanged(waiting: number, error: Error | undefined): void {
    this.alarmLogError = waiting > 0 ? (error?.message ?? this.alarmLogError ?? "write failed") : undefined;
    this.update();
  }

  /** Measures free space and retries the alarm log; the timer calls it. */
  async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      this.freeBytes = await (this.deps.freeSpace ?? statfsFree)(this.deps.dataDir);
    } catch (e) {
      this.deps.logger.warn({ err: (e as Error).message }, "cannot measure free space");
      this.freeBytes = null;
    } finally {
      this.checking = false;
    }
    this.deps.alarmLog.retry();
    this.update();
  }

  problems(): string[] {
    const out: string[] = [];
    if (this.commitError !== undefined) out.push(`readings cannot be stored: ${this.commitError}`);
    const waiting = this.deps.alarmLog.unwritten;
    if (waiting > 0)
      out.push(`${waiting} alarm events kept in memory: ${this.alarmLogError ?? "not written yet"}`);
    if (this.freeBytes !== null && this.freeBytes < this.deps.minFreeBytes) {
      out.push(
        `free space ${mb(this.freeBytes)} is below storage.minFreeBytes (${mb(this.deps.minFreeBytes)})`,
      );
    }
    return out;
  }

  view(): StorageHealthView {
    const problems = this.problems();
    return {
      status: problems.length ? "degraded" : "ok",
      problems,
      free_bytes: this.freeBytes,
      min_free_bytes: this.deps.minFreeBytes,
      unwritten_alarm_events: this.deps.alarmLog.unwritten,
      dropped_alarm_events: this.deps.alarmLog.dropped,
    };
  }

  private update(): void {
    const problems = this.problems();
    const failing = problems.length > 0;
    if (failing === this.failing) return;
    this.failing = failing;
    if (failing) this.deps.logger.error({ problems }, "storage failing: readings are not being acknowledged");
    else this.deps.logger.info("storage works again");
    this.deps.onChange(failing, problems);
  }
}
