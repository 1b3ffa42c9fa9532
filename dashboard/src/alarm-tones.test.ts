import { describe, expect, it } from "vitest";
// Test-only cross-check against the source of truth; the dashboard itself never imports gateway runtime code.
import { alarmSchedule, burstLengthMs, DEFAULT_BURST_PATTERNS } from "../../core/burst-pattern.js";
import { TONE_PATTERNS, toneBurst } from "./alarm-tones.js";

describe("alarm tones", () => {
  it("duplicates the gateway's IEC 60601-1-8 timing table exactly", () => {
    for (const p of ["high", "medium", "low"] as const) {
      const { priority: _p, interBurstMs, ...rest } = DEFAULT_BURST_PATTERNS[p];
      expect({ ...rest, interBurstMs }).toEqual(TONE_PATTERNS[p]);
    }
  });

  it("schedules the same pulses as the gateway, burst after burst", () => {
    for (const p of ["high", "medium", "low"] as const) {
      const { pulses, periodMs } = toneBurst(p);
      expect(periodMs).toBe(
        burstLengthMs(DEFAULT_BURST_PATTERNS[p]) + (DEFAULT_BURST_PATTERNS[p].interBurstMs ?? 0),
      );
      const two = [...pulses, ...pulses.map((x) => ({ ...x, atMs: x.atMs + periodMs }))];
      const gw = alarmSchedule(p, 2 * periodMs).map((x) => ({
        atMs: x.at_ms,
        onMs: x.on_ms,
        freqHz: x.freq_hz,
      }));
      expect(two).toEqual(gw);
    }
  });

  it("plays high priority as 3+2, pause, 3+2 and medium as 3 pulses", () => {
    const high = toneBurst("high").pulses.map((x) => x.atMs);
    expect(high).toHaveLength(10);
    const gaps = high.slice(1).map((t, i) => t - (high[i] as number) - 150);
    // Short spacing inside each group, a missing-pulse gap after the 3rd and 8th, the half-burst gap after the 5th.
    expect(gaps).toEqual([100, 100, 350, 100, 700, 100, 100, 350, 100]);
    expect(toneBurst("medium").pulses).toHaveLength(3);
    expect(toneBurst("low").pulses.length).toBeLessThanOrEqual(2);
  });
});
