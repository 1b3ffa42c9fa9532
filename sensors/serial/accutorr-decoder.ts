/**
 * Datascope ACCUTORR 3 NIBP monitor, "PC Interface For The ACCUTORR" (Datascope service manual, rev. 08/24/90,
 * pp. 1-52–1-53, https://www.manualslib.de/manual/1387918/Datascope-Accutorr-3.html?page=130): plain ASCII,
 * 8 data bits, no parity, 1 stop bit, baud rate chosen in the User Configuration menu, no packets or checksums.
 * The host sends one character at the `>` prompt: "P" show patient data, "L" alarm limits, "C" prompt request.
 * The answer is the command character, a colon and 3-character fields separated by commas, "--" for a field
 * not in use, then CR LF. "P" fields: SaO2, pulse rate, systolic, mean, diastolic, status bytes 0–2, elapsed
 * minutes since the last NIBP measurement — e.g. `P:--,85,120, 45, 80,000,010,000, 5`.
 * The status bytes' bit meanings are on a page this project has not seen: they are passed on, not interpreted.
 * Pure: bytes in, tagged frames out.
 */
export type AccutorrFrame =
  | {
      kind: "vitals";
      spo2: number | null;
      hr: number | null;
      sbp: number | null;
      map: number | null;
      dbp: number | null;
      status: [number, number, number] | null;
      /** Minutes since the last NIBP measurement; null when the monitor has none. */
      elapsedMin: number | null;
    }
  | { kind: "discarded"; bytes: Uint8Array; why: string };

export const ACCUTORR_SERIAL = { baudRate: 9600, dataBits: 8, parity: "none", stopBits: 1 } as const;
export const ACCUTORR_PATIENT_DATA = Uint8Array.of(0x50); // "P"
const MAX_LINE = 128;

const field = (s: string): number | null | undefined => {
  const t = s.trim();
  if (t === "--" || t === "---") return null;
  return /^\d{1,3}$/.test(t) ? Number(t) : undefined;
};

/** Decodes one line without its CR LF. */
export function decodeAccutorrLine(line: string): AccutorrFrame {
  const bytes = new TextEncoder().encode(line);
  const discard = (why: string): AccutorrFrame => ({ kind: "discarded", bytes, why });
  if (!line.startsWith("P:")) return discard(line.trim() === ">" ? "prompt" : "not a patient data line");
  const parts = line.slice(2).split(",").map(field);
  if (parts.length !== 9) return discard(`${parts.length} fields, 9 expected`);
  if (parts.some((p) => p === undefined)) return discard("a field is not a 1–3 digit number or --");
  const [spo2, hr, sbp, map, dbp, s0, s1, s2, elapsedMin] = parts as (number | null)[];
  const status = s0 != null && s1 != null && s2 != null ? ([s0, s1, s2] as [number, number, number]) : null;
  return {
    kind: "vitals",
    spo2: spo2 ?? null,
    hr: hr ?? null,
    sbp: sbp ?? null,
    map: map ?? null,
    dbp: dbp ?? null,
    status,
    elapsedMin: elapsedMin ?? null,
  };
}

/** Splits the byte stream into lines (CR LF; a lone LF or CR also ends one) and decodes each. */
export class AccutorrDecoder {
  private buf = "";

  push(chunk: Uint8Array): AccutorrFrame[] {
    const out: AccutorrFrame[] = [];
    for (const b of chunk) {
      if (b === 0x0d || b === 0x0a) {
        if (this.buf.length > 0) out.push(decodeAccutorrLine(this.buf));
        this.buf = "";
        continue;
      }
      // The prompt has no line end: report it at once so the host knows it may ask.
      if (b === 0x3e && this.buf.length === 0) {
        out.push({ kind: "discarded", bytes: Uint8Array.of(b), why: "prompt" });
        continue;
      }
      this.buf += String.fromCharCode(b);
      if (this.buf.length > MAX_LINE) {
        out.push({ kind: "discarded", bytes: new TextEncoder().encode(this.buf), why: "line too long" });
        this.buf = "";
      }
    }
    return out;
  }
}
