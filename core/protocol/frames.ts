/**
 * Wire protocol v1: the frames exchanged between bedside nodes and the gateway.
 * Every client in the repository imports these types; see docs/protocol.md.
 */
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

/** The vital-sign parameters carried by a reading, in the order the protocol documents them. */
export const VITAL_PARAMETERS = ["hr", "spo2", "temp", "rr", "sbp", "dbp", "pi", "battery"] as const;
export type VitalParameter = (typeof VITAL_PARAMETERS)[number];
export type VitalValues = { [K in VitalParameter]?: number | null };

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

export interface VitalsFrame extends VitalValues {
  type: "vitals";
  seq: number;
  t: number;
  hr: number | null;
  spo2: number | null;
  temp: number | null;
  flags?: string[] | undefined;
}

export interface PingFrame {
  type: "ping";
}
export interface PongFrame {
  type: "pong";
}

/** The original design's flat JSON, sent without a hello. */
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
