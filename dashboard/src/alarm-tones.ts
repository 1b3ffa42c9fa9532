import type { AlarmPriority } from "../../core/api-types.js";

/**
 * IEC 60601-1-8 burst timings, duplicated from DEFAULT_BURST_PATTERNS in core/burst-pattern.ts
 * (the dashboard may import only API types from the gateway). alarm-tones.test.ts checks the two agree.
 */
export interface TonePattern {
  pulses: number;
  pulseMs: number;
  spacingMs: number;
  /** Gap between the 5th and 6th pulse of the high-priority "3+2 / 3+2" burst. */
  halfBurstGapMs: number;
  /** End of the last pulse to the start of the next burst. */
  interBurstMs: number;
  riseMs: number;
  fallMs: number;
  freqHz: number;
}

export const TONE_PATTERNS: Readonly<Record<AlarmPriority, TonePattern>> = {
  high: {
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

export interface TonePulse {
  atMs: number;
  onMs: number;
  freqHz: number;
}

/** Silence after pulse i: high is 3+2, pause, 3+2 (a missing pulse after the 3rd and 8th). */
function gapAfter(priority: AlarmPriority, p: TonePattern, i: number): number {
  if (priority !== "high") return p.spacingMs;
  if (i === 4) return p.halfBurstGapMs;
  if (i === 2 || i === 7) return 2 * p.spacingMs + p.pulseMs;
  return p.spacingMs;
}

/** One burst from 0, and the period after which it repeats. */
export function toneBurst(priority: AlarmPriority): { pulses: TonePulse[]; periodMs: number } {
  const p = TONE_PATTERNS[priority];
  const pulses: TonePulse[] = [];
  let t = 0;
  for (let i = 0; i < p.pulses; i++) {
    pulses.push({ atMs: t, onMs: p.pulseMs, freqHz: p.freqHz });
    t += p.pulseMs + gapAfter(priority, p, i);
  }
  const last = pulses[pulses.length - 1];
  const length = last ? last.atMs + last.onMs : 0;
  return { pulses, periodMs: length + p.interBurstMs };
}
