import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { downsampleByMinute } from "./reading-trend.js";

describe("per-minute trend", () => {
  it("gives min, median and max per minute and leaves empty minutes out", () => {
    const t0 = 1_700_000_040_000; // a whole minute
    const b = downsampleByMinute([
      { at: t0, hr: 70, spo2: 98 },
      { at: t0 + 10_000, hr: 90, spo2: null },
      { at: t0 + 20_000, hr: 80 },
      { at: t0 + 59_999, hr: 100, temp: 37.1 },
      { at: t0 + 180_000, hr: 60 },
      { at: t0 + 190_000, hr: null },
    ]);
    expect(b).toEqual([
      {
        t: t0,
        n: 4,
        hr: { min: 70, median: 85, max: 100 },
        spo2: { min: 98, median: 98, max: 98 },
        temp: { min: 37.1, median: 37.1, max: 37.1 },
      },
      { t: t0 + 180_000, n: 1, hr: { min: 60, median: 60, max: 60 } },
    ]);
  });

  it("min ≤ median ≤ max, one bucket per minute with data, in order", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            dt: fc.integer({ min: 0, max: 90_000 }),
            hr: fc.option(fc.integer({ min: 20, max: 250 })),
          }),
          {
            maxLength: 300,
          },
        ),
        (steps) => {
          let at = 1_700_000_000_000;
          const rows = steps.map((s) => {
            at += s.dt;
            return { at, hr: s.hr };
          });
          const buckets = downsampleByMinute(rows);
          const minutes = new Set(rows.filter((r) => r.hr !== null).map((r) => Math.floor(r.at / 60_000)));
          expect(buckets.map((b) => b.t / 60_000)).toEqual([...minutes]);
          for (const b of buckets) {
            const hr = b.hr as { min: number; median: number; max: number };
            expect(hr.min).toBeLessThanOrEqual(hr.median);
            expect(hr.median).toBeLessThanOrEqual(hr.max);
          }
        },
      ),
    );
  });
});
