import {
  component,
  escapeHl7,
  firstSegment,
  Hl7ParseError,
  message,
  type ParsedHl7,
  parseHl7,
  segment,
} from "./hl7-text.js";
import { type Hl7Identity, msh } from "./message-header.js";

export type AckCode = "AA" | "AE" | "AR" | "CA" | "CE" | "CR";
const ACK_CODES: readonly string[] = ["AA", "AE", "AR", "CA", "CE", "CR"];

export interface ParsedAck {
  code: AckCode;
  /** MSA-2: the control id of the message acknowledged. */
  controlId: string;
  /** MSA-3 and ERR texts, for logs and dead letters. */
  text: string;
}

/** Reads an ACK; throws Hl7ParseError when it is not one. */
export function parseAck(text: string): ParsedAck {
  const m = parseHl7(text);
  const msa = firstSegment(m, "MSA");
  if (!msa) throw new Hl7ParseError("ACK without MSA segment");
  const code = component(m, msa, 1);
  if (!ACK_CODES.includes(code))
    throw new Hl7ParseError(`MSA-1 "${code.slice(0, 8)}" is not an acknowledgment code`);
  const errs = m.segments
    .filter((s) => s.id === "ERR")
    .map((s) => [component(m, s, 3, 1), component(m, s, 3, 2), component(m, s, 8)].filter(Boolean).join(" "));
  return {
    code: code as AckCode,
    controlId: component(m, msa, 2),
    text: [component(m, msa, 3), ...errs].filter(Boolean).join("; "),
  };
}

/** HL7 table 0357 message error condition codes used by the ADT listener. */
export const HL7_ERRORS = {
  segmentSequence: 100,
  requiredFieldMissing: 101,
  dataType: 102,
  tableValueNotFound: 103,
  unsupportedMessageType: 200,
  unsupportedEventCode: 201,
  unknownKey: 204,
  duplicateKey: 205,
  recordLocked: 206,
  internal: 207,
} as const;

export interface AckError {
  /** Table 0357 code. */
  code: number;
  text: string;
  /** ERR-2 error location, e.g. "PV1^1^3". */
  location?: string;
}

/**
 * The acknowledgment the listener answers with (original mode): MSA-1 AA, or AE with an ERR segment
 * saying what was wrong. Built from what could be read of the inbound message's header.
 */
export function buildAck(opts: {
  inbound: ParsedHl7 | undefined;
  identity: Hl7Identity;
  controlId: string;
  now: number;
  code: "AA" | "AE" | "AR";
  error?: AckError;
}): string {
  const m = opts.inbound;
  const header = m ? firstSegment(m, "MSH") : undefined;
  const trigger = m ? component(m, header, 9, 2) : "";
  const segs = [
    msh({
      identity: opts.identity,
      receiver: { application: m ? component(m, header, 3) : "", facility: m ? component(m, header, 4) : "" },
      now: opts.now,
      type: `ACK^${trigger}^ACK`,
      controlId: opts.controlId,
    }),
    segment("MSA", [
      opts.code,
      m ? escapeHl7(component(m, header, 10)) : "",
      opts.error ? escapeHl7(opts.error.text) : "",
    ]),
  ];
  if (opts.error) {
    segs.push(
      segment("ERR", [
        "",
        opts.error.location ?? "",
        `${opts.error.code}^${ERROR_NAMES[opts.error.code] ?? "Error"}^HL70357`,
        "E",
        "",
        "",
        "",
        escapeHl7(opts.error.text),
      ]),
    );
  }
  return message(segs);
}

const ERROR_NAMES: Record<number, string> = {
  100: "Segment sequence error",
  101: "Required field missing",
  102: "Data type error",
  103: "Table value not found",
  200: "Unsupported message type",
  201: "Unsupported event code",
  204: "Unknown key identifier",
  205: "Duplicate key identifier",
  206: "Application record locked",
  207: "Application internal error",
};
