import { describe, expect, it } from "vitest";
import { byParameter, PARAMETERS } from "../../core/api-types.js";
import { formatAge, formatTimeOfDay, formatValue, MISSING } from "./format.js";

const { hr, spo2, temp } = byParameter((p) => p);

describe("vital formatting", () => {
  it("rounds HR and SpO2 to whole numbers", () => {
    expect(formatValue(hr, 72.6)).toBe("73");
    expect(formatValue(spo2, 94.4)).toBe("94");
  });

  it("always shows one decimal for temperature", () => {
    expect(formatValue(temp, 36)).toBe("36.0");
    expect(formatValue(temp, 38.25)).toBe("38.3");
    expect(formatValue(temp, 35.94)).toBe("35.9");
  });

  it("shows a dash, never 0 or NaN, for missing or non-finite values", () => {
    for (const v of [null, undefined, Number.NaN, Number.POSITIVE_INFINITY]) {
      for (const p of PARAMETERS) expect(formatValue(p, v)).toBe(MISSING);
      expect(formatAge(v)).toBe(MISSING);
    }
  });
});

describe("formatAge", () => {
  it("uses seconds, then minutes, then hours, then days", () => {
    expect(formatAge(0)).toBe("0 s");
    expect(formatAge(4_999)).toBe("4 s");
    expect(formatAge(59_999)).toBe("59 s");
    expect(formatAge(60_000)).toBe("1 min");
    expect(formatAge(3_599_000)).toBe("59 min");
    expect(formatAge(3_600_000 + 5 * 60_000)).toBe("1 h 05 min");
    expect(formatAge(50 * 3_600_000)).toBe("2 d");
  });

  it("clamps a small negative age from clock skew to zero", () => {
    expect(formatAge(-800)).toBe("0 s");
  });
});

describe("formatTimeOfDay", () => {
  it("prints 24-hour time with seconds", () => {
    expect(formatTimeOfDay(Date.UTC(2026, 0, 2, 14, 3, 7), "UTC")).toBe("14:03:07");
  });
});
