import type { Logger } from "../../core/logger.js";
import type { TimeSource } from "../../core/time.js";
import type { InteropOutbox, OutboxRow } from "./interop-outbox.js";

/** What one attempt came to, as the transport (MLLP, FHIR HTTP) judged the receiver's answer. */
export type DeliveryOutcome =
  | { kind: "delivered"; response?: string }
  /** The receiver answered and refused this message: retried up to maxAttempts (AR, HTTP 5xx/429). */
  | { kind: "retry"; error: string; response?: string; retryAfterMs?: number }
  /** The receiver answered that this message will never be accepted (AE, HTTP 4xx). */
  | { kind: "dead"; error: string; response?: string }
  /** No answer (connection refused, reset, time-out): the channel backs off; the row keeps its attempts. */
  | { kind: "unreachable"; error: string };

export interface OutboxTransport {
  readonly name: string;
  deliver(row: OutboxRow): Promise<DeliveryOutcome>;
  close?(): Promise<void> | void;
}

export interface RetryPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
  /** Attempts the receiver may refuse (retry outcomes) before the row is dead-lettered. */
  maxAttempts: number;
}

export interface DeliveryCounters {
  delivered: number;
  retried: number;
  deadLettered: number;
  unreachable: number;
}

/** Capped exponential delay before attempt n + 1 (no jitter: one stop-and-wait link per channel). */
export function backoffMs(failures: number, p: RetryPolicy): number {
  return Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** Math.max(0, failures - 1));
}

/**
 * Delivers one channel's outbox rows one at a time (stop-and-wait: the next message goes only after
 * the previous one's answer), so order per order key holds. Timers are setTimeout, so fake timers drive
 * it; it sleeps until the next row is due or until kick() says there is new work. After the kill of
 * the process, the rows are still pending and are sent again with the same control ids.
 */
export class DeliveryPump {
  readonly counters: DeliveryCounters = { delivered: 0, retried: 0, deadLettered: 0, unreachable: 0 };
  private active = false;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private inflight: Promise<unknown> | undefined;
  /** Consecutive unreachable attempts: the channel's reconnect back-off. */
  private unreachableRun = 0;
  private blockedUntil = 0;

  constructor(
    private readonly transport: OutboxTransport,
    private readonly d: { outbox: InteropOutbox; time: TimeSource; logger: Logger; retry: RetryPolicy },
  ) {}

  get channel(): string {
    return this.transport.name;
  }

  start(): void {
    this.active = true;
    this.kick(0);
  }

  async stop(): Promise<void> {
    this.active = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.inflight?.catch(() => {});
    await this.transport.close?.();
  }

  /** There may be work due in `delayMs` (0: now). */
  kick(delayMs: number): void {
    if (!this.active || this.running) return;
    const now = this.d.time.now();
    const wait = Math.max(delayMs, this.blockedUntil - now);
    clearTimeout(this.timer);
    this.timer = undefined;
    if (wait <= 0) {
      this.running = true;
      queueMicrotask(() => void this.pump());
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.pump();
    }, wait);
  }

  private async pump(): Promise<void> {
    this.running = true;
    let wakeIn: number | undefined;
    try {
      while (this.active) {
        const now = this.d.time.now();
        if (this.blockedUntil > now) {
          wakeIn = this.blockedUntil - now;
          break;
        }
        const row = this.d.outbox.nextDue(this.channel, now);
        if (!row) break;
        const p = this.attempt(row);
        this.inflight = p;
        await p;
        this.inflight = undefined;
      }
    } catch (e) {
      this.d.logger.error({ channel: this.channel, err: String(e) }, "interop outbox error");
      wakeIn = 5_000;
    } finally {
      this.running = false;
      this.inflight = undefined;
    }
    if (!this.active) return;
    if (wakeIn === undefined) {
      const next = this.d.outbox.nextWakeAt(this.channel);
      if (next !== undefined) wakeIn = Math.max(0, next - this.d.time.now());
    }
    if (wakeIn !== undefined) this.kick(wakeIn);
  }

  private async attempt(row: OutboxRow): Promise<void> {
    const { outbox, time, logger, retry } = this.d;
    const log = { channel: this.channel, row: row.id, controlId: row.controlId, kind: row.kind };
    let outcome: DeliveryOutcome;
    try {
      outcome = await this.transport.deliver(row);
    } catch (e) {
      outcome = { kind: "unreachable", error: e instanceof Error ? e.message : String(e) };
    }
    const now = time.now();
    const attempts = row.attempts + 1;
    switch (outcome.kind) {
      case "delivered":
        this.unreachableRun = 0;
        outbox.markDelivered(row.id, attempts, outcome.response, now);
        this.counters.delivered++;
        logger.debug({ ...log, latencyMs: now - row.createdAt }, "delivered");
        return;
      case "unreachable": {
        this.unreachableRun++;
        const delay = backoffMs(this.unreachableRun, retry);
        this.blockedUntil = now + delay;
        outbox.noteUnreachable(row.id, outcome.error, now);
        this.counters.unreachable++;
        // Once per outage at warn, then quietly: a receiver down for an hour should not flood the log.
        if (this.unreachableRun === 1) logger.warn({ ...log, err: outcome.error }, "receiver unreachable");
        else logger.debug({ ...log, err: outcome.error, retryInMs: delay }, "receiver still unreachable");
        return;
      }
      case "retry": {
        this.unreachableRun = 0;
        if (attempts >= retry.maxAttempts) {
          outbox.markDead(row.id, attempts, outcome.error, outcome.response, now);
          this.counters.deadLettered++;
          logger.error({ ...log, err: outcome.error, attempts }, "dead-lettered after refusals");
          return;
        }
        const delay = outcome.retryAfterMs ?? backoffMs(attempts, retry);
        outbox.markRetry(row.id, attempts, now + delay, outcome.error, outcome.response, now);
        this.counters.retried++;
        logger.warn({ ...log, err: outcome.error, retryInMs: delay }, "refused; will retry");
        return;
      }
      case "dead":
        this.unreachableRun = 0;
        outbox.markDead(row.id, attempts, outcome.error, outcome.response, now);
        this.counters.deadLettered++;
        logger.error({ ...log, err: outcome.error }, "rejected; dead-lettered");
        return;
      default: {
        const never: never = outcome;
        throw new Error(`unknown outcome ${JSON.stringify(never)}`);
      }
    }
  }
}
