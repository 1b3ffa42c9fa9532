import { describe, expect, it } from "vitest";
import { limitsChange } from "./limits-panel.js";

const current = {
  profile: "adult",
  limits: {
    hr: { critical_low: 40, low: 50, high: 120, critical_high: 150 },
    spo2: { critical_low: 85, low: 90, high: null, critical_high: null },
  },
  delay_ms: { hr: 5_000, spo2: 10_000 },
};
const form = (over: { hr?: Partial<Record<string, string>>; delay?: string; profile?: string } = {}) => ({
  profile: over.profile ?? "adult",
  limits: {
    hr: { critical_low: "40", low: "50", high: "120", critical_high: "150", ...over.hr },
    spo2: { critical_low: "85", low: "90", high: "", critical_high: "" },
  },
  delayS: { hr: over.delay ?? "5", spo2: "10" },
});

describe("limits form", () => {
  it("sends only what changed; an empty field switches a limit off", () => {
    expect(limitsChange(current, form({ hr: { high: "130", critical_high: "" }, delay: "0" }))).toEqual({
      limits: { hr: { high: 130, critical_high: null } },
      delay_ms: { hr: 0 },
    });
  });
  it("a profile switch is sent alone (it drops personal overrides)", () => {
    expect(limitsChange(current, form({ profile: "original", hr: { high: "130" } }))).toEqual({
      profile: "original",
    });
  });
  it("says what is wrong, or that nothing changed", () => {
    expect(limitsChange(current, form())).toBe("Nothing changed");
    expect(limitsChange(current, form({ hr: { low: "fifty" } }))).toMatch(/HR low must be a number/);
    expect(limitsChange(current, form({ delay: "31" }))).toMatch(/0–30 s/);
  });
});
