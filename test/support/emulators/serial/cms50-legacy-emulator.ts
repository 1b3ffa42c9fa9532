import type { KnownFlag } from "../../../../core/protocol/index.js";
import { CMS50_LEGACY_SERIAL } from "../../../../sensors/serial/cms50-legacy-decoder.js";
import { type DeviceEmulator, type PatientState, plethSample } from "./patient-state.js";

/** Contec CMS50D+ legacy 5-byte live stream (see sensors/serial/cms50-legacy-decoder.ts for the layout). */
export function encodeCms50LegacyPacket(state: PatientState, index: number): Uint8Array {
  const has = (f: KnownFlag) => state.flags.includes(f);
  const pleth = plethSample(state.hr, index, 60);
  const pr = state.hr ?? 255;
  const signalStrength = has("finger_out") ? 0 : 8;
  const b0 = 0x80 | signalStrength | (has("finger_out") ? 0x10 : 0) | (pleth.beat ? 0x40 : 0);
  const b2 =
    (Math.round(pleth.value / 16) & 0x0f) |
    (has("probe_error") ? 0x10 : 0) |
    (has("searching") ? 0x20 : 0) |
    ((pr & 0x80) >> 1);
  return Uint8Array.of(b0, pleth.value & 0x7f, b2, pr & 0x7f, (state.spo2 ?? 127) & 0x7f);
}

export class Cms50LegacyEmulator implements DeviceEmulator {
  readonly protocol = "cms50-legacy";
  readonly serial = CMS50_LEGACY_SERIAL;
  readonly packetsPerSecond = 60;
  readonly supportedFlags: readonly KnownFlag[] = ["finger_out", "probe_error", "searching"];
  private index = 0;

  nextPacket(state: PatientState): Uint8Array {
    return encodeCms50LegacyPacket(state, this.index++);
  }

  receive(): Uint8Array {
    return new Uint8Array(0);
  }
}
