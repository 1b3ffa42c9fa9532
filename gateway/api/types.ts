/**
 * The published HTTP/WebSocket API types: the only thing the dashboard imports from the gateway.
 * JSON field names are snake_case; docs/api.md documents each.
 */
export type BedStatus = "NORMAL" | "CRITICAL" | "UNKNOWN";

export interface ReadingView {
  node: string;
  seq: number;
  bed: string;
  patient: string | null;
  ward: string | null;
  /** Device time, epoch ms. */
  t: number;
  /** Gateway receive time, epoch ms. */
  received_at: number;
  hr: number | null;
  spo2: number | null;
  temp: number | null;
  rr: number | null;
  sbp: number | null;
  dbp: number | null;
  pi: number | null;
  battery: number | null;
  flags: string[];
  status: BedStatus;
  reasons: string[];
}

export interface BedView {
  bed: string;
  ward: string | null;
  patient: string | null;
  node: string | null;
  /** A node for this bed has an open connection now. */
  connected: boolean;
  status: BedStatus;
  reasons: string[];
  last_reading: ReadingView | null;
  /** Gateway receive time of the last reading, epoch ms. */
  last_reading_at: number | null;
}

export interface AlertView {
  bed: string;
  patient: string | null;
  ward: string | null;
  status: BedStatus;
  reasons: string[];
  at: number;
}

export interface BedsResponse {
  now: number;
  beds: BedView[];
}

export interface ReadingsResponse {
  readings: ReadingView[];
}

/** Messages pushed on the WebSocket /api/live, one JSON object per message. */
export type LiveMessage =
  | { type: "snapshot"; now: number; beds: BedView[] }
  | { type: "beds"; now: number; beds: BedView[] }
  | { type: "alert"; alert: AlertView };

/** Paths of the live API, typed by what they return (one map shared by server and dashboard). */
export interface ApiRoutes {
  "GET /api/beds": BedsResponse;
  "GET /api/readings": ReadingsResponse;
  "GET /healthz": { status: "ok"; uptime_s: number };
}
