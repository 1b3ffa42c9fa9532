import type { KnownFlag } from "../../core/protocol/index.js";
import {
  type DecoderCounters,
  newCounters,
  type OximeterDecoder,
  type OximeterFrame,
  type OximeterReading,
  sortedFlags,
  tally,
} from "./oximeter-frame.js";

/**
 * Masimo Rad-8 / Radical-7 serial output in "ASCII 1" mode (the Rad-8 defaults to ASCII 2; set
 * ASCII 1 in setup menu level 3): one line per second, 9600 baud 8N1, e.g.
 *
 *   10/08/05 16:40:35 SN=0000071931 SPO2=098% BPM=123 PI=00.55 SPCO=--.-% SPMET=--.-% DESAT=-- PIDELTA=+-- ALARM=0000 EXC=000000
 *
 * Dashes mean "no value". EXC is a hex bit field (Rad-8 operator's manual, "Trend data format"):
 * 001 no sensor, 002 defective sensor, 004 low perfusion, 008 pulse search, 010 interference,
 * 020 sensor off patient, 040 ambient light, 080 unrecognised sensor, 400 low signal IQ,
 * 800 full SET mode. ALARM bits are proprietary and ignored.
 *
 * Sources: remkolems/masimo-datacapture masimo-capture.py (serial settings, line variants for
 * Rad-8 / Radical-7, exception bit table quoted from the manual), "Masimo Rad-8 Operator's
 * Manual.pdf" in the same repository.
 */
export const MASIMO_SERIAL = { baudRate: 9600, dataBits: 8, parity: "none", stopBits: 1 } as const;

/** Real lines are ~150 bytes; anything far longer is not a Masimo line. */
const MASIMO_MAX_LINE = 512;

const EXC_FLAGS: ReadonlyArray<[number, KnownFlag]> = [
  [0x001, "sensor_off"],
  [0x002, "probe_error"],
  [0x004, "low_perfusion"],
  [0x008, "searching"],
  [0x010, "artifact"],
  [0x020, "finger_out"],
  [0x040, "artifact"],
  [0x080, "probe_error"],
  [0x400, "artifact"],
];

const LINE = /^\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d( [A-Z0-9]+=[-+0-9A-Fa-f.%]*)+$/;

/** Parses one ASCII-1 line; a reason string when it is not one. */
export function parseMasimoLine(line: string): OximeterReading | { bad: string } {
  if (!LINE.test(line)) return { bad: "not an ASCII 1 line" };
  const fields = new Map<string, string>();
  for (const tok of line.split(" ").slice(2)) {
    const eq = tok.indexOf("=");
    fields.set(tok.slice(0, eq), tok.slice(eq + 1).replace(/%$/, ""));
  }
  const spo2 = fields.get("SPO2");
  const bpm = fields.get("BPM");
  const exc = fields.get("EXC");
  if (spo2 === undefined || bpm === undefined || exc === undefined) return { bad: "missing SPO2/BPM/EXC" };
  // Exact field widths as the device prints them: a line cut short or with a byte dropped in
  // ("BPM=12", "EXC=0000") must not pass as a different value.
  const s = numberOrDash(spo2, /^\d{3}$/);
  const h = numberOrDash(bpm, /^\d{3}$/);
  const pi = numberOrDash(fields.get("PI") ?? "-", /^\d{2}\.\d{2}$/);
  if (s === undefined || h === undefined || pi === undefined || !/^[0-9A-Fa-f]{6}$/.test(exc)) {
    return { bad: "unparsable value" };
  }
  if ((s !== null && s > 100) || (h !== null && h > 350) || (pi !== null && pi > 100)) {
    return { bad: "value out of range" };
  }
  const bits = Number.parseInt(exc, 16);
  const flags = EXC_FLAGS.filter(([bit]) => (bits & bit) !== 0).map(([, flag]) => flag);
  return { kind: "reading", hr: h, spo2: s, pi, flags: sortedFlags(flags) };
}

/** null for an all-dash field, undefined when it is neither dashes nor a number of the given shape. */
function numberOrDash(v: string, shape: RegExp): number | null | undefined {
  if (/^[-.]+$/.test(v)) return null;
  return shape.test(v) ? Number(v) : undefined;
}

export class MasimoAscii1Decoder implements OximeterDecoder {
  readonly counters: DecoderCounters = newCounters();
  private line: number[] = [];
  private overflowing = false;

  reset(): void {
    this.line = [];
    this.overflowing = false;
  }

  push(chunk: Uint8Array): OximeterFrame[] {
    const out: OximeterFrame[] = [];
    for (const b of chunk) {
      if (b === 0x0a || b === 0x0d) {
        this.endLine(out);
        continue;
      }
      this.line.push(b);
      if (this.line.length > MASIMO_MAX_LINE) {
        // Never buffer more than one line's worth: report and drop, then skip to the next newline.
        out.push({ kind: "discarded", bytes: Uint8Array.from(this.line), why: "oversize" });
        this.overflowing = true;
        this.line = [];
      }
    }
    return tally(this.counters, out);
  }

  private endLine(out: OximeterFrame[]): void {
    const bytes = Uint8Array.from(this.line);
    const wasOverflowing = this.overflowing;
    this.line = [];
    this.overflowing = false;
    if (bytes.length === 0) return;
    if (wasOverflowing) {
      out.push({ kind: "discarded", bytes, why: "oversize" });
      return;
    }
    // Latin-1 keeps one char per byte, so a stray high byte can never pass the ASCII regex.
    const parsed = parseMasimoLine(Buffer.from(bytes).toString("latin1"));
    out.push("bad" in parsed ? { kind: "discarded", bytes, why: "bad_field" } : parsed);
  }
}
