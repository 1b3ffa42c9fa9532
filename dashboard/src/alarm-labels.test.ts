import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AlarmItemView } from "../../core/api-types.js";
import {
  alarmLevel,
  alarmStateText,
  alarmText,
  compareAlarms,
  isTechnical,
  PRIORITY_MARK,
  priorityRank,
  sortAlarms,
} from "./alarm-labels.js";

function alarm(over: Partial<AlarmItemView>): AlarmItemView {
  return {
    id: "a1",
    bed: "Bed-1",
    patient: "P-1",
    kind: "physiological",
    parameter: "spo2",
    priority: "high",
    state: "active",
    latched: false,
    value: 80,
    since: 1000,
    raised_at: 1000,
    acknowledged_by: null,
    acknowledged_at: null,
    escalated: false,
    limit: null,
    group: null,
    ...over,
  };
}

describe("alarm labels", () => {
  it("marks each priority with a different number of exclamation marks, not colour alone", () => {
    expect(PRIORITY_MARK).toEqual({ high: "!!!", medium: "!!", low: "!" });
  });

  it("names physiological alarms by parameter, value and unit", () => {
    expect(alarmText(alarm({ parameter: "spo2", value: 80 }))).toBe("SpO₂ 80 %");
    expect(alarmText(alarm({ parameter: "hr", value: 151.4 }))).toBe("HR 151 bpm");
    expect(alarmText(alarm({ parameter: "temp", value: 40 }))).toBe("Temp 40.0 °C");
    expect(alarmText(alarm({ parameter: "sbp", value: null }))).toBe("SBP alarm");
  });

  it("says TECHNICAL for alarms about the equipment", () => {
    expect(alarmText(alarm({ kind: "sensor_off", parameter: "device", value: null }))).toBe(
      "TECHNICAL: sensor off",
    );
    expect(alarmText(alarm({ kind: "implausible", parameter: "hr", value: 400 }))).toBe(
      "TECHNICAL: implausible value (HR)",
    );
    expect(alarmText(alarm({ kind: "some_new_kind", parameter: "device" }))).toBe("TECHNICAL: some new kind");
    expect(isTechnical("finger_out")).toBe(true);
    expect(isTechnical("physiological")).toBe(false);
  });

  it("tells what is left to do", () => {
    expect(alarmStateText(alarm({}))).toBe("not acknowledged");
    expect(alarmStateText(alarm({ escalated: true }))).toBe("ESCALATED · not acknowledged");
    expect(alarmStateText(alarm({ latched: true }))).toContain("acknowledge to clear");
    expect(alarmStateText(alarm({ state: "acknowledged", acknowledged_by: "kim" }))).toBe(
      "acknowledged by kim",
    );
  });
});

describe("ward alarm order", () => {
  it("puts high before medium before low, waiting before acknowledged, newest first", () => {
    const list = [
      alarm({ id: "low", priority: "low", raised_at: 9000 }),
      alarm({ id: "med-old", priority: "medium", raised_at: 1000 }),
      alarm({ id: "high-acked", priority: "high", state: "acknowledged", raised_at: 8000 }),
      alarm({ id: "med-new", priority: "medium", raised_at: 5000 }),
      alarm({ id: "high", priority: "high", raised_at: 2000 }),
    ];
    expect(sortAlarms(list).map((a) => a.id)).toEqual(["high", "high-acked", "med-new", "med-old", "low"]);
  });

  it("is a total order consistent with priority (property)", () => {
    const arb = fc.record({
      id: fc.string({ maxLength: 4 }),
      bed: fc.constantFrom("Bed-1", "Bed-2", "Bed-10"),
      priority: fc.constantFrom("high" as const, "medium" as const, "low" as const),
      state: fc.constantFrom("active" as const, "acknowledged" as const),
      raised_at: fc.integer({ min: 0, max: 10 }),
    });
    fc.assert(
      fc.property(fc.array(arb, { maxLength: 12 }), (raw) => {
        const sorted = sortAlarms(raw.map((r) => alarm(r)));
        for (let i = 1; i < sorted.length; i++) {
          const a = sorted[i - 1] as AlarmItemView;
          const b = sorted[i] as AlarmItemView;
          expect(compareAlarms(a, b)).toBeLessThanOrEqual(0);
          expect(priorityRank(a.priority)).toBeGreaterThanOrEqual(priorityRank(b.priority));
        }
        // Sorting twice, or from reversed input, gives the same order.
        expect(sortAlarms([...sorted].reverse())).toEqual(sorted);
      }),
    );
  });
});

describe("alarmLevel", () => {
  it("is the highest listed priority, and whether any alarm of it still waits", () => {
    expect(alarmLevel([])).toEqual({ priority: null, unacknowledged: false, technicalOnly: false });
    expect(
      alarmLevel([
        alarm({ priority: "medium", kind: "no_data", parameter: "device" }),
        alarm({ priority: "high", state: "acknowledged" }),
      ]),
    ).toEqual({ priority: "high", unacknowledged: false, technicalOnly: false });
    expect(alarmLevel([alarm({ priority: "low", kind: "finger_out", parameter: "device" })])).toEqual({
      priority: "low",
      unacknowledged: true,
      technicalOnly: true,
    });
  });
});
