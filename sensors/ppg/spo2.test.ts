import { describe, expect, it } from "vitest";
import { ratioOfRatios, SPO2_R_MAX, spo2FromRatio } from "./spo2.js";

describe("spo2FromRatio", () => {
  // Points from Maxim's MAXREFDES117# algorithm.h float table, where entry k is the curve at R = k/100
  // (as republished in github.com/aromring/MAX30102_by_RF, algorithm.h).
  it.each([
    [0.5, 98.757],
    [0.75, 92.26425],
    [1.0, 80.139],
    [1.5, 38.991],
  ])("R = %f gives %f %% like Maxim's table", (r, expected) => {
    expect(spo2FromRatio(r)).toBeCloseTo(expected, 3);
  });

  it("holds the curve's maximum below its vertex instead of falling again", () => {
    const top = spo2FromRatio(0.34) as number;
    expect(top).toBeGreaterThan(99.9);
    expect(spo2FromRatio(0.1)).toBeCloseTo(top, 1);
  });

  it("refuses ratios outside the curve's validity", () => {
    expect(spo2FromRatio(0.01)).toBeNull();
    expect(spo2FromRatio(SPO2_R_MAX)).toBeNull();
    expect(spo2FromRatio(Number.NaN)).toBeNull();
    expect(spo2FromRatio(Number.POSITIVE_INFINITY)).toBeNull();
  });
});

describe("ratioOfRatios", () => {
  it("is (AC_red/DC_red)/(AC_ir/DC_ir)", () => {
    expect(ratioOfRatios({ ac: 10, dc: 1000 }, { ac: 20, dc: 1000 })).toBeCloseTo(0.5, 12);
    expect(ratioOfRatios({ ac: 10, dc: 500 }, { ac: 20, dc: 1000 })).toBeCloseTo(1, 12);
  });

  it("is null without a usable DC or IR pulse", () => {
    expect(ratioOfRatios({ ac: 1, dc: 0 }, { ac: 1, dc: 1 })).toBeNull();
    expect(ratioOfRatios({ ac: 1, dc: 1 }, { ac: 0, dc: 1 })).toBeNull();
    expect(ratioOfRatios({ ac: 1, dc: -5 }, { ac: 1, dc: 1 })).toBeNull();
  });
});
