import type { KnownFlag } from "../../core/protocol/index.js";
import { FixedFrameScanner } from "./fixed-frame-scanner.js";
import { type OximeterReading, sortedFlags } from "./oximeter-frame.js";

/**
 * Contec "command" protocol (CMS50D+ firmware 4.6+, CMS50E/F/I, over a CP210x at 115200 8N1).
 * The host sends 9-byte commands `7D 81 <cmd> 80 80 80 80 80 80`; the device answers with packets
 * of a type byte (bit 7 clear), a byte holding the 8th bits of the data bytes (bit 7 always set;
 * bit i = bit 7 of data byte i) and data bytes sent with bit 7 set. Live data (type 0x01, 9 bytes,
 * 60 Hz) only flows after command 0xA1 and stops about 30 s later unless asked again.
 *
 * Live packet, after putting the high bits back:
 *   d0: finger out(7) | pulse beep(6) | searching too long(4) | signal strength (3..0)
 *   d1: searching pulse(7) | pleth (6..0)
 *   d2: PI invalid(4) | bar graph (3..0)
 *   d3: pulse rate (255 = invalid)      d4: SpO2 (127 = invalid)
 *   d5, d6: perfusion index, little-endian (0xFFFF = invalid). The unit is not documented
 *   publicly; we assume 0.01 % per count (0..20 % fits) and discard anything above 20 %.
 *
 * Sources: gagistech/bedsidemon src/bedsidemon/spo2/contec_cms50d_plus.cpp (live packet layout,
 * 30 s limit); headrotor/contec_data stream_data.py (captured exchange, 0xE0/E1/E2 high bytes,
 * keep-alive 0xAF); OSCAR cms50f37_loader.cpp (command codes, packet length per type);
 * tobac/cms50ew cms50ew.py (command list). Verified against a real CMS50E capture
 * (titinho11/CMS50E-raw-ppg-data, cms50e_raw_frames_hex.txt): PR 60, SpO2 99. It has no licence, so it
 * stays outside the repository; the decoder test runs on it when VITALS_FIXTURES holds it, and on a
 * capture generated from BIDMC PLETH otherwise (test/fixtures/PROVENANCE.md).
 */
export const CMS50_COMMAND_SERIAL = { baudRate: 115200, dataBits: 8, parity: "none", stopBits: 1 } as const;

export const Cms50Command = {
  StartRealtime: 0xa1,
  StopRealtime: 0xa2,
  Hello: 0xa7,
  KeepAlive: 0xaf,
} as const;

export function cms50CommandBytes(code: number): Uint8Array {
  return Uint8Array.of(0x7d, 0x81, code | 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80);
}

export const CMS50_REALTIME_TYPE = 0x01;

/** Total packet length by type (type & 0x1f), from OSCAR's table; 0 = unknown. */
const LENGTHS = [0, 9, 9, 9, 9, 9, 4, 8, 8, 6, 4, 4, 2, 0, 3, 8, 3, 9, 8, 9, 9];

function packetLength(type: number): number {
  return type < LENGTHS.length ? (LENGTHS[type] ?? 0) : 0;
}

/** Data bytes with their 8th bit restored from the high-bits byte. */
function unpackCms50Data(packet: Uint8Array): number[] {
  const hi = packet[1] ?? 0;
  const data: number[] = [];
  for (let i = 2; i < packet.length; i++) data.push(((packet[i] ?? 0) & 0x7f) | (((hi >> (i - 2)) & 1) << 7));
  return data;
}

export function decodeCms50Realtime(packet: Uint8Array): OximeterReading | { bad: string } {
  const [d0 = 0, d1 = 0, d2 = 0, d3 = 0, d4 = 0, d5 = 0, d6 = 0] = unpackCms50Data(packet);
  if (d4 > 100 && d4 !== 127) return { bad: `SpO2 ${d4}` };
  const flags: KnownFlag[] = [];
  if (d0 & 0x80) flags.push("finger_out");
  if (d0 & 0x10) flags.push("no_signal");
  if (d1 & 0x80) flags.push("searching");
  const piRaw = d5 | (d6 << 8);
  const piValid = (d2 & 0x10) === 0 && piRaw !== 0xffff && piRaw <= 2000;
  return {
    kind: "reading",
    hr: d3 === 255 || d3 === 0 ? null : d3,
    spo2: d4 === 127 || d4 === 0 ? null : d4,
    pi: piValid ? piRaw / 100 : null,
    pleth: d1 & 0x7f,
    flags: sortedFlags(flags),
  };
}

/**
 * The live-data decoder: typed packets whose length follows from the type byte. Command replies
 * (0x0C, 0x06, …) interleave with live data; they are dropped without breaking the lock.
 */
export class Cms50CommandDecoder extends FixedFrameScanner {
  /** Live packets in a row needed before values are trusted (no checksum in this protocol). */
  constructor(lockAfter = 3) {
    super({
      length: packetLength,
      accepts: (i, b) => (i === 0 ? (b & 0x80) === 0 && packetLength(b) > 0 : (b & 0x80) !== 0),
      decode: (packet) => (packet[0] === CMS50_REALTIME_TYPE ? decodeCms50Realtime(packet) : { other: true }),
      lockAfter,
    });
  }
}
