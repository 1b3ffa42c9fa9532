/**
 * Wire protocol v1: the frames exchanged between bedside nodes and the gateway.
 * Every client in the repository imports these types; see docs/protocol.md.
 */
import type { FrameValues, ParameterValues } from "../parameters.js";

export const PROTO_VERSION = 1;
export const DEFAULT_TCP_PORT = 7070;
export const DEFAULT_HTTP_PORT = 8080;
/** Longest accepted line, in bytes, excluding the newline. */
export const MAX_LINE_BYTES = 4096;

/** Conditions a node can report alongside (or instead of) values. */
export const KNOWN_FLAGS = [
  "finger_out",
  "sensor_off",
  "no_signal",
  "searching",
  "artifact",
  "low_perfusion",
  "low_battery",
  "probe_error",
  /** Set by the gateway: the device time `t` is far from gateway time (docs/protocol.md, "Time"). */
  "clock_skew",
  /** Set by a node whose clock has not been synchronised yet (a Pi without RTC before NTP). */
  "clock_unsynced",
] as const;
export type KnownFlag = (typeof KNOWN_FLAGS)[number];
/** Any flag on the wire is a lower-case word of at most 32 characters, known or not. */
export const FLAG_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;
/** Most flags one frame may carry. */
export const MAX_FLAGS = 16;

/** The vital-sign parameters carried by a reading, in the order declared in core/parameters.ts. */
export { VITAL_PARAMETERS, type VitalParameter } from "../parameters.js";
export type VitalValues = ParameterValues;

// ---- node → gateway -------------------------------------------------------

export interface HelloFrame {
  type: "hello";
  proto: number;
  node: string;
  bed: string;
  patient?: string | undefined;
  ward?: string | undefined;
  fw?: string | undefined;
  token?: string | undefined;
  /**
   * The node's seq space: a new random id whenever its numbering starts again (a new queue, a reset
   * board). seqs are unique per (node, boot). Absent: the node's unnamed space ("").
   */
  boot?: string | undefined;
}

/**
 * Where a reading's rr was derived from, when the node derived it rather than measured it directly:
 * "ppg" = from the pulse oximeter's waveform (respiratory modulations). Absent: a direct measurement
 * (impedance, belt, capnography) or unknown.
 */
export const RR_SOURCES = ["ppg"] as const;
export type RrSource = (typeof RR_SOURCES)[number];

export interface VitalsFrame extends FrameValues {
  type: "vitals";
  seq: number;
  t: number;
  /** Source of this reading's rr (only meaningful with rr). */
  rr_src?: RrSource | undefined;
  flags?: string[] | undefined;
}

export interface PingFrame {
  type: "ping";
}
export interface PongFrame {
  type: "pong";
}

/** The original design's flat JSON, sent without a hello: frozen with the three values it had. */
export interface LegacyFrame {
  patient_id: string;
  bed_no: string;
  hr: number | null;
  spo2: number | null;
  temp: number | null;
}

export type NodeFrame = HelloFrame | VitalsFrame | PingFrame | PongFrame;

// ---- gateway → node -------------------------------------------------------

export interface WelcomeFrame {
  type: "welcome";
  proto: number;
  heartbeat_ms: number;
  /** Highest seq the gateway has stored for this node, so a node that lost its state can continue. */
  last_seq?: number | undefined;
  /**
   * The pace a node may keep up: the per-connection line limit, or less when the per-node reading
   * limit is lower. A node pacing a backlog stays below it.
   */
  max_lines_per_s?: number | undefined;
}

export interface AckFrame {
  type: "ack";
  seq: number;
}

export const WIRE_ERROR_CODES = [
  "bad_frame",
  "bad_value",
  "bad_seq",
  "unknown_type",
  "too_long",
  "no_hello",
  "unsupported_proto",
  "unauthorized",
  "flood",
  "too_many_errors",
  "replaced",
  "idle",
  "line_timeout",
  "bed_limit",
  "shutting_down",
  "internal",
] as const;
export type WireErrorCode = (typeof WIRE_ERROR_CODES)[number];

export interface ErrorFrame {
  type: "error";
  code: WireErrorCode;
  message: string;
  seq?: number | undefined;
}

/** Alarm priorities after IEC 60601-1-8; "none" silences. */
export const SOUND_PRIORITIES = ["high", "medium", "low", "none"] as const;
export type SoundPriority = (typeof SOUND_PRIORITIES)[number];

/**
 * Tells a node with a local buzzer which IEC 60601-1-8 pattern to play, repeated until the next
 * alarm frame ("none" = silence). Nodes without a buzzer ignore it.
 */
export interface AlarmCommandFrame {
  type: "alarm";
  priority: SoundPriority;
}

export type GatewayFrame = WelcomeFrame | AckFrame | ErrorFrame | PingFrame | PongFrame | AlarmCommandFrame;
