import type Database from "better-sqlite3";
import type { Timer, TimeSource } from "../../core/time.js";
import { ChannelPump, type NotifyLogger } from "./channel-pump.js";
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
import { type DeadLetter, NotificationOutbox } from "./notification-outbox.js";
import { SecretStore } from "./secrets.js";

export interface NotificationServiceOptions {
  db: Database.Database;
  time: TimeSource;
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

/**
 * Turns alarm events into deliveries in the outbox (rate limits, digest, rendering) and runs one
 * ChannelPump per channel to deliver them.
 */
const PRUNE_AFTER_MS = 30 * 24 * 3_600_000;

export class NotificationService {
  private readonly outbox: NotificationOutbox;
  private readonly secrets: SecretStore;
  private readonly pumps = new Map<string, ChannelPump>();
  private readonly digestTimers = new Map<string, Timer>();
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

  private pruneTimer: Timer | undefined;
  private watchTimer: Timer | undefined;

  constructor(private readonly o: NotificationServiceOptions) {
    this.outbox = new NotificationOutbox(o.db);
    this.secrets = new SecretStore(o.env ?? process.env);
    if (!o.config.enabled) return;
    // Secrets are resolved now so a missing one stops the gateway at start-up, not at the first alarm.
    for (const [name, cfg] of Object.entries(o.config.channels)) {
      if (!cfg.enabled) continue;
      const notifier = createNotifier(name, cfg, {
        secrets: this.secrets,
        ...(o.fetch ? { fetch: o.fetch } : {}),
        ...(o.smtpTransport ? { smtpTransport: o.smtpTransport } : {}),
      });
      this.pumps.set(
        name,
        new ChannelPump(notifier, cfg.maxPerMinute ?? o.config.rateLimit.perChannelPerMinute, {
          outbox: this.outbox,
          time: o.time,
          logger: o.logger,
          retry: o.config.retry,
          random: o.random ?? Math.random,
          redact: (t) => this.secrets.redact(t),
          counters: this.counters,
        }),
      );
    }
  }

  /** Records an event durably and schedules its deliveries; returns at once (delivery is asynchronous). */
  enqueue(event: NotificationEvent): EnqueueOutcome {
    const cfg = this.o.config;
    if (!cfg.enabled) return "disabled";
    const now = this.o.time.now();
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
    if (outcome === "queued") this.kickAll();
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
    for (const p of this.pumps.values()) p.start();
    for (const p of this.outbox.pendingDigests()) this.scheduleDigest(p.ward, p.since);
    // Delivered messages are kept 30 days (to answer "was the charge nurse told?"), then pruned.
    this.pruneTimer = this.o.time.every(3_600_000, () => this.prune(PRUNE_AFTER_MS));
  }

  /** Calls `onChange` whenever the pending or dead-letter counts change (checked every 5 s). */
  watch(onChange: (counts: { pending: number; dead: number }) => void): void {
    let last = "";
    this.watchTimer?.cancel();
    this.watchTimer = this.o.time.every(5_000, () => {
      const { pending, dead } = this.stats();
      if (`${pending}/${dead}` === last) return;
      last = `${pending}/${dead}`;
      onChange({ pending, dead });
    });
  }

  /** Stops the timers and waits for attempts in flight; what is not delivered stays in the outbox. */
  async stop(): Promise<void> {
    this.started = false;
    this.pruneTimer?.cancel();
    this.watchTimer?.cancel();
    for (const t of this.digestTimers.values()) t.cancel();
    this.digestTimers.clear();
    await Promise.allSettled([...this.pumps.values()].map((p) => p.stop()));
  }

  private kickAll(): void {
    for (const p of this.pumps.values()) p.kick(0);
  }

  private scheduleDigest(ward: string | null, since?: number): void {
    if (!this.started) return;
    const k = JSON.stringify(ward);
    if (this.digestTimers.has(k)) return;
    const first = since ?? this.o.time.now();
    const delay = Math.max(0, first + this.o.config.digest.holdMs - this.o.time.now());
    this.digestTimers.set(
      k,
      this.o.time.after(delay, () => {
        this.digestTimers.delete(k);
        this.flushDigest(ward);
      }),
    );
  }

  private flushDigest(ward: string | null): void {
    const now = this.o.time.now();
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
    this.kickAll();
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
      oldestPendingAgeMs: oldest === undefined ? null : this.o.time.now() - oldest,
      byChannel,
      counters: { ...this.counters },
    };
  }

  deadLetters(limit = 50): DeadLetter[] {
    return this.outbox.deadLetters(limit);
  }

  /** Sends a dead letter again from scratch (after the configuration was fixed). */
  requeue(deliveryId: number): boolean {
    const ok = this.outbox.requeue(deliveryId, this.o.time.now());
    if (ok) this.kickAll();
    return ok;
  }

  /** Deletes delivered notifications older than `maxAgeMs`; the gateway calls it now and then. */
  prune(maxAgeMs: number): number {
    return this.outbox.prune(this.o.time.now() - maxAgeMs);
  }
}
