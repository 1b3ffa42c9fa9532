import { describe, expect, it } from "vitest";
import type { OximeterReading } from "./oximeter-frame.js";
import { SampleSummarizer } from "./sample-summarizer.js";

const reading = (
  hr: number | null,
  spo2: number | null,
  flags: OximeterReading["flags"] = [],
): OximeterReading => ({
  kind: "reading",
  hr,
  spo2,
  pi: null,
  flags,
});

describe("SampleSummarizer", () => {
  it("reports the latest values and every flag seen in the interval", () => {
    const s = new SampleSummarizer("cms50", 3000, 0);
    s.add(reading(70, 97), 100);
    s.add(reading(71, 97, ["artifact"]), 500);
    s.add(reading(72, 96), 900);
    expect(s.summarize(1000)).toEqual({
      source: "cms50",
      t: 1000,
      values: { hr: 72, spo2: 96, pi: null },
      flags: ["artifact"],
    });
  });

  it("does not let the last good value linger once the device reports none (finger out)", () => {
    const s = new SampleSummarizer("cms50", 3000, 0);
    s.add(reading(72, 96), 100);
    s.add(reading(null, null, ["finger_out"]), 600);
    expect(s.summarize(1000)?.values).toEqual({ hr: null, spo2: null, pi: null });
    expect(s.summarize(1000)).toBeNull(); // nothing new, not stale yet
  });

  it("reports sensor_off with no values once readings stop for staleAfterMs", () => {
    const s = new SampleSummarizer("nonin", 3000, 0);
    s.add(reading(60, 98), 500);
    expect(s.summarize(1000)).not.toBeNull();
    expect(s.summarize(2000)).toBeNull();
    expect(s.summarize(3600)).toEqual({
      source: "nonin",
      t: 3600,
      values: { hr: null, spo2: null, pi: null },
      flags: ["sensor_off"],
    });
  });
});
