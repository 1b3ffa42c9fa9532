import { describe, expect, it } from "vitest";
import type { Reading } from "../../core/reading.js";
import { parseConfig } from "../config.js";
import { OriginalPresetClassifier } from "./original-preset.js";

const classifier = new OriginalPresetClassifier(parseConfig({}).classification);
const reading = (hr: number | null, temp: number | null, spo2: number | null): Reading => ({
  node: "n",
  boot: "",
  seq: 1,
  bed: "B",
  patient: "P",
  ward: null,
  t: 0,
  receivedAt: 0,
  values: { hr, temp, spo2 },
  flags: [],
});

describe("original preset classification", () => {
  // The published design's dashboard table (HR / temperature / SpO2).
  it.each([
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
  ])("classifies %s (%i bpm, %f °C, %i %%) as %s, as the original did", (_p, hr, temp, spo2, status) => {
    expect(classifier.classify(reading(hr, temp, spo2)).status).toBe(status);
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
    expect(classifier.classify(r).status).toBe(status);
  });

  it("explains every violated rule", () => {
    const c = classifier.classify(reading(108, 39.2, 92));
    expect(c.reasons).toEqual(["SpO2 92 % < 95 %", "Temp 39.2 °C > 38 °C", "HR 108 bpm > 100 bpm"]);
  });

  it("classifies on the values present and is UNKNOWN with none", () => {
    expect(classifier.classify(reading(null, null, 90)).status).toBe("CRITICAL");
    expect(classifier.classify(reading(null, 37, null)).status).toBe("NORMAL");
    expect(classifier.classify(reading(null, null, null)).status).toBe("UNKNOWN");
  });

  it("uses configured thresholds", () => {
    const strict = new OriginalPresetClassifier(
      parseConfig({ classification: { spo2Below: 92 } }).classification,
    );
    expect(strict.classify(reading(80, 37, 93)).status).toBe("NORMAL");
    expect(strict.classify(reading(80, 37, 91)).status).toBe("CRITICAL");
  });
});
