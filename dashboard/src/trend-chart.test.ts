import { describe, expect, it } from "vitest";
import { axisTime, trendColumns, trendSeries } from "./trend-chart.js";

describe("trend chart", () => {
  it("labels the time axis on a 24-hour clock, with the weekday beyond a day", () => {
    const t = Date.UTC(2026, 0, 6, 15, 7); // a Tuesday
    expect(axisTime(t, 3_600_000, "en-US", "UTC")).toBe("15:07");
    expect(axisTime(t, 72 * 3_600_000, "en-US", "UTC")).toBe("Tue 15:07");
    expect(axisTime(t, 3_600_000, "de-DE", "UTC")).toBe("15:07");
  });

  it("turns buckets into median/min/max columns with gaps as null, and one band per parameter", () => {
    const cols = trendColumns([
      { t: 60_000, n: 2, hr: { min: 60, median: 65, max: 70 } },
      { t: 120_000, n: 1, spo2: { min: 97, median: 97, max: 97 } },
    ]);
    expect(cols[0]).toEqual([60, 120]);
    expect(cols.slice(1, 4)).toEqual([
      [65, null],
      [60, null],
      [70, null],
    ]);
    expect(cols[4]).toEqual([null, 97]);
    const { series, bands } = trendSeries();
    expect(series).toHaveLength(cols.length);
    expect(bands.map((b) => b.series)).toEqual([
      [3, 2],
      [6, 5],
      [9, 8],
    ]);
  });
});
