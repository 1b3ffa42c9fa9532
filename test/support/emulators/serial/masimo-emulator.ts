import type { KnownFlag } from "../../../../core/protocol/index.js";
import { MASIMO_SERIAL } from "../../../../sensors/serial/masimo-ascii1-decoder.js";
import type { DeviceEmulator, PatientState } from "./patient-state.js";

const EXC_BITS: Partial<Record<KnownFlag, number>> = {
  sensor_off: 0x001,
  probe_error: 0x002,
  low_perfusion: 0x004,
  searching: 0x008,
  artifact: 0x010,
  finger_out: 0x020,
};

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** One Rad-8 "ASCII 1" line (with CR LF) at wall-clock time `nowMs` (UTC). */
export function encodeMasimoLine(state: PatientState, nowMs: number, serialNumber = 71931): Uint8Array {
  const d = new Date(nowMs);
  const date = `${pad(d.getUTCMonth() + 1, 2)}/${pad(d.getUTCDate(), 2)}/${pad(d.getUTCFullYear() % 100, 2)}`;
  const time = `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
  const spo2 = state.spo2 === null ? "---" : pad(state.spo2, 3);
  const bpm = state.hr === null ? "---" : pad(state.hr, 3);
  const pi = state.pi === null ? "--.--" : state.pi.toFixed(2).padStart(5, "0");
  let exc = 0;
  for (const f of state.flags) exc |= EXC_BITS[f] ?? 0;
  const line =
    `${date} ${time} SN=${pad(serialNumber, 10)} SPO2=${spo2}% BPM=${bpm} PI=${pi} SPCO=--.-% ` +
    `SPMET=--.-% DESAT=-- PIDELTA=+-- ALARM=0000 EXC=${exc.toString(16).toUpperCase().padStart(6, "0")}\r\n`;
  return Buffer.from(line, "latin1");
}

export class MasimoAscii1Emulator implements DeviceEmulator {
  readonly protocol = "masimo-ascii1";
  readonly serial = MASIMO_SERIAL;
  readonly packetsPerSecond = 1;
  readonly supportedFlags = Object.keys(EXC_BITS) as KnownFlag[];

  nextPacket(state: PatientState, nowMs: number): Uint8Array {
    return encodeMasimoLine(state, nowMs);
  }

  receive(): Uint8Array {
    return new Uint8Array(0);
  }
}
