import {
  type AlarmItemView,
  type BedStatus,
  type BedView,
  byParameter,
  TILE_PARAMETERS,
  type TileParameter,
} from "../../core/api-types.js";
import {
  type AlarmLevel,
  alarmLevel,
  alarmText,
  isTechnical,
  PRIORITY_MARK,
  PRIORITY_WORD,
} from "./alarm-labels.js";
import { formatAge, formatValue } from "./format.js";
import { type Freshness, freshnessOf } from "./freshness.js";
import { type News2Badge, news2Badge } from "./news2-badge.js";
import { formatCountdown, pauseRemainingMs } from "./pause-countdown.js";

/** The numbers on a tile: the parameters declared `tile: true` (core/parameters.ts). */
export type ShownVital = TileParameter;

const perVital = <T>(f: (p: (typeof TILE_PARAMETERS)[number]) => T): Record<ShownVital, T> =>
  byParameter(f, TILE_PARAMETERS);

/** Everything a bed tile shows, as text and flags; the DOM layer only copies it onto elements. */
export interface TileModel {
  bed: string;
  patient: string;
  ward: string | null;
  status: BedStatus;
  freshness: Freshness;
  /** Badge next to the status: "STALE", "OFFLINE", "NO DATA" or null when the numbers are current. */
  freshnessLabel: string | null;
  /** "standby 12 min" while the bed is on standby (no alarms), else null. */
  standby: string | null;
  /** The status badge's text: "⚠ CRITICAL", "NORMAL", "UNKNOWN" or "STANDBY". */
  statusText: string;
  reasons: string[];
  values: Record<ShownVital, string>;
  /** Which numbers a CRITICAL reason is about, so they can be highlighted. */
  outOfRange: Record<ShownVital, boolean>;
  age: string;
  flags: string[];
  /** Numbers that must not pass as live: the whole bed is not live, or the alarm engine says stale. */
  staleVitals: Record<ShownVital, boolean>;
  /** Priority of the physiological alarm listed on each number, boxed in that alarm's colour. */
  alarmedVitals: Record<ShownVital, AlarmItemView["priority"] | null>;
  /** null when the gateway runs without the alarm engine (or has not seen the bed yet). */
  alarm: AlarmLevel | null;
  chips: AlarmChip[];
  news2: News2Badge;
  /** "1:45" while the bed's audio is paused, else null. */
  pauseLeft: string | null;
  /** Ids of alarms nobody has acknowledged yet ("Acknowledge all" sends these). */
  unacknowledgedIds: string[];
  /** Sentence for screen readers describing the whole tile. */
  ariaLabel: string;
}

/** One alarm as a chip on the tile: text, marker and the classes that colour it. */
export interface AlarmChip {
  id: string;
  priority: AlarmItemView["priority"];
  technical: boolean;
  acknowledged: boolean;
  latched: boolean;
  marker: string;
  text: string;
}

function toAlarmChip(a: AlarmItemView): AlarmChip {
  return {
    id: a.id,
    priority: a.priority,
    technical: isTechnical(a.kind),
    acknowledged: a.state === "acknowledged",
    latched: a.latched,
    marker: PRIORITY_MARK[a.priority],
    text: alarmText(a),
  };
}

// Reasons are human-readable ("SpO2 92 % < 95 %"); their first word names the parameter.
const REASON_PARAMETER: Array<[RegExp, ShownVital]> = [
  [/^\s*spo\s*2\b/i, "spo2"],
  [/^\s*(hr|heart rate|pulse)\b/i, "hr"],
  [/^\s*(temp|temperature)\b/i, "temp"],
];

export function vitalsNamedIn(reasons: readonly string[]): Record<ShownVital, boolean> {
  const out = perVital(() => false);
  for (const r of reasons) {
    for (const [re, vital] of REASON_PARAMETER) if (re.test(r)) out[vital] = true;
  }
  return out;
}

const FRESHNESS_LABEL: Record<Freshness, string | null> = {
  live: null,
  stale: "STALE",
  offline: "OFFLINE",
  waiting: "NO DATA",
};

export function toTileModel(bed: BedView, gatewayNow: number): TileModel {
  const r = bed.last_reading;
  const freshness = freshnessOf(bed, gatewayNow);
  const values = perVital((p) => formatValue(p, r?.[p.key]));
  const age = bed.last_reading_at === null ? "—" : formatAge(gatewayNow - bed.last_reading_at);
  const freshnessLabel = FRESHNESS_LABEL[freshness];
  const patient = bed.patient ?? "—";
  const notLive = freshness !== "live";
  const stale = bed.alarm?.stale ?? {};
  const staleVitals = perVital((p) => notLive || stale[p.key] === true);
  const alarms = bed.alarm?.alarms ?? [];
  const news2 = news2Badge(bed.news2);
  const alarmedVitals = perVital<AlarmItemView["priority"] | null>(() => null);
  // alarms are highest priority first, so the first one listed for a number wins.
  for (const a of alarms) {
    const v = a.parameter as ShownVital;
    if (a.kind === "physiological" && v in alarmedVitals && alarmedVitals[v] === null)
      alarmedVitals[v] = a.priority;
  }
  const pauseMs = pauseRemainingMs(bed.alarm?.paused_until, gatewayNow);
  const standbySince = bed.stay?.state === "standby" ? (bed.stay.standby_since ?? gatewayNow) : null;
  const standby = standbySince === null ? null : `standby ${formatAge(gatewayNow - standbySince)}`;
  const spokenVital = ({ key, spoken }: (typeof TILE_PARAMETERS)[number]) =>
    staleVitals[key] && !notLive ? `${spoken.name} not live` : `${spoken.name} ${values[key]} ${spoken.unit}`;
  const spoken = [
    `${bed.bed}`,
    bed.patient ? `patient ${bed.patient}` : "no patient id",
    standby ?? (bed.status === "CRITICAL" ? `CRITICAL: ${bed.reasons.join("; ")}` : bed.status.toLowerCase()),
    freshnessLabel ? `${freshnessLabel.toLowerCase()} data` : null,
    ...alarms.map(
      (a) =>
        `${PRIORITY_WORD[a.priority].toLowerCase()} priority alarm ${alarmText(a)}${a.state === "acknowledged" ? " acknowledged" : ""}`,
    ),
    ...TILE_PARAMETERS.map(spokenVital),
    bed.news2 ? news2.title : null,
    pauseMs > 0 ? `audio paused for ${formatCountdown(pauseMs)}` : null,
    bed.last_reading_at === null ? "no reading yet" : `last reading ${age} ago`,
  ].filter((x): x is string => x !== null);
  return {
    bed: bed.bed,
    patient,
    ward: bed.ward,
    status: bed.status,
    freshness,
    freshnessLabel,
    standby,
    statusText: standby !== null ? "STANDBY" : bed.status === "CRITICAL" ? "⚠ CRITICAL" : bed.status,
    reasons: bed.status === "CRITICAL" ? bed.reasons : [],
    values,
    outOfRange: bed.status === "CRITICAL" ? vitalsNamedIn(bed.reasons) : perVital(() => false),
    age,
    flags: r?.flags ?? [],
    staleVitals,
    alarmedVitals,
    alarm: bed.alarm ? alarmLevel(alarms) : null,
    chips: alarms.map(toAlarmChip),
    news2,
    pauseLeft: pauseMs > 0 ? formatCountdown(pauseMs) : null,
    unacknowledgedIds: alarms.filter((a) => a.state === "active").map((a) => a.id),
    ariaLabel: spoken.join(", "),
  };
}
