import type Database from "better-sqlite3";
import type { Clock } from "../model.js";
import { retryDelayMs } from "./backoff.js";
import type { SmtpTransportFactory } from "./channels/smtp-notifier.js";
import type { NotificationsConfig } from "./config.js";
import { createNotifier, recipientsFor } from "./create-notifiers.js";
import type { FetchLike } from "./http-post.js";
import { type NotificationMessage, renderDigest, renderEvent } from "./message.js";
import {
  type NotificationEvent,
  type PRIORITIES,
  patientKey,
  priorityRank,
  rateLimitKey,
} from "./notification-event.js";
import { type DeadLetter, type DeliveryRow, NotificationOutbox } from "./notification-outbox.js";
import { DeliveryError, isDeliveryError, type Notifier } from "./notifier.js";
import { SecretStore } from "./secrets.js";

/** The part of pino the service uses; any pino logger fits. */
export interface NotifyLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface NotificationServiceOptions {
  db: Database.Database;
  clock: Clock;
  logger: NotifyLogger;
  config: NotificationsConfig;
  /** Dashboard base URL for bed links (the gateway's `publicUrl`). */
  publicUrl?: string | undefined;
  fetch?: FetchLike;
  smtpTransport?: SmtpTransportFactory;
  /** Where env-var secrets come from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Jitter source (tests make it deterministic). */
  random?: () => number;
}

export type EnqueueOutcome = "queued" | "suppressed" | "digest" | "disabled";

export interface NotificationStats {
  pending: number;
  delivered: number;
  dead: number;
  oldestPendingAgeMs: number | null;
  byChannel: Record<string, { pending: number; delivered: number; dead: number }>;
  /** Since this service was constructed. */
  counters: {
    enqueued: number;
    suppressed: number;
    digested: number;
    digestsSent: number;
    attempts: number;
    delivered: number;
    retried: number;
    deadLettered: number;
  };
}

interface ChannelPump {
  notifier: Notifier;
  maxPerMinute: number;
  running: boolean;
  timer: NodeJS.Timeout | undefined;
  inflight: Promise<void> | undefined;
  /** Attempt times within the last minute, for the per-channel rate limit. */
  sent: number[];
}

const MINUTE = 60_000;

/**
 * Turns alarm events into deliveries in the outbox and delivers them: one pump per channel (a slow
 * provider does not hold up the others), driven by setTimeout and the injected clock.
 */
export class NotificationService {
  private readonly outbox: NotificationOutbox;
  private readonly secrets: SecretStore;
  private readonly pumps = new Map<string, ChannelPump>();
  private readonly digestTimers = new Map<string, NodeJS.Timeout>();
  private readonly random: () => number;
  private started = false;
  private readonly counters: NotificationStats["counters"] = {
    enqueued: 0,
    suppressed: 0,
    digested: 0,
    digestsSent: 0,
    attempts: 0,
    delivered: 0,
    retried: 0,
    deadLettered: 0,
  };

  constructor(private readonly o: NotificationServiceOptions) {
    this.outbox = new NotificationOutbox(o.db);
    this.secrets = new SecretStore(o.env ?? process.env);
    this.random = o.random ?? Math.random;
    if (!o.config.enabled) return;
    // Secrets are resolved now so a missing one stops the gateway at start-up, not at the first alarm.
    for (const [name, cfg] of Object.entries(o.config.channels)) {
      if (!cfg.enabled) continue;
      const notifier = createNotifier(name, cfg, {
        secrets: this.secrets,
        ...(o.fetch ? { fetch: o.fetch } : {}),
        ...(o.smtpTransport ? { smtpTransport: o.smtpTransport } : {}),
      });
      this.pumps.set(name, {
        notifier,
        maxPerMinute: cfg.maxPerMinute ?? o.config.rateLimit.perChannelPerMinute,
        running: false,
        timer: undefined,
        inflight: undefined,
        sent: [],
      });
    }
  }

