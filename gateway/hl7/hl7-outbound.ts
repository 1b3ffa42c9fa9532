import type { Logger } from "../../core/logger.js";
import type { Timer, TimeSource } from "../../core/time.js";
import { DeliveryPump } from "../interop/delivery-pump.js";
import type { InteropOutbox } from "../interop/interop-outbox.js";
import type { ReadingFeed, StoredReading } from "../interop/reading-feed.js";
import { mdcCwe } from "../interop/vital-codes.js";
import type { Hl7OutboundConfig } from "./hl7-config.js";
import type { Hl7Identity } from "./message-header.js";
import { MllpTransport } from "./mllp-transport.js";
import { buildPcd01, hasObservations } from "./pcd01-message.js";
import { alarmEventTerm, buildPcd04, parseTerm, type ReportedAlarmEvent } from "./pcd04-message.js";

const BATCH = 500;

export interface Hl7OutboundDeps {
  config: Hl7OutboundConfig;
  identity: Hl7Identity;
  /** Prefix of MSH-10 control ids: unique per database. */
  controlPrefix: string;
  patientAuthority: string;
  outbox: InteropOutbox;
  feed: ReadingFeed;
  time: TimeSource;
  logger: Logger;
}

/**
 * One HL7 destination (IHE PCD-01 Device Observation Consumer): reads new readings from the readings
 * table after its cursor and writes their ORU^R01 messages to the outbox in the same transaction as
 * the cursor, so a crash between a reading's commit and its message loses nothing and sends nothing
 * twice; alarm reports (ORU^R40) are written as the alarm engine emits them. A DeliveryPump sends them.
 */
export class Hl7Outbound {
  readonly channel: string;
  readonly pump: DeliveryPump;
  private timer: Timer | undefined;

  constructor(private readonly d: Hl7OutboundDeps) {
    const c = d.config;
    this.channel = `hl7:${c.host}:${c.port}`;
    this.pump = new DeliveryPump(
      new MllpTransport(
        this.channel,
        { host: c.host, port: c.port, connectTimeoutMs: c.connectTimeoutMs, tls: c.tls },
        c.ackTimeoutMs,
      ),
      { outbox: d.outbox, time: d.time, logger: d.logger, retry: c.retry },
    );
  }

  start(): void {
    // A new destination starts with the readings to come, not with the whole history.
    if (this.d.outbox.cursor(this.channel) === undefined)
      this.d.outbox.setCursor(this.channel, this.d.feed.lastId());
    if (this.d.config.intervalMs === 0) this.catchUp();
    else this.timer = this.d.time.every(this.d.config.intervalMs, () => this.tick());
    this.pump.start();
  }

  async stop(): Promise<void> {
    this.timer?.cancel();
    await this.pump.stop();
  }

  /** New readings are durable. */
  readingsStored(): void {
    if (this.d.config.intervalMs !== 0) return;
    this.catchUp();
    this.pump.kick(0);
  }

  /** Every reading after the cursor becomes one message. */
  catchUp(): void {
    const { outbox, feed } = this.d;
    for (;;) {
      const from = outbox.cursor(this.channel) ?? 0;
      const rows = feed.after(from, BATCH);
      if (rows.length === 0) return;
      outbox.transaction(() => {
        for (const r of rows) this.enqueueReading(r);
        outbox.setCursor(this.channel, (rows[rows.length - 1] as StoredReading).id);
      });
      if (rows.length < BATCH) return;
    }
  }

  /** Interval mode: per bed, the last reading since the previous tick. */
  tick(): void {
    const { outbox, feed } = this.d;
    const last = new Map<string, StoredReading>();
    let cursor = outbox.cursor(this.channel) ?? 0;
    for (;;) {
      const rows = feed.after(cursor, BATCH);
      for (const r of rows) if (r.patient && hasObservations(r)) last.set(r.bed, r);
      if (rows.length > 0) cursor = (rows[rows.length - 1] as StoredReading).id;
      if (rows.length < BATCH) break;
    }
    outbox.transaction(() => {
      for (const r of [...last.values()].sort((a, b) => a.id - b.id)) this.enqueueReading(r);
      outbox.setCursor(this.channel, cursor);
    });
    this.pump.kick(0);
  }

  private enqueueReading(r: StoredReading): void {
    const patient = r.patient;
    if (!patient || !hasObservations(r)) return;
    const { outbox, time } = this.d;
    const now = time.now();
    outbox.enqueue(
      this.channel,
      patient,
      "ORU^R01",
      this.d.controlPrefix,
      (controlId) =>
        buildPcd01(r, patient, {
          identity: this.d.identity,
          receiver: {
            application: this.d.config.receivingApplication,
            facility: this.d.config.receivingFacility,
          },
          patientAuthority: this.d.patientAuthority,
          controlId,
          now,
        }),
      now,
    );
  }

  /** An alarm state change: one ORU^R40, written now (the alarm log row was written just before). */
  alarmEvent(e: ReportedAlarmEvent, ctx: { ward: string | null; node: string | null }): void {
    if (!this.d.config.alarms || !e.patient) return;
    const patient = e.patient;
    const { outbox, time, db } = { ...this.d, db: this.d.outbox.db };
    const now = time.now();
    outbox.transaction(() => {
      let term = alarmEventTerm(e);
      if (e.type === "raised" && !e.from) {
        db.prepare(
          "INSERT OR REPLACE INTO hl7_alarm_codes (alarm_id, event, created_at) VALUES (?, ?, ?)",
        ).run(e.alarmId, mdcCwe(term), now);
      } else {
        const row = db.prepare("SELECT event FROM hl7_alarm_codes WHERE alarm_id = ?").get(e.alarmId) as
          | { event: string }
          | undefined;
        if (row) term = parseTerm(row.event);
      }
      outbox.enqueue(
        this.channel,
        patient,
        "ORU^R40",
        this.d.controlPrefix,
        (controlId) =>
          buildPcd04(e, patient, {
            identity: this.d.identity,
            receiver: {
              application: this.d.config.receivingApplication,
              facility: this.d.config.receivingFacility,
            },
            patientAuthority: this.d.patientAuthority,
            controlId,
            now,
            ward: ctx.ward,
            node: ctx.node,
            event: term,
          }),
        now,
      );
    });
    this.pump.kick(0);
  }
}
