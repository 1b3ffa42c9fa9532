import type { KnownFlag } from "../../../../core/protocol/index.js";
import { CMS50_COMMAND_SERIAL, Cms50Command } from "../../../../sensors/serial/cms50-command-decoder.js";
import { type DeviceEmulator, type PatientState, plethSample } from "./patient-state.js";

/** How long the real device keeps streaming live data after the last 0xA1 / 0xAF (bedsidemon notes ~30 s). */
export const CMS50_STREAM_WINDOW_MS = 30_000;

/** Packs data bytes the Contec way: type, high-bits byte, data bytes with bit 7 set. */
export function packCms50(type: number, data: number[]): Uint8Array {
  let hi = 0x80;
  data.forEach((d, i) => {
    if (d & 0x80) hi |= 1 << i;
  });
  return Uint8Array.from([type & 0x7f, hi, ...data.map((d) => (d & 0x7f) | 0x80)]);
}

/** One live-data packet (type 0x01) for a patient state (see sensors/serial/cms50-command-decoder.ts). */
export function encodeCms50RealtimePacket(state: PatientState, index: number): Uint8Array {
  const has = (f: KnownFlag) => state.flags.includes(f);
  const pleth = plethSample(state.hr, index, 60);
  const signal = has("finger_out") ? 0 : 4;
  const d0 =
    signal | (has("no_signal") ? 0x10 : 0) | (pleth.beat ? 0x40 : 0) | (has("finger_out") ? 0x80 : 0);
  const d1 = (pleth.value & 0x7f) | (has("searching") ? 0x80 : 0);
  const pi = state.pi === null ? 0xffff : Math.round(state.pi * 100);
  const d2 = (Math.round(pleth.value / 16) & 0x0f) | (state.pi === null ? 0x10 : 0);
  return packCms50(0x01, [d0, d1, d2, state.hr ?? 255, state.spo2 ?? 127, pi & 0xff, (pi >> 8) & 0xff]);
}

/**
 * A CMS50D+/E with the command protocol: silent until the host sends "start live data" (0xA1),
 * then 60 packets/s until CMS50_STREAM_WINDOW_MS pass without 0xA1 or keep-alive 0xAF; 0xA2 stops.
 */
export class Cms50CommandEmulator implements DeviceEmulator {
  readonly protocol = "cms50-command";
  readonly serial = CMS50_COMMAND_SERIAL;
  readonly packetsPerSecond = 60;
  readonly supportedFlags: readonly KnownFlag[] = ["finger_out", "no_signal", "searching"];
  private index = 0;
  private streamingUntil = Number.NEGATIVE_INFINITY;
  private pending: number[] = [];

  constructor(
    private readonly windowMs = CMS50_STREAM_WINDOW_MS,
    /** Some firmware may ignore 0xAF; false emulates that, so only a fresh 0xA1 restarts the stream. */
    private readonly honoursKeepAlive = true,
  ) {}

  nextPacket(state: PatientState, nowMs: number): Uint8Array {
    if (nowMs > this.streamingUntil) return new Uint8Array(0);
    return encodeCms50RealtimePacket(state, this.index++);
  }

  receive(bytes: Uint8Array, nowMs: number): Uint8Array {
    const replies: number[] = [];
    for (const b of bytes) {
      this.pending.push(b);
      if (this.pending[0] !== 0x7d) this.pending = [];
      if (this.pending.length < 9) continue;
      const code = this.pending[2];
      this.pending = [];
      if (code === Cms50Command.StartRealtime || (code === Cms50Command.KeepAlive && this.honoursKeepAlive)) {
        this.streamingUntil = nowMs + this.windowMs;
      } else if (code === Cms50Command.StopRealtime || code === Cms50Command.Hello) {
        if (code === Cms50Command.StopRealtime) this.streamingUntil = Number.NEGATIVE_INFINITY;
        replies.push(0x0c, 0x80); // the device's plain acknowledgement, as captured by headrotor/contec_data
      }
    }
    return Uint8Array.from(replies);
  }
}
