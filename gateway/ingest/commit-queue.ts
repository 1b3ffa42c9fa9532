import type { Logger } from "../logger.js";
import type { GatewayMetrics } from "../metrics.js";
import type { ClassifiedReading } from "../model.js";
import type { SqliteStore } from "../store/sqlite-store.js";

/** Who is waiting for a reading to become durable (a node session, to send its ack). */
export interface CommitWaiter {
  committed(seq: number): void;
  /** Called once per batch that contained this waiter's readings, after all committed() calls. */
  batchDone(): void;
  failed(seq: number, error: Error): void;
}

interface Pending {
  reading: ClassifiedReading;
  waiter: CommitWaiter | undefined;
  arrived: number;
}

/**
 * Group commit: everything submitted during one turn of the event loop is written in one
 * transaction, then acknowledged. Batching is what makes durable acks cheap.
 */
export class CommitQueue {
  private pending: Pending[] = [];
  private scheduled = false;

  constructor(
    private readonly deps: {
      store: SqliteStore;
      metrics: GatewayMetrics;
      logger: Logger;
      maxBatch: number;
      /** Called with the readings that were new (not resends), after commit. */
      onStored: (readings: ClassifiedReading[]) => void;
    },
  ) {}

  submit(reading: ClassifiedReading, waiter: CommitWaiter | undefined, arrived: number): void {
    this.pending.push({ reading, waiter, arrived });
    if (this.pending.length >= this.deps.maxBatch) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  get depth(): number {
    return this.pending.length;
  }

  /** Commits everything pending now. Safe to call at any time (shutdown calls it). */
  flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    let inserted: boolean[];
    try {
      inserted = this.deps.store.appendBatch(batch.map((p) => p.reading));
    } catch (e) {
      this.deps.logger.error({ err: e, readings: batch.length }, "commit failed; readings not acknowledged");
      for (const p of batch) p.waiter?.failed(p.reading.seq, e as Error);
      return;
    }
    const now = performance.now();
    const fresh: ClassifiedReading[] = [];
    const touched = new Set<CommitWaiter>();
    for (let i = 0; i < batch.length; i++) {
      const p = batch[i] as Pending;
      this.deps.metrics.ingestLatency.observe((now - p.arrived) / 1000);
      if (inserted[i]) fresh.push(p.reading);
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