  /** Records an event durably and schedules its deliveries; returns at once (delivery is asynchronous). */
  enqueue(event: NotificationEvent): EnqueueOutcome {
    const cfg = this.o.config;
    if (!cfg.enabled) return "disabled";
    const now = this.o.clock.now();
    const key = patientKey(event);
    const outcome = this.outbox.transaction((): EnqueueOutcome => {
      if (event.kind !== "test") {
        const recent = this.outbox.recentForLimitKey(
          rateLimitKey(event),
          now - cfg.rateLimit.perPatientWindowMs,
        );
        const higher = recent === undefined || priorityRank(event.priority) > recent.maxRank;
        const firstEscalation = event.kind === "escalation" && !recent?.escalated;
        if (!higher && !firstEscalation) {
          this.outbox.recordEvent(event, "suppressed", now);
          return "suppressed";
        }
        if (cfg.digest.enabled && this.joinsDigest(event, key, now)) {
          this.outbox.recordEvent(event, "digest_pending", now);
          return "digest";
        }
      }
      const id = this.outbox.recordEvent(event, "sent", now);
      const message = renderEvent(event, {
        minimisation: cfg.minimisation,
        publicUrl: this.o.publicUrl,
        timeZone: cfg.timeZone,
      });
      this.fanOut(id, event.ward, message, now);
      return "queued";
    });
    this.counters.enqueued++;
    if (outcome === "suppressed") this.counters.suppressed++;
    if (outcome === "digest") {
      this.counters.digested++;
      this.scheduleDigest(event.ward);
    }
    if (outcome === "queued") for (const name of this.pumps.keys()) this.kick(name, 0);
    this.o.logger.debug(
      { ns: "notify", kind: event.kind, priority: event.priority, outcome },
      "notification event",
    );
    return outcome;
  }

  /** The (threshold+1)-th patient of a ward alarming within the window starts (or joins) a digest. */
  private joinsDigest(event: NotificationEvent, key: string, now: number): boolean {
    const d = this.o.config.digest;
    if (this.outbox.pendingDigests().some((p) => p.ward === event.ward)) return true;
    return this.outbox.otherPatientsAlarming(event.ward, now - d.windowMs, key) >= d.patientThreshold;
  }

  private fanOut(eventId: number | null, ward: string | null, m: NotificationMessage, now: number): number {
    let n = 0;
    for (const [name, cfg] of Object.entries(this.o.config.channels)) {
      if (!cfg.enabled || !this.pumps.has(name)) continue;
      for (const r of recipientsFor(cfg, ward)) {
        this.outbox.addDelivery(eventId, name, r, m, now);
        n++;
      }
    }
    if (n === 0) this.o.logger.warn({ ns: "notify", ward }, "no notification recipients for this ward");
    return n;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    for (const name of this.pumps.keys()) this.kick(name, 0);
    for (const p of this.outbox.pendingDigests()) this.scheduleDigest(p.ward, p.since);
  }

  /** Stops the timers and waits for attempts in flight; what is not delivered stays in the outbox. */
  async stop(): Promise<void> {
    this.started = false;
    for (const t of this.digestTimers.values()) clearTimeout(t);
    this.digestTimers.clear();
    const inflight: Promise<void>[] = [];
    for (const p of this.pumps.values()) {
      clearTimeout(p.timer);
      p.timer = undefined;
      if (p.inflight) inflight.push(p.inflight);
    }
    await Promise.allSettled(inflight);
    for (const p of this.pumps.values()) await p.notifier.close?.();
  }

  private scheduleDigest(ward: string | null, since?: number): void {
    if (!this.started) return;
    const k = JSON.stringify(ward);
    if (this.digestTimers.has(k)) return;
    const first = since ?? this.o.clock.now();
    const delay = Math.max(0, first + this.o.config.digest.holdMs - this.o.clock.now());
    this.digestTimers.set(
      k,
      setTimeout(() => {
        this.digestTimers.delete(k);
        this.flushDigest(ward);
      }, delay),
    );
  }

  private flushDigest(ward: string | null): void {
    const now = this.o.clock.now();
    const sent = this.outbox.transaction(() => {
      const events = this.outbox.takeDigest(ward);
      if (events.length === 0) return false;
      // One line per bed, at its highest priority.
      const beds = new Map<string, (typeof PRIORITIES)[number]>();
      for (const e of events) {
        const p = beds.get(e.bed);
        if (p === undefined || priorityRank(e.priority) > priorityRank(p)) beds.set(e.bed, e.priority);
      }
      const m = renderDigest(
        ward,
        [...beds].map(([bed, priority]) => ({ bed, priority })),
        now,
        { publicUrl: this.o.publicUrl, timeZone: this.o.config.timeZone },
      );
      this.fanOut(null, ward, m, now);
      return true;
    });
    if (!sent) return;
    this.counters.digestsSent++;
    for (const name of this.pumps.keys()) this.kick(name, 0);
  }

