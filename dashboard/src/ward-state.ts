import type { AlarmItemView, AlarmPriority, AlertView, BedView, LiveMessage } from "../../core/api-types.js";
import { higherOf, sortAlarms } from "./alarm-labels.js";
import { clockOffset } from "./freshness.js";
import { compareBedLabels } from "./natural-sort.js";

type ConnectionState = "connecting" | "open" | "down";

/** What a bed looked like when the view was cleared; it stays hidden until this changes. */
interface ClearedMark {
  lastReadingAt: number | null;
  connected: boolean;
}

/**
 * The dashboard's whole state. Bed data only ever comes from the gateway; "Clear view" hides tiles
 * and never drops data (as the original app did: the screen empties, the history stays in the store).
 */
export interface WardState {
  beds: ReadonlyMap<string, BedView>;
  /** gateway clock − browser clock, from the latest live message. */
  offsetMs: number;
  criticalOnly: boolean;
  cleared: ReadonlyMap<string, ClearedMark>;
  connection: ConnectionState;
  /** Newest first, a few at most: the alert strip. */
  alerts: AlertView[];
  /** The ward's loudest audible alarm priority, as the gateway last announced it. */
  sound: AlarmPriority | null;
  /** Acknowledgements sent and not yet answered (optimistic UI; the live update has the last word). */
  pendingAcks: ReadonlySet<string>;
  /** Counts alarm events received, so views of the alarm log know when to refresh. */
  alarmEventCount: number;
  /** Remote notifications waiting and dead-lettered (null: not known yet, or notifications are off). */
  notifications: { pending: number; dead: number } | null;
}

const MAX_ALERTS_SHOWN = 5;

export type WardAction =
  | { type: "live"; message: LiveMessage; browserNow: number }
  | { type: "initial-load"; now: number; beds: BedView[]; browserNow: number }
  | { type: "set-critical-only"; on: boolean }
  | { type: "clear-view" }
  | { type: "show-hidden" }
  | { type: "connection"; state: ConnectionState }
  | { type: "dismiss-alerts" }
  | { type: "ack-sent"; ids: string[] }
  | { type: "ack-settled"; ids: string[] };

export function initialWardState(): WardState {
  return {
    beds: new Map(),
    offsetMs: 0,
    criticalOnly: false,
    cleared: new Map(),
    connection: "connecting",
    alerts: [],
    sound: null,
    pendingAcks: new Set(),
    alarmEventCount: 0,
    notifications: null,
  };
}

function revealChanged(cleared: ReadonlyMap<string, ClearedMark>, beds: Iterable<BedView>) {
  let out: Map<string, ClearedMark> | null = null;
  for (const b of beds) {
    const mark = cleared.get(b.bed);
    if (!mark) continue;
    if (mark.lastReadingAt !== b.last_reading_at || mark.connected !== b.connected) {
      out ??= new Map(cleared);
      out.delete(b.bed);
    }
  }
  return out ?? cleared;
}

function replaceAll(state: WardState, now: number, beds: BedView[], browserNow: number): WardState {
  return {
    ...state,
    beds: new Map(beds.map((b) => [b.bed, b])),
    offsetMs: clockOffset(now, browserNow),
    cleared: revealChanged(state.cleared, beds),
  };
}

function applyLive(state: WardState, m: LiveMessage, browserNow: number): WardState {
  switch (m.type) {
    case "snapshot":
      return replaceAll(state, m.now, m.beds, browserNow);
    case "beds": {
      const beds = new Map(state.beds);
      for (const b of m.beds) beds.set(b.bed, b);
      return {
        ...state,
        beds,
        offsetMs: clockOffset(m.now, browserNow),
        cleared: revealChanged(state.cleared, m.beds),
      };
    }
    case "alert":
      return { ...state, alerts: [m.alert, ...state.alerts].slice(0, MAX_ALERTS_SHOWN) };
    case "sound":
      return { ...state, sound: m.priority };
    case "alarm_event":
      return { ...state, alarmEventCount: state.alarmEventCount + 1 };
    case "notifications":
      return { ...state, notifications: { pending: m.pending, dead: m.dead } };
  }
}

export function wardReducer(state: WardState, action: WardAction): WardState {
  switch (action.type) {
    case "initial-load":
      // The WebSocket snapshot may already have arrived; it is at least as new, so it wins.
      return state.beds.size > 0 ? state : replaceAll(state, action.now, action.beds, action.browserNow);
    case "live":
      return applyLive(state, action.message, action.browserNow);
    case "set-critical-only":
      return { ...state, criticalOnly: action.on };
    case "clear-view": {
      const cleared = new Map<string, ClearedMark>();
      for (const b of state.beds.values()) {
        cleared.set(b.bed, { lastReadingAt: b.last_reading_at, connected: b.connected });
      }
      return { ...state, cleared, alerts: [] };
    }
    case "show-hidden":
      return { ...state, cleared: new Map() };
    case "connection":
      return { ...state, connection: action.state };
    case "dismiss-alerts":
      return { ...state, alerts: [] };
    case "ack-sent":
      return { ...state, pendingAcks: new Set([...state.pendingAcks, ...action.ids]) };
    case "ack-settled": {
      const pendingAcks = new Set(state.pendingAcks);
      for (const id of action.ids) pendingAcks.delete(id);
      return { ...state, pendingAcks };
    }
  }
}

/**
 * Every listed alarm in the ward, highest priority first: the central station's alarm bar. Neither
 * "Clear view" nor "Critical only" hides an alarm.
 */
export function wardAlarms(state: WardState): AlarmItemView[] {
  const all: AlarmItemView[] = [];
  for (const b of state.beds.values()) if (b.alarm) all.push(...b.alarm.alarms);
  return sortAlarms(all);
}

/** The beds to draw, in natural label order, after "Clear view" and the "Critical only" filter. */
export function visibleBeds(state: WardState): BedView[] {
  const out: BedView[] = [];
  for (const b of state.beds.values()) {
    // A bed that still asks for someone is never hidden by "Clear view".
    const waiting = b.alarm?.alarms.some((a) => a.state === "active") ?? false;
    if (state.cleared.has(b.bed) && !waiting) continue;
    const high = b.alarm?.alarms.some((a) => a.priority === "high") ?? false;
    if (state.criticalOnly && b.status !== "CRITICAL" && !high) continue;
    out.push(b);
  }
  return out.sort((a, b) => compareBedLabels(a.bed, b.bed));
}

export interface WardCounts {
  total: number;
  critical: number;
  hidden: number;
}

export function wardCounts(state: WardState): WardCounts {
  let critical = 0;
  for (const b of state.beds.values()) if (b.status === "CRITICAL") critical++;
  return { total: state.beds.size, critical, hidden: state.cleared.size };
}

/**
 * What the central station's speaker should play: the loudest audible priority of any bed. Derived
 * from the beds rather than only from "sound" messages, which are sent on change and so are missing
 * from a freshly opened (or reconnected) page until the next change.
 */
export function wardSound(state: WardState): AlarmPriority | null {
  let loudest: AlarmPriority | null = null;
  for (const b of state.beds.values()) loudest = higherOf(loudest, b.alarm?.audible ?? null);
  return loudest;
}
