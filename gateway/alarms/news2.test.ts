import { describe, expect, it } from "vitest";
import {
  computeNews2,
  news2Band,
  scoreAirOrOxygen,
  scoreConsciousness,
  scorePulse,
  scoreRespirationRate,
  scoreSpo2Scale1,
  scoreSpo2Scale2,
  scoreSystolicBp,
  scoreTemperature,
} from "./news2.js";

/*
 * Expected scores are transcribed from Royal College of Physicians, "National Early Warning Score (NEWS) 2:
 * Standardising the assessment of acute-illness severity in the NHS", London: RCP, 2017 — Chart 1 "The NEWS
 * scoring system" (reproduced e.g. at https://radiopaedia.org/cases/news2-scoring-system-diagram-1 and
 * https://scribd.com/document/584338409/NEWS2-Chart-1-The-NEWS-scoring-system-0-0) and Chart 2 "NEWS
 * thresholds and triggers". Every row pair sits either side of a band edge of the chart.
 */

const rr: [number, number][] = [
  [0, 3],
  [8, 3],
  [9, 1],
  [11, 1],
  [12, 0],
  [20, 0],
  [21, 2],
  [24, 2],
  [25, 3],
  [60, 3],
];
const spo2Scale1: [number, number][] = [
  [50, 3],
  [91, 3],
  [92, 2],
  [93, 2],
  [94, 1],
  [95, 1],
  [96, 0],
  [100, 0],
];
// Scale 2: [spo2, on oxygen?, score]
const spo2Scale2: [number, boolean, number][] = [
  [70, false, 3],
  [83, false, 3],
  [84, false, 2],
  [85, false, 2],
  [86, false, 1],
  [87, false, 1],
  [88, false, 0],
  [92, false, 0],
  [93, false, 0],
  [100, false, 0],
  [88, true, 0],
  [92, true, 0],
  [93, true, 1],
  [94, true, 1],
  [95, true, 2],
  [96, true, 2],
  [97, true, 3],
  [100, true, 3],
  [83, true, 3],
  [84, true, 2],
  [87, true, 1],
];
const sbp: [number, number][] = [
  [50, 3],
  [90, 3],
  [91, 2],
  [100, 2],
  [101, 1],
  [110, 1],
  [111, 0],
  [219, 0],
  [220, 3],
  [280, 3],
];
const pulse: [number, number][] = [
  [20, 3],
  [40, 3],
  [41, 1],
  [50, 1],
  [51, 0],
  [90, 0],
  [91, 1],
  [110, 1],
  [111, 2],
  [130, 2],
  [131, 3],
  [200, 3],
];
const temperature: [number, number][] = [
  [33.0, 3],
  [35.0, 3],
  [35.1, 1],
  [36.0, 1],
  [36.1, 0],
  [38.0, 0],
  [38.1, 1],
  [39.0, 1],
  [39.1, 2],
  [41.0, 2],
];

describe("NEWS2 single-parameter scores at every band edge (RCP 2017 Chart 1)", () => {
  it.each(rr)("respiration rate %d/min scores %d", (v, s) => expect(scoreRespirationRate(v)).toBe(s));
  it.each(spo2Scale1)("SpO2 scale 1 %d %% scores %d", (v, s) => expect(scoreSpo2Scale1(v)).toBe(s));
  it.each(spo2Scale2)("SpO2 scale 2 %d %% (oxygen: %s) scores %d", (v, o2, s) =>
    expect(scoreSpo2Scale2(v, o2)).toBe(s),
  );
  it.each(sbp)("systolic BP %d mmHg scores %d", (v, s) => expect(scoreSystolicBp(v)).toBe(s));
  it.each(pulse)("pulse %d/min scores %d", (v, s) => expect(scorePulse(v)).toBe(s));
  it.each(temperature)("temperature %d °C scores %d", (v, s) => expect(scoreTemperature(v)).toBe(s));
  it("air scores 0, supplemental oxygen 2", () => {
    expect(scoreAirOrOxygen(false)).toBe(0);
    expect(scoreAirOrOxygen(true)).toBe(2);
  });
  it.each([
    ["A", 0],
    ["C", 3],
    ["V", 3],
    ["P", 3],
    ["U", 3],
  ] as const)("consciousness %s scores %d", (level, s) => expect(scoreConsciousness(level)).toBe(s));

  it("rounds sensor values to the chart's resolution before banding", () => {
    expect(scorePulse(90.4)).toBe(0);
    expect(scorePulse(90.5)).toBe(1);
    expect(scoreTemperature(38.04)).toBe(0);
    expect(scoreTemperature(38.05)).toBe(1);
    expect(scoreSpo2Scale1(95.6)).toBe(0);
  });
});

