import type Database from "better-sqlite3";
import type { Logger } from "../../../core/logger.js";
import type { TimeSource } from "../../../core/time.js";
import { type AckError, buildAck, HL7_ERRORS } from "../ack.js";
import { component, firstSegment, Hl7ParseError, type ParsedHl7, parseHl7 } from "../hl7-text.js";
import type { Hl7Identity } from "../message-header.js";
import type { PatientStays, StayLocation } from "./patient-stays.js";

export const ADT_EVENTS = ["A01", "A02", "A03", "A08", "A11", "A13"] as const;
export type AdtEvent = (typeof ADT_EVENTS)[number];

/** What one ADT message asks for, once read and checked against the current stays. */
type Change =
  | { kind: "admit"; patient: string; at: StayLocation }
  | { kind: "transfer"; patient: string; to: StayLocation }
  | { kind: "update"; patient: string; at: StayLocation }
  | { kind: "discharge"; patient: string }
  | { kind: "cancelAdmit"; patient: string }
  | { kind: "cancelDischarge"; patient: string; at: StayLocation };

class Refusal extends Error {
  constructor(readonly error: AckError) {
    super(error.text);
  }
}

const refuse = (code: number, text: string, location?: string): never => {
  throw new Refusal({ code, text, ...(location ? { location } : {}) });
};

export interface AdtOutcome {
  ack: string;
  code: "AA" | "AE";
  event?: string;
  error?: string;
}

/**
 * Applies ADT^A01/A02/A03/A08/A11/A13 to patient stays and answers each with an ACK. Every check runs
 * before the one change a message makes, so a refused message (AE with an ERR segment) changes
 * nothing. A message whose control id was already applied (the sender resends after a lost ACK) is
 * answered AA again without being applied twice.
 */
export class AdtHandler {
  private seq = 0;

  constructor(
    private readonly d: {
      db: Database.Database;
      stays: PatientStays;
      identity: Hl7Identity;
      time: TimeSource;
      logger: Logger;
      controlPrefix: string;
    },
  ) {
    d.db.exec(`CREATE TABLE IF NOT EXISTS hl7_inbound_seen (
      sender TEXT NOT NULL, control_id TEXT NOT NULL, ack TEXT NOT NULL, at INTEGER NOT NULL,
      PRIMARY KEY (sender, control_id)) WITHOUT ROWID`);
  }

  handle(text: string): AdtOutcome {
    const now = this.d.time.now();
    let msg: ParsedHl7 | undefined;
    try {
      msg = parseHl7(text);
      const header = firstSegment(msg, "MSH");
      const controlId = component(msg, header, 10);
      if (!controlId)
        refuse(HL7_ERRORS.requiredFieldMissing, "MSH-10 message control id is empty", "MSH^1^10");
      const sender = `${component(msg, header, 3)}^${component(msg, header, 4)}`;
      const seen = this.d.db
        .prepare("SELECT ack FROM hl7_inbound_seen WHERE sender = ? AND control_id = ?")
        .get(sender, controlId) as { ack: string } | undefined;
      if (seen) return { ack: seen.ack, code: "AA" };
      const { event, change } = this.read(msg);
      const ack = this.ack(msg, "AA", now);
      this.d.db.transaction(() => {
        this.apply(change, now);
        this.d.db
          .prepare("INSERT INTO hl7_inbound_seen (sender, control_id, ack, at) VALUES (?, ?, ?, ?)")
          .run(sender, controlId, ack, now);
      })();
      this.d.logger.info({ event, change: change.kind }, "ADT applied");
      return { ack, code: "AA", event };
    } catch (e) {
      const error: AckError =
        e instanceof Refusal
          ? e.error
          : e instanceof Hl7ParseError
            ? { code: HL7_ERRORS.segmentSequence, text: `malformed message: ${e.message}` }
            : { code: HL7_ERRORS.internal, text: "internal error; nothing was changed" };
      if (!(e instanceof Refusal) && !(e instanceof Hl7ParseError)) {
        this.d.logger.error({ err: String(e) }, "ADT message failed");
      }
      return { ack: this.ack(msg, "AE", now, error), code: "AE", error: error.text };
    }
  }

  private ack(msg: ParsedHl7 | undefined, code: "AA" | "AE", now: number, error?: AckError): string {
    return buildAck({
      inbound: msg,
      identity: this.d.identity,
      controlId: `${this.d.controlPrefix}A${now.toString(36)}${(this.seq++).toString(36)}`,
      now,
      code,
      ...(error ? { error } : {}),
    });
  }

