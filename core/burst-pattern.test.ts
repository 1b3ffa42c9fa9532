import { describe, expect, it } from "vitest";
import { PRIORITIES } from "./alarm-priority.js";
import {
  alarmSchedule,
  type BurstPattern,
  burst,
  burstLengthMs,
  DEFAULT_BURST_PATTERNS,
  IEC_60601_1_8_RANGES,
  patternViolations,
  type ScheduledPulse,
} from "./burst-pattern.js";

/** Silence between consecutive pulses (end of one to start of the next). */
const gaps = (pulses: ScheduledPulse[]) =>
  pulses
    .slice(1)
    .map((p, i) => p.at_ms - ((pulses[i] as ScheduledPulse).at_ms + (pulses[i] as ScheduledPulse).on_ms));

describe("IEC 60601-1-8 burst patterns", () => {
  it("high priority: 10 pulses in a 3+2, 3+2 rhythm", () => {
    const p = DEFAULT_BURST_PATTERNS.high;
    const pulses = burst(p);
    expect(pulses).toHaveLength(10);
    const x = p.spacingMs;
    const td = p.pulseMs;
    // Table 3: x between pulses 1-2, 2-3, 4-5, 6-7, 7-8, 9-10; 2x + td after pulses 3 and 8; 0.35–1.30 s after 5.
    expect(gaps(pulses)).toEqual([x, x, 2 * x + td, x, p.halfBurstGapMs, x, x, 2 * x + td, x]);
    // "2x + td" is exactly one missing pulse slot: pulse 4 starts where a 5th-in-line pulse would have.
    const slot = td + x;
    expect((pulses[3] as ScheduledPulse).at_ms - (pulses[2] as ScheduledPulse).at_ms).toBe(2 * slot);
    expect(pulses.every((q) => q.on_ms === td && q.freq_hz === p.freqHz)).toBe(true);
  });

  it("medium priority: 3 evenly spaced pulses; low priority: 1 or 2", () => {
    const medium = burst(DEFAULT_BURST_PATTERNS.medium);
    expect(medium).toHaveLength(3);
    expect(new Set(gaps(medium))).toEqual(new Set([DEFAULT_BURST_PATTERNS.medium.spacingMs]));
    const low = burst(DEFAULT_BURST_PATTERNS.low);
    expect(low.length).toBeGreaterThanOrEqual(1);
    expect(low.length).toBeLessThanOrEqual(2);
  });

  it.each(PRIORITIES)("the default %s pattern is inside every range of the standard", (priority) => {
    expect(patternViolations(DEFAULT_BURST_PATTERNS[priority])).toEqual([]);
    const p = DEFAULT_BURST_PATTERNS[priority];
    const [lo, hi] = IEC_60601_1_8_RANGES.riseFraction;
    expect(p.riseMs / p.pulseMs).toBeGreaterThanOrEqual(lo);
    expect(p.riseMs / p.pulseMs).toBeLessThanOrEqual(hi);
  });

  it("medium td + ts is not shorter than high td + ts (Table 3 note), so medium sounds less urgent", () => {
    const h = DEFAULT_BURST_PATTERNS.high;
    const m = DEFAULT_BURST_PATTERNS.medium;
    expect(m.pulseMs + m.spacingMs).toBeGreaterThanOrEqual(h.pulseMs + h.spacingMs);
  });

  it("flags every out-of-range characteristic", () => {
    const bad: BurstPattern = {
      ...DEFAULT_BURST_PATTERNS.high,
      pulses: 9,
      pulseMs: 300,
      spacingMs: 30,
      halfBurstGapMs: 2000,
      interBurstMs: 1000,
      riseMs: 1,
      freqHz: 2000,
    };
    const v = patternViolations(bad);
    for (const what of ["pulses", "f0", "td", "ts", "half-burst", "tb", "tr"])
      expect(v.join(" ")).toContain(what);
  });

  it("repeats bursts with the inter-burst interval measured from the end of the last pulse", () => {
    const p = DEFAULT_BURST_PATTERNS.high;
    const period = burstLengthMs(p) + (p.interBurstMs as number);
    expect(alarmSchedule("high", 3 * period)).toHaveLength(30);
    const schedule = alarmSchedule("high", 60_000);
    expect((schedule[10] as ScheduledPulse).at_ms).toBe(period);
    const end10 = (schedule[9] as ScheduledPulse).at_ms + (schedule[9] as ScheduledPulse).on_ms;
    expect((schedule[10] as ScheduledPulse).at_ms - end10).toBe(p.interBurstMs);
    expect(schedule.every((q) => q.at_ms < 60_000)).toBe(true);
  });

  it("a low-priority pattern without repetition plays once", () => {
    const once = alarmSchedule("low", 120_000, { ...DEFAULT_BURST_PATTERNS.low, interBurstMs: null });
    expect(once).toHaveLength(DEFAULT_BURST_PATTERNS.low.pulses);
  });
});