describe("NEWS2 aggregate and clinical risk (RCP 2017 Chart 2)", () => {
  it.each([
    [0, false, "none"],
    [1, false, "low"],
    [4, false, "low"],
    [3, true, "low-medium"],
    [4, true, "low-medium"],
    [5, false, "medium"],
    [5, true, "medium"],
    [6, true, "medium"],
    [7, false, "high"],
    [20, true, "high"],
  ] as const)("total %d (red score %s) is %s risk", (total, red, band) =>
    expect(news2Band(total, red)).toBe(band),
  );

  const allNormalManual = { rr: 16, sbp: 120, consciousness: "A", onOxygen: false } as const;

  it("a healthy adult with every parameter scores 0 and is complete", () => {
    const r = computeNews2({ hr: 70, spo2: 98, temp: 37 }, allNormalManual);
    expect(r).toMatchObject({ total: 0, band: "none", complete: true, missing: [], redScore: false });
    expect(r.parts.hr.source).toBe("measured");
    expect(r.parts.rr.source).toBe("entered");
    expect(r.parts.consciousness.source).toBe("entered");
  });

  it("one parameter scoring 3 is low-medium even though the total is small", () => {
    const r = computeNews2({ hr: 70, spo2: 98, temp: 37 }, { ...allNormalManual, consciousness: "C" });
    expect(r).toMatchObject({ total: 3, band: "low-medium", redScore: true });
  });

  it("adds scores: RR 22 (2) + SpO2 93 (2) + oxygen (2) + HR 115 (2) = 8, high", () => {
    const r = computeNews2(
      { hr: 115, spo2: 93, temp: 37, rr: 22 },
      { sbp: 120, consciousness: "A", onOxygen: true },
    );
    expect(r.total).toBe(8);
    expect(r.band).toBe("high");
    expect(r.parts.rr.source).toBe("measured");
  });

  it("reports missing parameters instead of scoring them 0", () => {
    const r = computeNews2({ hr: 70, spo2: 98, temp: null });
    expect(r.complete).toBe(false);
    expect(r.missing).toEqual(["rr", "air_or_oxygen", "sbp", "consciousness", "temp"]);
    expect(r.parts.temp).toEqual({ value: null, score: null, source: "missing" });
  });

  it("measured values win over manual entries for the same parameter", () => {
    const r = computeNews2({ hr: 120 }, { hr: 70 });
    expect(r.parts.hr).toEqual({ value: 120, score: 2, source: "measured" });
  });

  it("scale 2 above 92 % needs to know about oxygen; below it does not", () => {
    const unknown = computeNews2({ spo2: 95 }, { spo2Scale: 2 });
    expect(unknown.parts.spo2.source).toBe("missing");
    expect(computeNews2({ spo2: 95 }, { spo2Scale: 2, onOxygen: true }).parts.spo2.score).toBe(2);
    expect(computeNews2({ spo2: 95 }, { spo2Scale: 2, onOxygen: false }).parts.spo2.score).toBe(0);
    expect(computeNews2({ spo2: 85 }, { spo2Scale: 2 }).parts.spo2.score).toBe(2);
    expect(computeNews2({ spo2: 90 }, { spo2Scale: 2 }).scale).toBe(2);
  });
});

describe("NEWS2 respiration rate derived from the PPG", () => {
  it('marks a measured rr the node derived from the PPG (from: "ppg"), scored like any rr', () => {
    const r = computeNews2({ rr: 22, rrSource: "ppg" });
    expect(r.parts.rr).toEqual({ value: 22, score: 2, source: "measured", from: "ppg" });
  });

  it("a directly measured or a manually entered rr carries no from", () => {
    expect(computeNews2({ rr: 22 }).parts.rr).toEqual({ value: 22, score: 2, source: "measured" });
    expect(computeNews2({ rrSource: "ppg" }, { rr: 15 }).parts.rr).toEqual({
      value: 15,
      score: 0,
      source: "entered",
    });
  });
});
