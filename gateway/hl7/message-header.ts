import { createHash } from "node:crypto";
import { escapeHl7, hl7Time, segment } from "./hl7-text.js";

/** Who the gateway is on the HL7 network: MSH-3/4 and the OBR/OBX entity identifiers. */
export interface Hl7Identity {
  /** MSH-3.1 namespace, e.g. "VITALS". */
  application: string;
  /** MSH-3.2: the gateway's EUI-64 (16 hex digits) or an OID. */
  universalId: string;
  /** "EUI-64" or "ISO" (an OID). */
  universalIdType: "EUI-64" | "ISO";
  /** MSH-4, the sending facility (may be empty). */
  facility: string;
}

export interface Hl7Receiver {
  application: string;
  facility: string;
}

/** A pseudo EUI-64 for a node, derived from its id (locally administered: no IEEE assignment). */
export function nodeEui64(node: string): string {
  return createHash("sha256").update(`vitals-node:${node}`).digest("hex").slice(0, 16).toUpperCase();
}

/** HD/EI form of the gateway: "VITALS^0123456789ABCDEF^EUI-64". */
export function identityHd(id: Hl7Identity): string {
  return `${escapeHl7(id.application)}^${id.universalId}^${id.universalIdType}`;
}

/** OBX-18 equipment instance identifier for a node. */
export function equipmentEi(node: string): string {
  const eui = nodeEui64(node);
  return `${eui}^^${eui}^EUI-64`;
}

export function msh(opts: {
  identity: Hl7Identity;
  receiver: Hl7Receiver;
  now: number;
  type: string;
  controlId: string;
  profile?: string;
  acceptAck?: string;
  applicationAck?: string;
}): string {
  // MSH-1 is the "|" itself, so fields start at MSH-3 after the encoding characters.
  const fields = [
    identityHd(opts.identity), // 3
    escapeHl7(opts.identity.facility), // 4
    escapeHl7(opts.receiver.application), // 5
    escapeHl7(opts.receiver.facility), // 6
    hl7Time(opts.now), // 7
    "", // 8
    opts.type, // 9
    opts.controlId, // 10
    "P", // 11
    "2.6", // 12
    "", // 13
    "", // 14
    opts.acceptAck ?? "", // 15
    opts.applicationAck ?? "", // 16
    "", // 17
    "UNICODE UTF-8", // 18
    "", // 19
    "", // 20
    opts.profile ?? "", // 21
  ];
  return segment("MSH|^~\\&", fields);
}

/** PID with the patient id (PID-3, type PI) and an unknown name (PID-5 is required; U = unspecified). */
export function pid(patient: string, authority: string): string {
  return segment("PID", ["", "", `${escapeHl7(patient)}^^^${escapeHl7(authority)}^PI`, "", "^^^^^^U"]);
}

/** PV1 with the location as ward^^bed (PV1-3 point of care, room, bed). */
export function pv1(ward: string | null, bed: string): string {
  return segment("PV1", ["", "I", `${escapeHl7(ward ?? "")}^^${escapeHl7(bed)}`]);
}

/**
 * The head every ORU this gateway sends starts with — MSH, PID, PV1, and the OBR that names what the
 * message reports (`filler`: the reading or alarm it is about, `service`: its coded kind, `at`: when).
 */
export function oruHead(
  ctx: {
    identity: Hl7Identity;
    receiver: Hl7Receiver;
    patientAuthority: string;
    controlId: string;
    now: number;
  },
  o: {
    type: string;
    profile: string;
    acceptAck: string;
    applicationAck: string;
    patient: string;
    ward: string | null;
    bed: string;
    filler: string;
    service: string;
    at: string;
  },
): string[] {
  const hd = identityHd(ctx.identity);
  return [
    msh({
      identity: ctx.identity,
      receiver: ctx.receiver,
      now: ctx.now,
      type: o.type,
      controlId: ctx.controlId,
      profile: o.profile,
      acceptAck: o.acceptAck,
      applicationAck: o.applicationAck,
    }),
    pid(o.patient, ctx.patientAuthority),
    pv1(o.ward, o.bed),
    segment("OBR", ["1", `${ctx.controlId}^${hd}`, `${o.filler}^${hd}`, o.service, "", "", o.at]),
  ];
}
