import { describe, expect, it } from "vitest";
import type { Reading } from "../../core/reading.js";
import type { AlarmConfigInput } from "../alarms/alarm-config.js";
import { AlarmEngine } from "../alarms/alarm-engine.js";

/**
 * The original design's rule is the alarm engine's factory profile "original": its classification is
 * the bed status the engine derives, judged reading by reading.
 */
let t = 1_700_000_000_000;
const reading = (hr: number | null, temp: number | null, spo2: number | null): Reading => ({
  node: "n",
  boot: "",
  seq: 1,
  bed: "B",
  patient: "P",
  ward: null,
  t,
  receivedAt: t,
  values: { hr, temp, spo2 },
  flags: [],
});

function engine(config: AlarmConfigInput = { defaultProfile: "original" }) {
  const e = new AlarmEngine({ clock: { now: () => t }, config });
  return {
    engine: e,
    classify(r: Reading) {
      t += 1000;
      r.t = r.receivedAt = t;
      e.ingest(r);
      return e.classify("B", t);
    },
  };
}
const classify = (r: Reading) => engine().classify(r);

// The published design's dashboard table (HR / temperature / SpO2).
const TABLE = [
  ["P7", 108, 39.2, 96, "CRITICAL"],
  ["P6", 56, 37.9, 99, "CRITICAL"],
  ["P8", 51, 38.5, 96, "CRITICAL"],
  ["P18", 56, 38.9, 98, "CRITICAL"],
  ["P4", 81, 38.1, 92, "CRITICAL"],
  ["P9", 108, 37.9, 92, "CRITICAL"],
  ["P5", 112, 36.6, 88, "CRITICAL"],
  ["P10", 66, 37.1, 100, "NORMAL"],
  ["P16", 73, 37.8, 96, "NORMAL"],
  ["P19", 97, 36.2, 95, "NORMAL"],
] as const;

describe("original preset classification, as the engine's derived status", () => {
  it.each(TABLE)(
    "classifies %s (%i bpm, %f °C, %i %%) as %s, as the original did",
    (_p, hr, temp, spo2, status) => {
      expect(classify(reading(hr, temp, spo2)).status).toBe(status);
    },
  );

  it("classifies every row identically when one bed goes through the whole table (no memory)", () => {
    const one = engine();
    for (const rows of [TABLE, [...TABLE].reverse()])
      for (const [, hr, temp, spo2, status] of rows)
        expect(one.classify(reading(hr, temp, spo2)).status).toBe(status);
  });

  // Boundaries: the threshold values themselves are NORMAL; one step beyond is CRITICAL.
  it.each([
    ["SpO2 95 is normal", reading(80, 37, 95), "NORMAL"],
    ["SpO2 94.9 is critical", reading(80, 37, 94.9), "CRITICAL"],
    ["SpO2 94 is critical", reading(80, 37, 94), "CRITICAL"],
    ["temp 38.0 is normal", reading(80, 38.0, 98), "NORMAL"],
    ["temp 38.1 is critical", reading(80, 38.1, 98), "CRITICAL"],
    ["temp 38.01 is critical", reading(80, 38.01, 98), "CRITICAL"],
    ["HR 60 is normal", reading(60, 37, 98), "NORMAL"],
    ["HR 59 is critical", reading(59, 37, 98), "CRITICAL"],
    ["HR 100 is normal", reading(100, 37, 98), "NORMAL"],
    ["HR 101 is critical", reading(101, 37, 98), "CRITICAL"],
    ["HR 100.5 is critical", reading(100.5, 37, 98), "CRITICAL"],
  ])("%s", (_name, r, status) => {
    expect(classify(r).status).toBe(status);
  });

  it("explains every violated rule, and the alarms are medium priority, raised at once", () => {
    const e = engine();
    const c = e.classify(reading(108, 39.2, 92));
    expect(c.reasons).toEqual(["HR 108 bpm > 100 bpm", "SpO2 92 % < 95 %", "Temp 39.2 °C > 38 °C"]);
    expect(e.engine.activeAlarms().map((a) => [a.parameter, a.priority, a.raisedAt - a.since])).toEqual([
      ["hr", "medium", 0],
      ["spo2", "medium", 0],
      ["temp", "medium", 0],
    ]);
  });

  it("ends a condition on the first reading back inside, with no hysteresis and no latching", () => {
    const e = engine();
    expect(e.classify(reading(80, 37, 94)).status).toBe("CRITICAL");
    expect(e.classify(reading(80, 37, 95)).status).toBe("NORMAL");
    expect(e.engine.activeAlarms()).toEqual([]);
  });

  it("classifies on the values present and is UNKNOWN with none", () => {
    expect(classify(reading(null, null, 90)).status).toBe("CRITICAL");
    expect(classify(reading(null, 37, null)).status).toBe("NORMAL");
    expect(classify(reading(null, null, null)).status).toBe("UNKNOWN");
    // Judged reading by reading: a value a reading lacks does not keep the previous one's alarm.
    const e = engine();
    expect(e.classify(reading(80, 37, 90)).status).toBe("CRITICAL");
    expect(e.classify(reading(80, 37, null)).status).toBe("NORMAL");
  });

  it("uses configured thresholds", () => {
    const strict = engine({
      defaultProfile: "original",
      profiles: { original: { spo2: { low: 92, high: null, criticalLow: null, criticalHigh: null } } },
    });
    expect(strict.classify(reading(80, 37, 93)).status).toBe("NORMAL");
    expect(strict.classify(reading(80, 37, 91)).status).toBe("CRITICAL");
  });
});
