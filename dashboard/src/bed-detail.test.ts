import { describe, expect, it } from "vitest";
import { observationFromForm } from "./bed-detail.js";

const empty = { rr: "", sbp: "", consciousness: "", oxygen: "", scale: "" };

describe("observationFromForm", () => {
  it("sends only what was entered, so earlier entries are not erased", () => {
    expect(observationFromForm({ ...empty, rr: "22" })).toEqual({ rr: 22 });
    expect(
      observationFromForm({ rr: " 18 ", sbp: "105", consciousness: "V", oxygen: "oxygen", scale: "2" }),
    ).toEqual({ rr: 18, sbp: 105, consciousness: "V", on_oxygen: true, spo2_scale: 2 });
    expect(observationFromForm({ ...empty, oxygen: "air", scale: "1" })).toEqual({
      on_oxygen: false,
      spo2_scale: 1,
    });
  });

  it("refuses numbers outside what the gateway accepts, and an empty form", () => {
    expect(observationFromForm({ ...empty, rr: "151" })).toMatch(/^RR must be/);
    expect(observationFromForm({ ...empty, rr: "abc" })).toMatch(/^RR must be/);
    expect(observationFromForm({ ...empty, sbp: "19" })).toMatch(/^Systolic BP must be/);
    expect(observationFromForm({ ...empty, consciousness: "X" })).toBe("Enter at least one observation");
    expect(observationFromForm(empty)).toBe("Enter at least one observation");
  });
});
