import type { KnownFlag } from "../../../../core/protocol/index.js";
import { type DeviceEmulator, type PatientState, plethSample } from "./patient-state.js";

/** Berry BCI 5-byte stream (see sensors/serial/bci-decoder.ts for the layout). */
export function encodeBciPacket(state: PatientState, index: number): Uint8Array {
  const has = (f: KnownFlag) => state.flags.includes(f);
  const pleth = plethSample(state.hr, index, 60);
  const pr = state.hr ?? 255;
  const b0 =
    0x80 | 0x06 | (has("no_signal") ? 0x10 : 0) | (has("sensor_off") ? 0x20 : 0) | (pleth.beat ? 0x40 : 0);
  const b2 =
    (Math.round(pleth.value / 16) & 0x0f) |
    (has("finger_out") ? 0x10 : 0) |
    (has("searching") ? 0x20 : 0) |
    ((pr & 0x80) >> 1);
  return Uint8Array.of(b0, pleth.value & 0x7f, b2, pr & 0x7f, (state.spo2 ?? 127) & 0x7f);
}

export class BciEmulator implements DeviceEmulator {
  readonly protocol = "bci";
  readonly serial = { baudRate: 9600, dataBits: 8, parity: "none", stopBits: 1 } as const;
  readonly packetsPerSecond = 60;
  readonly supportedFlags: readonly KnownFlag[] = ["no_signal", "sensor_off", "finger_out", "searching"];
  private index = 0;

  nextPacket(state: PatientState): Uint8Array {
    return encodeBciPacket(state, this.index++);
  }

  receive(): Uint8Array {
    return new Uint8Array(0);
  }
}
