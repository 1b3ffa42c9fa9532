import type { Timer, TimeSource } from "../../core/time.js";
import { type RetryPolicy, retryDelayMs } from "./backoff.js";
import type { DeliveryRow, NotificationOutbox } from "./notification-outbox.js";
import { DeliveryError, isDeliveryError, type Notifier } from "./notifier.js";

/** The part of pino the notification code uses; any pino logger fits. */
export interface NotifyLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

interface DeliveryCounters {
  attempts: number;
  delivered: number;
  retried: number;
  deadLettered: number;
}

export interface ChannelPumpDeps {
  outbox: NotificationOutbox;
  time: TimeSource;
  logger: NotifyLogger;
  retry: RetryPolicy;
  random: () => number;
  /** Scrubs secrets out of error texts before they are logged or stored. */
  redact: (text: string) => string;
  /** Shared with the service's stats(). */
  counters: DeliveryCounters;
}

const MINUTE = 60_000;

/**
 * Delivers one channel's outbox rows, most urgent first, one attempt at a time, within the channel's
 * rate limit. Each channel has its own pump, so a provider that hangs until its time-out delays only
 * its own messages. Its timer comes from the injected time source; there is no polling: the pump
 * sleeps until the next row is due or until kick() says there is new work.
 */
export class ChannelPump {
  private active = false;
  private running = false;
  private timer: Timer | undefined;
  private inflight: Promise<void> | undefined;
  /** Attempt times within the last minute. */
  private readonly sent: number[] = [];

  constructor(
    readonly notifier: Notifier,
    private readonly maxPerMinute: number,
    private readonly d: ChannelPumpDeps,
  ) {}

  get name(): string {
    return this.notifier.name;
  }

  start(): void {
    this.active = true;
    this.kick(0);
  }

  /** Stops the timer and waits for the attempt in flight (bounded by the channel's time-out). */
  async stop(): Promise<void> {
    this.active = false;
    this.timer?.cancel();
    this.timer = undefined;
    await this.inflight?.catch(() => {});
    await this.notifier.close?.();
  }

  /** There may be work due in `delayMs` (0: now). */
  kick(delayMs: number): void {
    if (!this.active || this.running) return;
    this.timer?.cancel();
    this.timer = undefined;
    if (delayMs <= 0) {
      // Not a 0 ms timer, which fake timers (and a busy event loop) postpone: a microtask runs as soon
      // as the caller's synchronous outbox write is done.
      this.running = true;
      queueMicrotask(() => void this.pump());
      return;
    }
    this.timer = this.d.time.after(delayMs, () => {
      this.timer = undefined;
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    this.running = true;
    let wakeIn: number | undefined;
    try {
      while (this.active) {
        const now = this.d.time.now();
        const row = this.d.outbox.nextDue(this.name, now);
        if (!row) break;
        while (this.sent.length > 0 && (this.sent[0] as number) <= now - MINUTE) this.sent.shift();
        if (this.sent.length >= this.maxPerMinute) {
          wakeIn = (this.sent[0] as number) + MINUTE - now;
          break;
        }
        this.sent.push(now);
        this.inflight = this.attempt(row, now);
        await this.inflight;
        this.inflight = undefined;
      }
    } catch (e) {
      // attempt() handles delivery errors; only the database can throw here. Stay alive, try again soon.
      this.d.logger.error(
        { ns: "notify", channel: this.name, err: this.d.redact(String(e)) },
        "outbox error",
      );
      wakeIn = 5_000;
    } finally {
      this.running = false;
      this.inflight = undefined;
    }
    if (!this.active) return;
    if (wakeIn === undefined) {
      const next = this.d.outbox.nextWakeAt(this.name);
      if (next !== undefined) wakeIn = next - this.d.time.now();
    }
    if (wakeIn !== undefined) this.kick(wakeIn);
  }

  private async attempt(row: DeliveryRow, now: number): Promise<void> {
    const { outbox, time, logger, counters } = this.d;
    const attempts = row.attempts + 1;
    counters.attempts++;
    // No recipient and no message content in the log: both are personal data.
    const log = { ns: "notify", channel: this.name, delivery: row.id, attempt: attempts };
    try {
      const receipt = await this.notifier.send(row.message, row.recipient, { deliveryId: row.id, now });
      outbox.markDelivered(row.id, attempts, receipt.providerId, time.now());
      counters.delivered++;
      logger.info({ ...log, latencyMs: time.now() - row.createdAt }, "notification delivered");
    } catch (e) {
      const err = isDeliveryError(e)
        ? e
        : new DeliveryError(e instanceof Error ? e.message : String(e), false);
      const why = this.d.redact(err.message);
      const at = time.now();
      if (err.permanent || attempts >= this.d.retry.maxAttempts) {
        outbox.markDead(row.id, attempts, why, at);
        counters.deadLettered++;
        logger.error({ ...log, err: why, permanent: err.permanent }, "notification dead-lettered");
        return;
      }
      const delay = retryDelayMs(attempts, this.d.retry, this.d.random, err.retryAfterMs);
      outbox.markRetry(row.id, attempts, at + delay, why, at);
      counters.retried++;
      logger.warn({ ...log, err: why, retryInMs: delay }, "notification attempt failed; will retry");
    }
  }
}
