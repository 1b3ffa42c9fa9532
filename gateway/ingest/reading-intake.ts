import type { Logger } from "../../core/logger.js";
import type { ClassifiedReading, Reading } from "../../core/reading.js";
import type { TimeSource } from "../../core/time.js";
import type { GatewayMetrics } from "../metrics.js";
import type { SqliteStore } from "../store/sqlite-store.js";
import { type CommitOutcome, CommitQueue, type CommitWaiter } from "./commit-queue.js";
import type { NodeClocks } from "./node-clocks.js";
import { SeqLedger } from "./seq-ledger.js";

export interface ReadingIntakeDeps {
  store: SqliteStore;
  /**
   * Judges a batch just before its commit (the alarm engine): sets each reading's status and reasons
   * to the bed's derived status right after that reading.
   */
  judge: (readings: ClassifiedReading[]) => void;
  /** Writes what judging caused (alarm events and state) in the same transaction as the readings. */
  inTransaction?: () => void;
  rolledBack?: () => void;
  metrics: GatewayMetrics;
  logger: Logger;
  time: TimeSource;
  maxBatch: number;
  maxSeqJump: number;
  /** New readings (not resends), after they are durable. */
  onStored: (readings: ClassifiedReading[]) => void;
  /** Flags readings whose device time cannot be right. */
  clocks?: NodeClocks;
  /** Whether each commit succeeded (the storage health). */
  commits?: CommitOutcome;
}

/**
 * Where every reading enters storage, from TCP and MQTT alike: the seq ledger decides new, resend or
 * refused; all go through the group commit, where new readings are judged by the alarm engine just
 * before they are written; waiters are told once their reading (or the stored original of a resend)
 * is durable.
 */
export class ReadingIntake {
  readonly ledger: SeqLedger;
  private readonly commits: CommitQueue;

  constructor(private readonly deps: ReadingIntakeDeps) {
    this.ledger = new SeqLedger(deps.store, { maxJump: deps.maxSeqJump });
    this.commits = new CommitQueue({
      store: deps.store,
      ledger: this.ledger,
      metrics: deps.metrics,
      logger: deps.logger,
      time: deps.time,
      maxBatch: deps.maxBatch,
      judge: deps.judge,
      ...(deps.inTransaction ? { inTransaction: deps.inTransaction } : {}),
      ...(deps.rolledBack ? { rolledBack: deps.rolledBack } : {}),
      onStored: deps.onStored,
      ...(deps.commits ? { outcome: deps.commits } : {}),
    });
  }

  /** Highest seq held for a node's seq space (the welcome's last_seq), undefined for a new space. */
  lastSeq(node: string, boot: string): number | undefined {
    return this.ledger.last(node, boot);
  }

  /** Seq for the next reading of a client the gateway numbers itself. */
  nextLegacySeq(node: string): number {
    return this.ledger.next(node);
  }

  /**
   * Takes a reading whose seq the node chose. Returns the reason when its seq is refused (bad_seq):
   * then nothing is queued and the waiter is not called.
   */
  submit(reading: Reading, waiter: CommitWaiter | undefined, arrived: number): string | undefined {
    const verdict = this.ledger.judge(reading.node, reading.boot, reading.seq);
    if (typeof verdict === "object") return verdict.refused;
    if (verdict === "new") this.deps.clocks?.judge(reading);
    this.enqueue(reading, waiter, arrived, verdict === "resend");
    return undefined;
  }

  /** Takes a reading the gateway numbered itself (nextLegacySeq). */
  submitNumbered(reading: Reading, arrived: number): void {
    this.enqueue(reading, undefined, arrived, false);
  }

  private enqueue(reading: Reading, waiter: CommitWaiter | undefined, arrived: number, resend: boolean) {
    // Judged at commit time (CommitQueue → judge); a resend is never judged again.
    const classified = reading as ClassifiedReading;
    classified.status = "UNKNOWN";
    classified.reasons = [];
    this.commits.submit(classified, waiter, arrived, resend);
  }

  /** Commits whatever is queued now (shutdown). */
  flush(): void {
    this.commits.flush();
  }
}
