import type { KnownFlag } from "../../../../core/protocol/index.js";

/** What an emulated oximeter "measures". null = the device shows dashes / sends its invalid code. */
export interface PatientState {
  hr: number | null;
  spo2: number | null;
  /** Perfusion index, %, for devices that report it. */
  pi: number | null;
  /** Device conditions the emulator should signal; each protocol encodes the subset it can. */
  flags: KnownFlag[];
}

/** The state a real probe reports when the finger comes out: no values, finger_out. */
export function fingerRemoved(): PatientState {
  return { hr: null, spo2: null, pi: null, flags: ["finger_out"] };
}

/** One emulated serial device: the bytes it sends per packet period and how it reacts to the host. */
export interface DeviceEmulator {
  readonly protocol: string;
  readonly serial: { baudRate: number; dataBits: 8; parity: "none" | "odd" | "even"; stopBits: 1 };
  /** Packets (or lines) per second the real device sends. */
  readonly packetsPerSecond: number;
  /** Flags this protocol can carry (the rest of PatientState.flags is dropped on the wire). */
  readonly supportedFlags: readonly KnownFlag[];
  /** Bytes of the next packet at host time `nowMs`; empty when the device would be silent. */
  nextPacket(state: PatientState, nowMs: number): Uint8Array;
  /** Bytes the host wrote; returns the device's immediate reply, if any. */
  receive(bytes: Uint8Array, nowMs: number): Uint8Array;
}

/**
 * A plausible plethysmogram sample (0..127) for packet `index` at `rate` packets/s: a pulse-shaped
 * wave at the heart rate, flat when there is no pulse. `beat` is true on the upstroke peak.
 */
export function plethSample(
  hr: number | null,
  index: number,
  rate: number,
): { value: number; beat: boolean } {
  if (hr === null || hr <= 0) return { value: 0, beat: false };
  const perBeat = (rate * 60) / hr;
  const phase = (index % perBeat) / perBeat;
  const value = Math.round(20 + 90 * Math.exp(-(((phase - 0.2) / 0.12) ** 2)));
  const beat = Math.floor(index % perBeat) === Math.floor(perBeat * 0.2);
  return { value: Math.min(127, value), beat };
}

/** Concatenates the packets an emulator sends over `count` periods of one state (tests, replays). */
export function emulate(device: DeviceEmulator, state: PatientState, count: number, startMs = 0): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < count; i++)
    parts.push(device.nextPacket(state, startMs + (i * 1000) / device.packetsPerSecond));
  return Buffer.concat(parts);
}
