import type { KnownFlag } from "../../core/protocol/index.js";

/**
 * What every serial oximeter decoder produces: one tagged frame per device packet (or per
 * skipped run of bytes). Decoders are pure: bytes in, frames out, no clock and no I/O.
 */
export interface OximeterReading {
  kind: "reading";
  /** Pulse rate, beats/min; null when the device reports "no value". */
  hr: number | null;
  /** Functional SpO2, %; null when the device reports "no value". */
  spo2: number | null;
  /** Perfusion index, %; null when absent or invalid. */
  pi: number | null;
  /** One plethysmogram sample (device units) when the protocol carries a waveform. */
  pleth?: number | undefined;
  /** Device conditions, from KNOWN_FLAGS, sorted. */
  flags: KnownFlag[];
}

export type DiscardReason =
  /** Bytes before the decoder found (or re-found) packet boundaries. */
  | "no_sync"
  /** A packet started but was cut short by the start of another. */
  | "truncated"
  /** A complete frame whose checksum did not match: counted, never turned into values. */
  | "checksum"
  /** Well-formed packet of a type this decoder does not turn into readings (e.g. a command reply). */
  | "other_packet"
  /** Well-formed packet(s) seen while (re)acquiring lock (protocols without checksum). */
  | "locking"
  /** A complete packet not followed by the start of another: likely spliced from noise. */
  | "unconfirmed"
  /** A line or packet whose fields do not parse. */
  | "bad_field"
  /** A line longer than any the device sends. */
  | "oversize";

interface DiscardedBytes {
  kind: "discarded";
  bytes: Uint8Array;
  why: DiscardReason;
}

export type OximeterFrame = OximeterReading | DiscardedBytes;

export interface DecoderCounters {
  readings: number;
  discardedBytes: number;
  checksumErrors: number;
}

export interface OximeterDecoder {
  /** Feed any chunk of the byte stream; returns the frames it completed. */
  push(chunk: Uint8Array): OximeterFrame[];
  /** Forget partial state, e.g. after the port was closed and reopened. */
  reset(): void;
  readonly counters: DecoderCounters;
}

export function newCounters(): DecoderCounters {
  return { readings: 0, discardedBytes: 0, checksumErrors: 0 };
}

/** Keeps counters consistent with the frames a decoder returns. */
export function tally(counters: DecoderCounters, frames: OximeterFrame[]): OximeterFrame[] {
  for (const f of frames) {
    if (f.kind === "reading") counters.readings++;
    else {
      counters.discardedBytes += f.bytes.length;
      if (f.why === "checksum") counters.checksumErrors++;
    }
  }
  return frames;
}

export function sortedFlags(flags: Iterable<KnownFlag>): KnownFlag[] {
  return [...new Set(flags)].sort();
}
