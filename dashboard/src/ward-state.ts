import type {
  AlarmItemView,
  AlarmPriority,
  AlertView,
  BedView,
  LiveMessage,
  NoticeView,
} from "../../core/api-types.js";
import {
  type WardCounts as AlarmCounts,
  compareBedSeverity,
  countWard,
  isAlarmingBed,
} from "../../core/bed-status.js";
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
  /** The "Alarming beds" filter: only beds whose status is CRITICAL. */
  alarmingOnly: boolean;
  /** Grid order: by severity (highest priority, then longest-waiting alarm) or by bed label. */
  sort: GridSort;
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
  /** Ward notices (gateway restarted, many nodes lost at once), oldest first. */
  notices: NoticeView[];
}

const MAX_ALERTS_SHOWN = 5;

export type GridSort = "severity" | "bed";

export type WardAction =
  | { type: "live"; message: LiveMessage; browserNow: number }
  | { type: "initial-load"; now: number; beds: BedView[]; browserNow: number }
  | { type: "set-alarming-only"; on: boolean }
  | { type: "set-sort"; sort: GridSort }
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
    alarmingOnly: false,
    sort: "severity",
    cleared: new Map(),
    connection: "connecting",
    alerts: [],
    sound: null,
    pendingAcks: new Set(),
    alarmEventCount: 0,
    notifications: null,
    notices: [],
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
      return { ...replaceAll(state, m.now, m.beds, browserNow), notices: m.notices ?? [] };
    case "notices":
      return { ...state, notices: m.notices };
    case "removed": {
      const beds = new Map(state.beds);
      for (const b of m.beds) beds.delete(b);
      return { ...state, beds };
    }
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
    case "set-alarming-only":
      return { ...state, alarmingOnly: action.on };
    case "set-sort":
      return { ...state, sort: action.sort };
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
 * "Clear view" nor "Alarming beds" hides an alarm.
 */
export function wardAlarms(state: WardState): AlarmItemView[] {
  const all: AlarmItemView[] = [];
  for (const b of state.beds.values()) if (b.alarm) all.push(...b.alarm.alarms);
  return sortAlarms(all);
}

const byLabel = (a: BedView, b: BedView) => compareBedLabels(a.bed, b.bed);

/** The grid's order (core/bed-status.ts: the same severity order the gateway documents). */
export function compareBeds(sort: GridSort): (a: BedView, b: BedView) => number {
  return sort === "bed" ? byLabel : (a, b) => compareBedSeverity(a, b, byLabel);
}

/** The beds to draw, in the chosen order, after "Clear view" and the "Alarming beds" filter. */
export function visibleBeds(state: WardState): BedView[] {
  const out: BedView[] = [];
  for (const b of state.beds.values()) {
    // A bed that still asks for someone is never hidden by "Clear view".
    const waiting = b.alarm?.alarms.some((a) => a.state === "active") ?? false;
    if (state.cleared.has(b.bed) && !waiting) continue;
    if (state.alarmingOnly && !isAlarmingBed(b)) continue;
    out.push(b);
  }
  return out.sort(compareBeds(state.sort));
}

/** The header: the shared ward counts (core/bed-status.ts) plus what "Clear view" hides here. */
export interface WardCounts extends AlarmCounts {
  hidden: number;
}

export function wardCounts(state: WardState): WardCounts {
  return { ...countWard(state.beds.values()), hidden: state.cleared.size };
}

/** "20 beds · 3 alarming · 1 high · 2 medium · 0 low · 2 technical": its alarm total is the bar's length. */
export function wardCountsText(c: WardCounts): string {
  const p = c.physiological;
  const technical = c.technical.high + c.technical.medium + c.technical.low;
  return [
    `${c.beds} bed${c.beds === 1 ? "" : "s"}`,
    `${c.alarming} alarming`,
    `${p.high} high`,
    `${p.medium} medium`,
    `${p.low} low`,
    `${technical} technical`,
    ...(c.hidden ? [`${c.hidden} hidden`] : []),
  ].join(" · ");
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
