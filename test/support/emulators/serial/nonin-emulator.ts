import type { KnownFlag } from "../../../../core/protocol/index.js";
import { df2Checksum } from "../../../../sensors/serial/nonin-df2-decoder.js";
import { type DeviceEmulator, type PatientState, plethSample } from "./patient-state.js";

const NONIN_SERIAL = { baudRate: 9600, dataBits: 8, parity: "none", stopBits: 1 } as const;

/** Frame `index` (0..∞, packet position index % 25) of Nonin Data Format 2. */
export function encodeNoninDf2Frame(state: PatientState, index: number): Uint8Array {
  const has = (f: KnownFlag) => state.flags.includes(f);
  const k = index % 25;
  const hr = state.hr ?? 511;
  const spo2 = state.spo2 ?? 127;
  const status =
    0x80 |
    (has("sensor_off") ? 0x40 : 0) |
    (has("artifact") ? 0x20 : 0) |
    (has("no_signal") ? 0x10 : 0) |
    (has("probe_error") ? 0x08 : 0) |
    (has("low_perfusion") ? 0x04 : 0x02) |
    (k === 0 ? 0x01 : 0);
  const float: Record<number, number> = {
    0: (hr >> 7) & 0x03,
    1: hr & 0x7f,
    2: spo2 & 0x7f,
    3: 0x3a, // firmware revision
    7: has("low_battery") ? 0x01 : 0,
    8: spo2 & 0x7f,
    19: (hr >> 7) & 0x03,
    20: hr & 0x7f,
  };
  const pleth = plethSample(state.hr, index, 75).value * 2;
  const f3 = float[k] ?? 0;
  return Uint8Array.of(0x01, status, pleth, f3, df2Checksum(0x01, status, pleth, f3));
}

/** Nonin Data Format 8: one 4-byte frame a second. */
export function encodeNoninDf8Frame(state: PatientState): Uint8Array {
  const has = (f: KnownFlag) => state.flags.includes(f);
  const hr = state.hr ?? 511;
  const s1 =
    0x80 |
    (has("sensor_off") ? 0x40 : 0) |
    (has("no_signal") ? 0x20 : 0) |
    (has("low_perfusion") ? 0x10 : 0) |
    (has("artifact") ? 0x04 : 0) |
    ((hr >> 7) & 0x03);
  const s2 = (has("probe_error") ? 0x08 : 0) | (has("low_battery") ? 0x01 : 0);
  return Uint8Array.of(s1, hr & 0x7f, (state.spo2 ?? 127) & 0x7f, s2);
}

export class NoninDf2Emulator implements DeviceEmulator {
  readonly protocol = "nonin-df2";
  readonly serial = NONIN_SERIAL;
  readonly packetsPerSecond = 75;
  readonly supportedFlags: readonly KnownFlag[] = [
    "sensor_off",
    "artifact",
    "no_signal",
    "probe_error",
    "low_perfusion",
    "low_battery",
  ];
  private index = 0;

  nextPacket(state: PatientState): Uint8Array {
    return encodeNoninDf2Frame(state, this.index++);
  }

  receive(): Uint8Array {
    return new Uint8Array(0);
  }
}

export class NoninDf8Emulator implements DeviceEmulator {
  readonly protocol = "nonin-df8";
  readonly serial = NONIN_SERIAL;
  readonly packetsPerSecond = 1;
  readonly supportedFlags: readonly KnownFlag[] = [
    "sensor_off",
    "no_signal",
    "low_perfusion",
    "artifact",
    "probe_error",
    "low_battery",
  ];

  nextPacket(state: PatientState): Uint8Array {
    return encodeNoninDf8Frame(state);
  }

  receive(): Uint8Array {
    return new Uint8Array(0);
  }
}
