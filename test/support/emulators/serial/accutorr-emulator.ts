import { ACCUTORR_SERIAL } from "../../../../sensors/serial/accutorr-decoder.js";

/** Test double: a Datascope ACCUTORR 3 PC interface answering "P" (sensors/serial/accutorr-decoder.ts). */
export interface AccutorrState {
  spo2: number | null;
  hr: number | null;
  sbp: number | null;
  map: number | null;
  dbp: number | null;
  status: [number, number, number];
  elapsedMin: number | null;
}

const f = (v: number | null) => (v === null ? "--" : String(v).padStart(3, " "));

export function encodeAccutorrPatientData(s: AccutorrState): Uint8Array {
  const status = s.status.map((b) => String(b).padStart(3, "0"));
  const line = `P:${[f(s.spo2), f(s.hr), f(s.sbp), f(s.map), f(s.dbp), ...status, f(s.elapsedMin)].join(",")}\r\n`;
  return new TextEncoder().encode(line);
}

export class AccutorrEmulator {
  readonly serial = ACCUTORR_SERIAL;
  state: AccutorrState = {
    spo2: null,
    hr: null,
    sbp: null,
    map: null,
    dbp: null,
    status: [0, 0, 0],
    elapsedMin: null,
  };

  /** Power-up banner and prompt. */
  banner(): Uint8Array {
    return new TextEncoder().encode("ACCUTORR PC Interface is ready\r\n>");
  }

  /** The answer to the bytes the host sent (one command character each). */
  answer(input: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (const b of input) {
      if (b === 0x50) out.push(encodeAccutorrPatientData(this.state), Uint8Array.of(0x3e));
      else if (b === 0x43) out.push(Uint8Array.of(0x3e));
    }
    return out;
  }

  /** A new measurement has just finished. */
  measure(sbp: number, dbp: number, map: number, hr: number | null = null): void {
    this.state = { ...this.state, sbp, dbp, map, hr, elapsedMin: 0 };
  }
}
