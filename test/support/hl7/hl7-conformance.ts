/**
 * HL7 v2 conformance by parts nobody here wrote: the hl7v2 package (panates) parses each message in
 * strict mode (data types of every component, e.g. DTM), and its v2.6 dictionary decides which
 * fields are required (opt "R") and which segment structures a message type allows. ORU^R40 has the
 * ORU_R01 structure (IHE PCD TF-2, PCD-04), which the dictionary holds.
 */
import { HL7Message } from "hl7v2";

type SegDefs = Record<string, { idx: number; min?: number; max?: number; segments?: SegDefs }>;

export interface Hl7Check {
  problems: string[];
  message: HL7Message | undefined;
}

const STRUCTURE_ALIASES: Record<string, string> = { ORU_R40: "ORU_R01", ACK_A01: "ACK" };

export function hl7Problems(text: string): Hl7Check {
  const problems: string[] = [];
  let msg: HL7Message;
  try {
    msg = HL7Message.parse(text, { strict: true });
  } catch (e) {
    return { problems: [`parse: ${(e as Error).message}`], message: undefined };
  }
  const dict = msg.dictionary;
  // Required fields of every segment present.
  for (const seg of msg.segments) {
    const def = dict.segments[seg.segmentType];
    if (!def) {
      problems.push(`${seg.segmentType}: segment not in the v${msg.version} dictionary`);
      continue;
    }
    for (const [pos, f] of Object.entries(def.fields)) {
      if (f.opt !== "R") continue;
      const n = Number(pos);
      if (seg.segmentType === "MSH" && n <= 2) continue;
      const field = n <= seg.fields.length ? seg.field(n) : undefined;
      if (!field || field.isEmpty() || field.toHL7String().replace(/[\^&~]/g, "") === "") {
        problems.push(`${seg.segmentType}-${n} (${f.desc}) is required but empty`);
      }
    }
  }
  // Segment structure of the message type.
  const [code, trigger, structure] = [
    msg.header.field(9).getValue(1),
    msg.header.field(9).getValue(2),
    msg.header.field(9).getValue(3),
  ];
  const name = structure ? String(structure) : `${code}_${trigger}`;
  const defs = dict.messages[STRUCTURE_ALIASES[name] ?? name]?.segments as SegDefs | undefined;
  if (!defs) {
    problems.push(`no message structure ${name} in the dictionary`);
  } else {
    const ids = msg.segments.map((s) => s.segmentType);
    const rest = matchGroup(defs, ids, 0, problems, name);
    if (rest < ids.length) problems.push(`${name}: unexpected segment ${ids[rest]} at position ${rest + 1}`);
  }
  return { problems, message: msg };
}

/** Matches a group's children in order against ids from position i; returns the position after it. */
function matchGroup(defs: SegDefs, ids: string[], i: number, problems: string[], where: string): number {
  const children = Object.entries(defs).sort((a, b) => a[1].idx - b[1].idx);
  let pos = i;
  for (const [name, def] of children) {
    let count = 0;
    for (;;) {
      if (def.max !== undefined && count >= def.max) break;
      if (def.segments) {
        const first = firstIds(def.segments);
        if (!first.has(ids[pos] ?? "")) break;
        pos = matchGroup(def.segments, ids, pos, problems, `${where}.${name}`);
      } else {
        if (ids[pos] !== name) break;
        pos++;
      }
      count++;
    }
    if (count < (def.min ?? 0)) problems.push(`${where}: ${name} is required (min ${def.min}) but missing`);
  }
  return pos;
}

function firstIds(defs: SegDefs): Set<string> {
  const out = new Set<string>();
  for (const [name, def] of Object.entries(defs).sort((a, b) => a[1].idx - b[1].idx)) {
    if (def.segments) for (const x of firstIds(def.segments)) out.add(x);
    else out.add(name);
    if ((def.min ?? 0) > 0) break;
  }
  return out;
}

export function expectConformantHl7(text: string): HL7Message {
  const c = hl7Problems(text);
  if (c.problems.length)
    throw new Error(
      `non-conformant HL7 message:\n  ${c.problems.join("\n  ")}\n${text.replace(/\r/g, "\n")}`,
    );
  return c.message as HL7Message;
}
