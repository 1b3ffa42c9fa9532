/**
 * HL7 v2 text, both ways, for the few message types the gateway writes and reads: escaping, the DTM
 * format, and a small tolerant parser into segments → fields → components. Pure; no I/O.
 * Encoding characters are always the default "^~\&" on output; input may declare others in MSH-2.
 */

export const SEGMENT_END = "\r";

/** Escapes text for use inside one component (HL7 v2.6 §2.7). */
export function escapeHl7(text: string): string {
  return text.replace(/[\\|^~&\r\n]/g, (c) => {
    switch (c) {
      case "\\":
        return "\\E\\";
      case "|":
        return "\\F\\";
      case "^":
        return "\\S\\";
      case "~":
        return "\\R\\";
      case "&":
        return "\\T\\";
      default:
        return " ";
    }
  });
}

/** HL7 DTM in UTC with milliseconds: 20240101120000.123+0000. */
export function hl7Time(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return (
    `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}` +
    `${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}+0000`
  );
}

/** A segment from its fields (field 1 first); trailing empty fields are dropped. */
export function segment(id: string, fields: readonly (string | number | null | undefined)[]): string {
  const out = fields.map((f) => (f === null || f === undefined ? "" : String(f)));
  while (out.length > 0 && out[out.length - 1] === "") out.pop();
  return [id, ...out].join("|");
}

export function message(segments: readonly string[]): string {
  return segments.join(SEGMENT_END) + SEGMENT_END;
}

export interface Hl7Separators {
  field: string;
  component: string;
  repetition: string;
  escape: string;
  subComponent: string;
}

export interface ParsedSegment {
  id: string;
  /** fields[n] is field n (fields[0] is the segment id); MSH is renumbered so MSH-n is fields[n]. */
  fields: string[];
}

export interface ParsedHl7 {
  separators: Hl7Separators;
  segments: ParsedSegment[];
}

export class Hl7ParseError extends Error {
  override readonly name = "Hl7ParseError";
}

/**
 * Splits a message into segments and fields. Throws Hl7ParseError when it does not start with a
 * well-formed MSH. Segments are separated by CR (LF and CRLF are accepted: senders get that wrong).
 */
export function parseHl7(text: string): ParsedHl7 {
  const t = text.replace(/^\s+/, "");
  if (!t.startsWith("MSH") || t.length < 8) throw new Hl7ParseError("message does not start with MSH");
  const field = t.charAt(3);
  const enc = t.slice(4, 8);
  if (/[A-Za-z0-9\r\n]/.test(field) || enc.length < 4 || enc.includes(field)) {
    throw new Hl7ParseError("MSH-1/MSH-2 encoding characters are malformed");
  }
  const separators: Hl7Separators = {
    field,
    component: enc.charAt(0),
    repetition: enc.charAt(1),
    escape: enc.charAt(2),
    subComponent: enc.charAt(3),
  };
  const segments: ParsedSegment[] = [];
  for (const line of t.split(/\r\n|\r|\n/)) {
    if (line === "") continue;
    const parts = line.split(field);
    const id = parts[0] ?? "";
    if (!/^[A-Z][A-Z0-9]{2}$/.test(id)) throw new Hl7ParseError(`malformed segment id "${id.slice(0, 8)}"`);
    // MSH-1 is the field separator itself, so MSH's parts are shifted by one.
    const fields = id === "MSH" ? ["MSH", field, ...parts.slice(1)] : parts;
    segments.push({ id, fields });
  }
  return { separators, segments };
}

/** Un-escapes one component's text (the escapes escapeHl7 writes; others are kept as they are). */
export function unescapeHl7(text: string, s: Hl7Separators): string {
  if (!text.includes(s.escape)) return text;
  const e = s.escape.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return text.replace(new RegExp(`${e}([FSRTE])${e}`, "g"), (_m, c: string) => {
    switch (c) {
      case "F":
        return s.field;
      case "S":
        return s.component;
      case "R":
        return s.repetition;
      case "T":
        return s.subComponent;
      default:
        return s.escape;
    }
  });
}

/** Component `comp` (1-based) of the first repetition of field `n`, un-escaped; "" when absent. */
export function component(msg: ParsedHl7, seg: ParsedSegment | undefined, n: number, comp = 1): string {
  if (!seg) return "";
  const f = seg.fields[n] ?? "";
  if (seg.id === "MSH" && n <= 2) return f;
  const rep = f.split(msg.separators.repetition)[0] ?? "";
  const c = rep.split(msg.separators.component)[comp - 1] ?? "";
  return unescapeHl7(c.split(msg.separators.subComponent)[0] ?? "", msg.separators);
}

export function firstSegment(msg: ParsedHl7, id: string): ParsedSegment | undefined {
  return msg.segments.find((s) => s.id === id);
}
