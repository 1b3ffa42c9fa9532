import { LogThrottle } from "../../core/log-throttle.js";
import type { Logger } from "../../core/logger.js";
import type { ClassifiedReading } from "../../core/reading.js";
import type { TimeSource } from "../../core/time.js";
import type { GatewayMetrics } from "../metrics.js";
import type { SqliteStore } from "../store/sqlite-store.js";
import type { SeqLedger } from "./seq-ledger.js";

/** Who is waiting for a reading to become durable (a node session, to send its ack). */
export interface CommitWaiter {
  committed(seq: number): void;
  /** Called once per batch that contained this waiter's readings, after all committed() calls. */
  batchDone(): void;
  failed(seq: number, error: Error): void;
}

/** Told whether each commit succeeded (the gateway's storage health). */
export interface CommitOutcome {
  commitFailed(error: Error): void;
  commitSucceeded(): void;
}

interface Pending {
  reading: ClassifiedReading;
  waiter: CommitWaiter | undefined;
  arrived: number;
  /** A resend of a reading already stored: acknowledged in order, not written again. */
  duplicate: boolean;
}

/**
 * Group commit: everything submitted during one turn of the event loop is written in one
 * transaction, then acknowledged. Batching is what makes durable acks cheap.
 */
export class CommitQueue {
  private pending: Pending[] = [];
  private scheduled = false;
  private readonly log: LogThrottle;

  constructor(
    private readonly deps: {
      store: SqliteStore;
      /** Seq spaces: persisted with each batch, reloaded from storage after a failed one. */
      ledger: SeqLedger;
      metrics: GatewayMetrics;
      logger: Logger;
      time: TimeSource;
      maxBatch: number;
      /** Called with the new readings (not resends) just before their commit, to judge them. */
      judge?: (readings: ClassifiedReading[]) => void;
      /** Writes what judging caused (alarm events and state) inside the readings' transaction. */
      inTransaction?: () => void;
      /** That transaction failed: what inTransaction wrote is not there. */
      rolledBack?: () => void;
      /** Called with the new readings (not resends), after commit. */
      onStored: (readings: ClassifiedReading[]) => void;
      outcome?: CommitOutcome;
    },
  ) {
    // A full disk fails every commit: one log line per interval, with a count, not one per batch.
    this.log = new LogThrottle(deps.logger, deps.time);
  }

  submit(
    reading: ClassifiedReading,
    waiter: CommitWaiter | undefined,
    arrived: number,
    duplicate = false,
  ): void {
    this.pending.push({ reading, waiter, arrived, duplicate });
    if (this.pending.length >= this.deps.maxBatch) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Commits everything pending now. Safe to call at any time (shutdown calls it). */
  flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    const fresh: ClassifiedReading[] = [];
    for (const p of batch) if (!p.duplicate) fresh.push(p.reading);
    if (fresh.length) this.deps.judge?.(fresh);
    try {
      this.deps.store.appendBatch(fresh, this.deps.ledger.rows(fresh), this.deps.inTransaction);
    } catch (e) {
      this.deps.rolledBack?.();
      this.log.log(
        "error",
        "commit",
        { err: e, readings: fresh.length },
        "commit failed; readings not acknowledged",
      );
      this.deps.outcome?.commitFailed(e as Error);
      // Their seqs are not stored: resends of them must be taken as new.
      this.deps.ledger.forget(fresh);
      for (const p of batch) p.waiter?.failed(p.reading.seq, e as Error);
      return;
    }
    this.deps.ledger.settled();
    if (fresh.length) {
      this.log.reset("commit");
      this.deps.outcome?.commitSucceeded();
    }
    const now = performance.now();
    const touched = new Set<CommitWaiter>();
    for (const p of batch) {
      this.deps.metrics.ingestLatency.observe((now - p.arrived) / 1000);
      if (p.waiter) {
        p.waiter.committed(p.reading.seq);
        touched.add(p.waiter);
      }
    }
    this.deps.metrics.stored.inc(fresh.length);
    if (fresh.length < batch.length) this.deps.metrics.duplicates.inc(batch.length - fresh.length);
    for (const w of touched) w.batchDone();
    if (fresh.length) this.deps.onStored(fresh);
  }
}