  /** Reads and checks one message against the stays; throws a Refusal for anything wrong. */
  private read(m: ParsedHl7): { event: AdtEvent; change: Change } {
    const header = firstSegment(m, "MSH");
    const type = component(m, header, 9, 1);
    if (type !== "ADT")
      refuse(HL7_ERRORS.unsupportedMessageType, `message type "${type}" is not ADT`, "MSH^1^9");
    const trigger = component(m, header, 9, 2) || component(m, firstSegment(m, "EVN"), 1);
    if (!(ADT_EVENTS as readonly string[]).includes(trigger)) {
      refuse(
        HL7_ERRORS.unsupportedEventCode,
        `event "${trigger}" is not one of ${ADT_EVENTS.join(", ")}`,
        "MSH^1^9",
      );
    }
    const event = trigger as AdtEvent;
    if (!component(m, header, 12).startsWith("2."))
      refuse(HL7_ERRORS.dataType, "MSH-12 is not an HL7 v2 version", "MSH^1^12");
    const pidSeg = firstSegment(m, "PID");
    if (!pidSeg) refuse(HL7_ERRORS.segmentSequence, "PID segment missing", "PID");
    const patient = component(m, pidSeg, 3, 1).trim();
    if (!patient) refuse(HL7_ERRORS.requiredFieldMissing, "PID-3.1 patient identifier is empty", "PID^1^3");
    if (patient.length > 64) refuse(HL7_ERRORS.dataType, "PID-3.1 is longer than 64 characters", "PID^1^3");
    const pv1 = firstSegment(m, "PV1");
    const location = (): StayLocation => {
      if (!pv1) refuse(HL7_ERRORS.segmentSequence, "PV1 segment missing", "PV1");
      const bed = component(m, pv1, 3, 3).trim();
      const ward = component(m, pv1, 3, 1).trim();
      if (!bed) refuse(HL7_ERRORS.requiredFieldMissing, "PV1-3.3 bed is empty", "PV1^1^3^3");
      if (!this.d.stays.knowsBed(bed)) refuse(HL7_ERRORS.unknownKey, `unknown bed "${bed}"`, "PV1^1^3^3");
      return { bed, ward: ward || null };
    };
    const stays = this.d.stays;
    const current = stays.locate(patient);
    const free = (at: StayLocation) => {
      const who = stays.occupant(at.bed);
      if (who !== undefined && who !== patient)
        refuse(HL7_ERRORS.recordLocked, `bed "${at.bed}" is occupied by another patient`, "PV1^1^3^3");
    };
    const admitted = () => {
      if (!current) refuse(HL7_ERRORS.unknownKey, `patient "${patient}" is not admitted`, "PID^1^3");
      return current as StayLocation;
    };
    switch (event) {
      case "A01": {
        const at = location();
        if (current)
          refuse(
            HL7_ERRORS.duplicateKey,
            `patient "${patient}" is already admitted to bed "${current.bed}"`,
            "PID^1^3",
          );
        free(at);
        return { event, change: { kind: "admit", patient, at } };
      }
      case "A02": {
        admitted();
        const to = location();
        free(to);
        return { event, change: { kind: "transfer", patient, to } };
      }
      case "A03":
        admitted();
        return { event, change: { kind: "discharge", patient } };
      case "A08": {
        const now = admitted();
        const at = pv1 && component(m, pv1, 3, 3) ? location() : now;
        if (at.bed !== now.bed)
          refuse(
            HL7_ERRORS.tableValueNotFound,
            `A08 names bed "${at.bed}" but the patient is in "${now.bed}"; a move is an A02`,
            "PV1^1^3^3",
          );
        return { event, change: { kind: "update", patient, at } };
      }
      case "A11":
        admitted();
        return { event, change: { kind: "cancelAdmit", patient } };
      case "A13": {
        if (current)
          refuse(
            HL7_ERRORS.duplicateKey,
            `patient "${patient}" is admitted; there is no discharge to cancel`,
            "PID^1^3",
          );
        const last = stays.lastDischarge(patient);
        if (!last)
          refuse(HL7_ERRORS.unknownKey, `patient "${patient}" has no discharge to cancel`, "PID^1^3");
        const at =
          pv1 && component(m, pv1, 3, 3)
            ? location()
            : { bed: (last as StayLocation).bed, ward: (last as StayLocation).ward };
        free(at);
        return { event, change: { kind: "cancelDischarge", patient, at } };
      }
      default: {
        const never: never = event;
        return refuse(HL7_ERRORS.unsupportedEventCode, `event ${String(never)}`);
      }
    }
  }

  private apply(c: Change, now: number): void {
    const s = this.d.stays;
    switch (c.kind) {
      case "admit":
        return s.admit(c.patient, c.at, now);
      case "transfer":
        return s.transfer(c.patient, c.to, now);
      case "update":
        return s.update(c.patient, c.at, now);
      case "discharge":
        return s.discharge(c.patient, now);
      case "cancelAdmit":
        return s.cancelAdmit(c.patient, now);
      case "cancelDischarge":
        return s.cancelDischarge(c.patient, c.at, now);
      default: {
        const never: never = c;
        throw new Error(`unknown change ${JSON.stringify(never)}`);
      }
    }
  }
}
