import type { Priority } from "./alarm-priority.js";

/**
 * IEC 60601-1-8 auditory alarm signals (Table 3 "burst" and Table 4 "pulse" characteristics) as a timed
 * schedule any output can play: a PC speaker, a GPIO buzzer, a browser, or the WAV renderer.
 * Sources of the ranges are listed in docs/alarms.md.
 */

/** One tone: starts `at_ms` after the schedule start, lasts `on_ms` (rise and fall included). */
export interface ScheduledPulse {
  at_ms: number;
  on_ms: number;
  freq_hz: number;
}

export interface BurstPattern {
  priority: Priority;
  /** Pulses per burst: high 10, medium 3, low 1 or 2. */
  pulses: number;
  /** Effective pulse duration td. */
  pulseMs: number;
  /** Pulse spacing ts (end of one pulse to start of the next): x for high, y for medium/low. */
  spacingMs: number;
  /** Gap between the 5th and 6th pulse of a high-priority burst (the "3+2 / 3+2" split). */
  halfBurstGapMs: number;
  /** Inter-burst interval tb: end of the last pulse to the start of the next burst. null: never repeats. */
  interBurstMs: number | null;
  riseMs: number;
  fallMs: number;
  /** Fundamental f0 (150–1000 Hz); the renderer adds harmonics. */
  freqHz: number;
}

/** The standard's ranges (inclusive, ms unless noted). */
export const IEC_60601_1_8_RANGES = {
  freqHz: [150, 1000],
  harmonicBandHz: [300, 4000],
  minHarmonics: 4,
  pulseMs: { high: [75, 200], medium: [125, 250], low: [125, 250] },
  spacingMs: { high: [50, 125], medium: [125, 250], low: [125, 250] },
  halfBurstGapMs: [350, 1300],
  interBurstMs: { high: [2_500, 15_000], medium: [2_500, 30_000], low: [15_000, Number.POSITIVE_INFINITY] },
  /** Rise time as a fraction of td; fall time must not exceed what leaves the spacing audible. */
  riseFraction: [0.1, 0.2],
} as const;

/** Chosen defaults, inside every range (see docs/alarms.md for the why of each number). */
export const DEFAULT_BURST_PATTERNS: Readonly<Record<Priority, BurstPattern>> = {
  high: {
    priority: "high",
    pulses: 10,
    pulseMs: 150,
    spacingMs: 100,
    halfBurstGapMs: 700,
    interBurstMs: 3_000,
    riseMs: 20,
    fallMs: 20,
    freqHz: 500,
  },
  medium: {
    priority: "medium",
    pulses: 3,
    pulseMs: 200,
    spacingMs: 200,
    halfBurstGapMs: 0,
    interBurstMs: 6_000,
    riseMs: 30,
    fallMs: 30,
    freqHz: 500,
  },
  low: {
    priority: "low",
    pulses: 2,
    pulseMs: 200,
    spacingMs: 200,
    halfBurstGapMs: 0,
    interBurstMs: 20_000,
    riseMs: 30,
    fallMs: 30,
    freqHz: 400,
  },
};

/**
 * Silence before pulse i+1 (i zero-based). High priority is 3+2, pause, 3+2: the gap after the 3rd (and 8th)
 * pulse is 2x + td, as if a pulse were missing; the gap after the 5th is the half-burst gap.
 */
function gapAfter(p: BurstPattern, i: number): number {
  if (p.priority !== "high") return p.spacingMs;
  if (i === 4) return p.halfBurstGapMs;
  if (i === 2 || i === 7) return 2 * p.spacingMs + p.pulseMs;
  return p.spacingMs;
}

/** The pulses of one burst, starting at 0. */
export function burst(pattern: BurstPattern): ScheduledPulse[] {
  const out: ScheduledPulse[] = [];
  let t = 0;
  for (let i = 0; i < pattern.pulses; i++) {
    out.push({ at_ms: t, on_ms: pattern.pulseMs, freq_hz: pattern.freqHz });
    t += pattern.pulseMs + gapAfter(pattern, i);
  }
  return out;
}

/** Length of one burst, first pulse start to last pulse end. */
export function burstLengthMs(pattern: BurstPattern): number {
  const pulses = burst(pattern);
  const last = pulses[pulses.length - 1];
  return last === undefined ? 0 : last.at_ms + last.on_ms;
}

/** Bursts repeated for `durationMs`; pulses that would start at or after it are left out. */
export function alarmSchedule(
  priority: Priority,
  durationMs: number,
  pattern = DEFAULT_BURST_PATTERNS[priority],
): ScheduledPulse[] {
  const one = burst(pattern);
  const out: ScheduledPulse[] = [];
  const period =
    pattern.interBurstMs === null ? Number.POSITIVE_INFINITY : burstLengthMs(pattern) + pattern.interBurstMs;
  for (let start = 0; start < durationMs; start += period) {
    for (const p of one) if (start + p.at_ms < durationMs) out.push({ ...p, at_ms: start + p.at_ms });
    if (!Number.isFinite(period)) break;
  }
  return out;
}

const within = (v: number, [lo, hi]: readonly [number, number]) => v >= lo && v <= hi;

/** Everything in a pattern that is outside IEC 60601-1-8; empty when it complies. */
export function patternViolations(p: BurstPattern): string[] {
  const r = IEC_60601_1_8_RANGES;
  const out: string[] = [];
  const expectedPulses = p.priority === "high" ? [10, 10] : p.priority === "medium" ? [3, 3] : [1, 2];
  if (!within(p.pulses, expectedPulses as [number, number])) out.push(`pulses ${p.pulses}`);
  if (!within(p.freqHz, r.freqHz)) out.push(`f0 ${p.freqHz} Hz`);
  if (!within(p.pulseMs, r.pulseMs[p.priority])) out.push(`td ${p.pulseMs} ms`);
  if (p.pulses > 1 && !within(p.spacingMs, r.spacingMs[p.priority])) out.push(`ts ${p.spacingMs} ms`);
  if (p.priority === "high" && !within(p.halfBurstGapMs, r.halfBurstGapMs))
    out.push(`half-burst gap ${p.halfBurstGapMs} ms`);
  if (p.interBurstMs !== null && !within(p.interBurstMs, r.interBurstMs[p.priority]))
    out.push(`tb ${p.interBurstMs} ms`);
  if (p.interBurstMs === null && p.priority !== "low") out.push("only low priority may play once");
  if (!within(p.riseMs / p.pulseMs, r.riseFraction)) out.push(`tr ${p.riseMs} ms`);
  if (p.fallMs > p.spacingMs || p.riseMs + p.fallMs > p.pulseMs) out.push(`tf ${p.fallMs} ms`);
  return out;
}