  private kick(name: string, delayMs: number): void {
    const p = this.pumps.get(name);
    if (!p || !this.started || p.running) return;
    clearTimeout(p.timer);
    p.timer = undefined;
    if (delayMs <= 0) {
      // Not a 0 ms timer, which fake timers (and a busy event loop) postpone: a microtask runs as soon
      // as the caller's synchronous outbox write is done.
      p.running = true;
      queueMicrotask(() => void this.pump(name, p));
      return;
    }
    p.timer = setTimeout(() => {
      p.timer = undefined;
      void this.pump(name, p);
    }, delayMs);
  }

  private async pump(name: string, p: ChannelPump): Promise<void> {
    p.running = true;
    let wakeIn: number | undefined;
    try {
      while (this.started) {
        const now = this.o.clock.now();
        const row = this.outbox.nextDue(name, now);
        if (!row) break;
        while (p.sent.length > 0 && (p.sent[0] as number) <= now - MINUTE) p.sent.shift();
        if (p.sent.length >= p.maxPerMinute) {
          wakeIn = (p.sent[0] as number) + MINUTE - now;
          break;
        }
        p.sent.push(now);
        p.inflight = this.attempt(p.notifier, row, now);
        await p.inflight;
        p.inflight = undefined;
      }
    } catch (e) {
      // Only the database can throw here; keep the pump alive and try again shortly.
      this.o.logger.error(
        { ns: "notify", channel: name, err: this.secrets.redact(String(e)) },
        "outbox error",
      );
      wakeIn = 5_000;
    } finally {
      p.running = false;
      p.inflight = undefined;
    }
    if (!this.started) return;
    if (wakeIn === undefined) {
      const next = this.outbox.nextWakeAt(name);
      if (next !== undefined) wakeIn = next - this.o.clock.now();
    }
    if (wakeIn !== undefined) this.kick(name, wakeIn);
  }

  private async attempt(n: Notifier, row: DeliveryRow, now: number): Promise<void> {
    const attempts = row.attempts + 1;
    this.counters.attempts++;
    const log = { ns: "notify", channel: n.name, delivery: row.id, attempt: attempts };
    try {
      const receipt = await n.send(row.message, row.recipient, { deliveryId: row.id, now });
      this.outbox.markDelivered(row.id, attempts, receipt.providerId, this.o.clock.now());
      this.counters.delivered++;
      this.o.logger.info({ ...log, latencyMs: this.o.clock.now() - row.createdAt }, "notification delivered");
    } catch (e) {
      const err = isDeliveryError(e)
        ? e
        : new DeliveryError(e instanceof Error ? e.message : String(e), false);
      const why = this.secrets.redact(err.message);
      const at = this.o.clock.now();
      if (err.permanent || attempts >= this.o.config.retry.maxAttempts) {
        this.outbox.markDead(row.id, attempts, why, at);
        this.counters.deadLettered++;
        this.o.logger.error({ ...log, err: why, permanent: err.permanent }, "notification dead-lettered");
        return;
      }
      const delay = retryDelayMs(attempts, this.o.config.retry, this.random, err.retryAfterMs);
      this.outbox.markRetry(row.id, attempts, at + delay, why, at);
      this.counters.retried++;
      this.o.logger.warn({ ...log, err: why, retryInMs: delay }, "notification attempt failed; will retry");
    }
  }

  stats(): NotificationStats {
    const byChannel: NotificationStats["byChannel"] = {};
    const total = { pending: 0, delivered: 0, dead: 0 };
    for (const name of this.pumps.keys()) byChannel[name] = { pending: 0, delivered: 0, dead: 0 };
    for (const r of this.outbox.countsByChannel()) {
      byChannel[r.channel] ??= { pending: 0, delivered: 0, dead: 0 };
      (byChannel[r.channel] as Record<string, number>)[r.status] = r.n;
      total[r.status] += r.n;
    }
    const oldest = this.outbox.oldestPendingAt();
    return {
      ...total,
      oldestPendingAgeMs: oldest === undefined ? null : this.o.clock.now() - oldest,
      byChannel,
      counters: { ...this.counters },
    };
  }

  deadLetters(limit = 50): DeadLetter[] {
    return this.outbox.deadLetters(limit);
  }

  /** Sends a dead letter again from scratch (after the configuration was fixed). */
  requeue(deliveryId: number): boolean {
    const ok = this.outbox.requeue(deliveryId, this.o.clock.now());
    if (ok) for (const name of this.pumps.keys()) this.kick(name, 0);
    return ok;
  }

  /** Deletes delivered notifications older than `maxAgeMs`; the gateway calls it now and then. */
  prune(maxAgeMs: number): number {
    return this.outbox.prune(this.o.clock.now() - maxAgeMs);
  }
}
