import type { Priority } from "./alarm-priority.js";
import type { RrSource, VitalValues } from "./protocol/frames.js";

/** Classification of one reading. UNKNOWN: nothing in it could be classified (all values null). */
export type Status = "NORMAL" | "CRITICAL" | "UNKNOWN";

/** A validated reading as the gateway stores it. Times are epoch milliseconds. */
export interface Reading {
  node: string;
  /** The node's seq space (its hello's boot id; "" for nodes that send none and for legacy clients). */
  boot: string;
  seq: number;
  bed: string;
  patient: string | null;
  ward: string | null;
  /** Time the node measured it (device clock). */
  t: number;
  /** Time the gateway received it (gateway clock); history is ordered by this. */
  receivedAt: number;
  values: VitalValues;
  flags: string[];
  /** The frame's rr_src: this reading's rr was derived (e.g. from the PPG), not measured directly. */
  rrSource?: RrSource;
}

export interface Classification {
  status: Status;
  /** Human-readable reasons, e.g. "SpO2 92 % < 95 %". Empty when NORMAL. */
  reasons: string[];
}

export type ClassifiedReading = Reading & Classification;

/**
 * A message to staff about one patient's alarm events (console and bell, dashboard strip, alerts table):
 * at most one per patient per interval, later events coalesced into the next one.
 */
export interface Alert {
  bed: string;
  patient: string | null;
  ward: string | null;
  /** The bed's derived status when the message went out. */
  status: Status;
  /** One line per event reported, e.g. "raised MEDIUM SpO2 92 % < 95 %". */
  reasons: string[];
  /** Highest priority among the raised or escalated alarms reported; null for clears only. */
  priority: Priority | null;
  /** Gateway time the alert was sent. */
  at: number;
}
