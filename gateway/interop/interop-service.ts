import { randomBytes } from "node:crypto";
import type Database from "better-sqlite3";
import type { FastifyInstance } from "fastify";
import type { Logger } from "../../core/logger.js";
import type { Reading } from "../../core/reading.js";
import type { TimeSource } from "../../core/time.js";
import type { AlarmEvent } from "../alarms/types.js";
import type { BedRegistry } from "../beds.js";
import type { FhirConfig } from "../fhir/fhir-config.js";
import { FhirPush } from "../fhir/fhir-push.js";
import { registerFhirRoutes } from "../fhir/fhir-routes.js";
import { AdtHandler } from "../hl7/adt/adt-handler.js";
import { AdtListener } from "../hl7/adt/adt-listener.js";
import { BedBindingStays } from "../hl7/adt/patient-stays.js";
import type { Hl7Config } from "../hl7/hl7-config.js";
import { Hl7Outbound } from "../hl7/hl7-outbound.js";
import type { Hl7Identity } from "../hl7/message-header.js";
import { isReportedAlarmEvent } from "../hl7/pcd04-message.js";
import type { DeliveryPump } from "./delivery-pump.js";
import { InteropOutbox } from "./interop-outbox.js";
import { registerInteropRoutes } from "./interop-routes.js";
import { ReadingFeed } from "./reading-feed.js";

export interface InteropDeps {
  db: Database.Database;
  beds: BedRegistry;
  hl7: Hl7Config;
  fhir: FhirConfig;
  time: TimeSource;
  logger: Logger;
  env: NodeJS.ProcessEnv;
  fetchImpl?: typeof fetch;
}

/**
 * The gateway's hospital interfaces (docs/integration.md): HL7 v2 out (PCD-01 observations, PCD-04
 * alarms) over MLLP, ADT in, the FHIR read API and FHIR push, sharing one durable outbox.
 */
export class InteropService {
  readonly outbox: InteropOutbox;
  readonly feed: ReadingFeed;
  readonly stays: BedBindingStays;
  readonly identity: Hl7Identity;
  readonly hl7Out: Hl7Outbound[];
  readonly fhirPush: FhirPush | undefined;
  readonly adt: AdtListener | undefined;
  private readonly startedAt: string;

  constructor(private readonly d: InteropDeps) {
    this.outbox = new InteropOutbox(d.db);
    this.feed = new ReadingFeed(d.db);
    this.stays = new BedBindingStays(d.db, d.beds);
    this.startedAt = new Date(d.time.now()).toISOString();
    const id = d.hl7.identity;
    const eui = id.eui64 ?? this.outbox.identity("eui64", () => randomBytes(8).toString("hex"));
    this.identity = {
      application: id.application,
      facility: id.facility,
      universalId: id.oid ?? eui.toUpperCase(),
      universalIdType: id.oid ? "ISO" : "EUI-64",
    };
    const controlPrefix = `${this.outbox.identity("control_prefix", () => randomBytes(3).toString("hex")).toUpperCase()}-`;
    const log = d.logger.child({ ns: "hl7" });
    this.hl7Out = d.hl7.outbound.map(
      (config) =>
        new Hl7Outbound({
          config,
          identity: this.identity,
          controlPrefix,
          patientAuthority: d.hl7.patientAuthority,
          outbox: this.outbox,
          feed: this.feed,
          time: d.time,
          logger: log,
        }),
    );
    if (d.fhir.push) {
      this.fhirPush = new FhirPush({
        config: d.fhir.push,
        patientSystem: d.fhir.patientIdentifierSystem,
        outbox: this.outbox,
        feed: this.feed,
        time: d.time,
        logger: d.logger.child({ ns: "fhir" }),
        controlPrefix,
        env: d.env,
        ...(d.fetchImpl ? { fetchImpl: d.fetchImpl } : {}),
      });
    }
    if (d.hl7.inbound) {
      const handler = new AdtHandler({
        db: d.db,
        stays: this.stays,
        identity: this.identity,
        time: d.time,
        logger: log,
        controlPrefix,
      });
      this.adt = new AdtListener(d.hl7.inbound, handler, log);
    }
  }

  get pumps(): DeliveryPump[] {
    return [...this.hl7Out.map((o) => o.pump), ...(this.fhirPush ? [this.fhirPush.pump] : [])];
  }

  async start(): Promise<void> {
    for (const o of this.hl7Out) o.start();
    this.fhirPush?.start();
    await this.adt?.listen();
  }

  async stop(): Promise<void> {
    await this.adt?.close();
    for (const o of this.hl7Out) await o.stop();
    await this.fhirPush?.stop();
  }

  /** A reading on its way into storage: its bed's admitted patient, if any, is the reading's patient. */
  admitted<R extends Reading>(r: R): R {
    return this.stays.applyTo(r);
  }

  /** New readings are durable. */
  readingsStored(): void {
    for (const o of this.hl7Out) o.readingsStored();
    this.fhirPush?.readingsStored();
  }

  alarmEvent(e: AlarmEvent): void {
    if (!isReportedAlarmEvent(e) || this.hl7Out.length === 0) return;
    const bed = this.d.beds.view(e.bed);
    for (const o of this.hl7Out) o.alarmEvent(e, { ward: bed?.ward ?? null, node: bed?.node ?? null });
  }

  registerRoutes(app: FastifyInstance): void {
    const db = this.d.db;
    const patientStmt = db.prepare("SELECT 1 FROM readings WHERE patient = ? LIMIT 1");
    const nodeStmt = db.prepare("SELECT 1 FROM readings WHERE node = ? LIMIT 1");
    registerFhirRoutes(app, {
      feed: this.feed,
      config: this.d.fhir,
      startedAt: this.startedAt,
      knowsPatient: (p) => patientStmt.get(p) !== undefined || this.stays.locate(p) !== undefined,
      knowsNode: (n) => nodeStmt.get(n) !== undefined,
    });
    registerInteropRoutes(app, { outbox: this.outbox, pumps: () => this.pumps, time: this.d.time });
  }
}
