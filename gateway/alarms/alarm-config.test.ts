import { describe, expect, it } from "vitest";
import type { ZodError } from "zod";
import { alarmConfigSchema, DEFAULT_PROFILES, parseAlarmConfig, resolveProfile } from "./alarm-config.js";
import { ALARM_PARAMETERS } from "./types.js";

describe("alarm config", () => {
  it("fills every default from an empty section", () => {
    const c = parseAlarmConfig();
    expect(c.defaultProfile).toBe("adult");
    expect(c.delayMs).toEqual({ hr: 5_000, spo2: 10_000, temp: 10_000, rr: 10_000, sbp: 0, map: 0 });
    expect(c.escalationMs).toEqual({ high: 30_000, medium: 120_000, low: null });
    expect(c.pauseMs).toBe(120_000);
    expect(c.latching).toEqual(["high"]);
  });

  it("keeps defaults for parameters a partial override leaves out", () => {
    const c = parseAlarmConfig({ delayMs: { spo2: 15_000 }, hysteresis: { hr: 5 } });
    expect(c.delayMs.spo2).toBe(15_000);
    expect(c.delayMs.hr).toBe(5_000);
    expect(c.hysteresis).toMatchObject({ hr: 5, spo2: 1 });
  });

  it("reports every problem at once", () => {
    const r = alarmConfigSchema.safeParse({
      delayMs: { spo2: 31_000 },
      pauseMs: -1,
      technical: { no_data: "urgent" },
      profiles: { x: { hr: { low: 100, high: 90, criticalLow: null, criticalHigh: null } } },
      surprise: true,
    });
    expect(r.success).toBe(false);
    const paths = (r.error as ZodError).issues.map((i) => i.path.join(".") || i.code);
    expect(paths).toEqual(
      expect.arrayContaining([
        "delayMs.spo2",
        "pauseMs",
        "technical.no_data",
        "profiles.x.hr",
        "unrecognized_keys",
      ]),
    );
  });

  it("factory profiles are internally consistent", () => {
    for (const [name, profile] of Object.entries(DEFAULT_PROFILES)) {
      for (const p of ALARM_PARAMETERS) {
        expect(() => alarmConfigSchema.parse({ profiles: { [name]: { [p]: profile[p] } } })).not.toThrow();
      }
    }
  });

  it("a custom profile inherits unlisted parameters from adult; unknown profiles resolve to undefined", () => {
    const c = parseAlarmConfig({
      profiles: { icu: { hr: { low: 45, high: 130, criticalLow: 35, criticalHigh: 160 } } },
    });
    const icu = resolveProfile(c, "icu");
    expect(icu?.hr.low).toBe(45);
    expect(icu?.spo2).toEqual(DEFAULT_PROFILES.adult?.spo2);
    expect(resolveProfile(c, "nope")).toBeUndefined();
  });
});
