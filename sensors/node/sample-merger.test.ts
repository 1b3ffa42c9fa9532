import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { SensorSample } from "../sample.js";
import { SampleMerger } from "./sample-merger.js";

const T0 = 1_700_000_000_000;
const sample = (source: string, t: number, values: SensorSample["values"], flags: string[] = []) => ({
  source,
  t,
  values,
  flags,
});

describe("SampleMerger", () => {
  it("sends the latest fresh value per parameter from whichever driver has it", () => {
    const m = new SampleMerger({ staleAfterMs: 3000 });
    m.add(sample("max30102", T0, { hr: 70, spo2: 97 }));
    m.add(sample("max30205", T0 + 200, { temp: 36.9 }));
    m.add(sample("cms50", T0 + 500, { hr: 72, spo2: 96 }));
    expect(m.merge(T0 + 1000)).toEqual({ t: T0 + 1000, hr: 72, spo2: 96, temp: 36.9 });
    m.add(sample("max30102", T0 + 1500, { hr: 71 }));
    expect(m.merge(T0 + 2000)).toMatchObject({ hr: 71, spo2: 96, temp: 36.9 });
  });

  it("never sends a stale number as current", () => {
    const m = new SampleMerger({ staleAfterMs: 3000 });
    m.add(sample("max30205", T0, { temp: 37.1 }));
    expect(m.merge(T0 + 3000).temp).toBe(37.1);
    expect(m.merge(T0 + 3001).temp).toBeNull();
  });

  it("prefers a fresh number over a fresher null from another driver", () => {
    const m = new SampleMerger();
    m.add(sample("cms50", T0, { hr: 80, spo2: 95 }));
    m.add(sample("max30102", T0 + 100, { hr: null, spo2: null }, ["finger_out"]));
    const r = m.merge(T0 + 200);
    expect(r).toMatchObject({ hr: 80, spo2: 95, flags: ["finger_out"] });
    // With the only number gone stale, the null stands.
    m.add(sample("max30102", T0 + 4000, { hr: null, spo2: null }, ["finger_out"]));
    expect(m.merge(T0 + 4000)).toMatchObject({ hr: null, spo2: null });
  });

  it("passes the latest fresh flags of every driver through, and forgets cleared ones", () => {
    const m = new SampleMerger();
    m.add(sample("a", T0, { hr: null }, ["finger_out"]));
    m.add(sample("b", T0, { temp: 36 }, ["no_signal", "low_battery"]));
    expect(m.merge(T0 + 10).flags).toEqual(["finger_out", "low_battery", "no_signal"]);
    m.add(sample("a", T0 + 1000, { hr: 70 }));
    expect(m.merge(T0 + 1010).flags).toEqual(["low_battery", "no_signal"]);
    expect(m.merge(T0 + 3500).flags).toBeUndefined();
  });

  it("drops flags that are not protocol words and counts them", () => {
    const m = new SampleMerger();
    m.add(sample("a", T0, { hr: 60 }, ["Finger Out", "", "x".repeat(40), "artifact"]));
    expect(m.merge(T0).flags).toEqual(["artifact"]);
    expect(m.rejectedFlags).toBe(3);
  });

  it("reports sensor_off for a registered driver that stays silent, and clears it when it speaks", () => {
    const m = new SampleMerger({ silentAfterMs: 5000 });
    m.register("max30205", ["temp"], T0);
    expect(m.merge(T0 + 5000).flags).toBeUndefined();
    expect(m.merge(T0 + 5001)).toMatchObject({ temp: null, flags: ["sensor_off"] });
    m.add(sample("max30205", T0 + 6000, { temp: 36.5 }));
    expect(m.merge(T0 + 6500)).toEqual({ t: T0 + 6500, hr: null, spo2: null, temp: 36.5 });
    expect(m.merge(T0 + 11_001).flags).toEqual(["sensor_off"]);
  });

  it("turns non-finite values into null and carries optional parameters once seen", () => {
    const m = new SampleMerger();
    m.add(sample("a", T0, { hr: Number.NaN, rr: 14, battery: Number.POSITIVE_INFINITY }));
    expect(m.merge(T0)).toEqual({ t: T0, hr: null, spo2: null, temp: null, rr: 14, battery: null });
    expect(m.merge(T0 + 10_000)).toMatchObject({ rr: null, battery: null });
  });

  it("ignores a sample older than the driver's last one, and values from the future", () => {
    const m = new SampleMerger();
    m.add(sample("a", T0 + 1000, { hr: 70 }));
    m.add(sample("a", T0, { hr: 99 }));
    expect(m.merge(T0 + 1000).hr).toBe(70);
    const f = new SampleMerger();
    f.add(sample("a", T0 + 5000, { hr: 70 }));
    expect(f.merge(T0).hr).toBeNull();
  });

  it("never emits a value older than staleAfterMs, whatever the samples (property)", () => {
    const arb = fc.array(
      fc.record({
        source: fc.constantFrom("a", "b", "c"),
        dt: fc.integer({ min: 0, max: 2000 }),
        hr: fc.option(fc.integer({ min: 20, max: 250 })),
        flags: fc.array(fc.constantFrom("finger_out", "no_signal", "sensor_off", "BAD"), { maxLength: 2 }),
      }),
      { maxLength: 50 },
    );
    fc.assert(
      fc.property(arb, fc.integer({ min: 0, max: 10_000 }), (list, after) => {
        const m = new SampleMerger({ staleAfterMs: 3000 });
        let t = T0;
        // Model: each driver's latest say about hr; a later null from a driver withdraws its own number.
        const latest = new Map<string, { t: number; hr: number | null }>();
        for (const s of list) {
          t += s.dt;
          m.add(sample(s.source, t, { hr: s.hr }, s.flags));
          latest.set(s.source, { t, hr: s.hr });
        }
        const now = t + after;
        const r = m.merge(now);
        const fresh = [...latest.values()].filter((s) => s.t >= now - 3000 && s.hr !== null);
        if (fresh.length === 0) expect(r.hr).toBeNull();
        else expect(fresh.map((s) => s.hr)).toContain(r.hr);
        expect(r.flags ?? []).not.toContain("BAD");
      }),
    );
  });
});

describe("cuff measurements (NIBP)", () => {
  it("go out once, stamped with the measurement's time, and are left out of the frames after", () => {
    const m = new SampleMerger();
    m.register("cuff", ["sbp", "dbp", "map"], 0);
    m.add({ source: "ox", t: 9_500, values: { hr: 70, spo2: 97 }, flags: [] });
    m.add({ source: "cuff", t: 9_000, values: { sbp: 118, dbp: 76, map: 90 }, flags: ["nibp_motion"] });
    const first = m.merge(10_000);
    expect(first).toMatchObject({ t: 9_000, hr: 70, sbp: 118, dbp: 76, map: 90, flags: ["nibp_motion"] });
    const next = m.merge(11_000);
    expect(next).not.toHaveProperty("sbp");
    expect(next).not.toHaveProperty("map");
    expect(next.t).toBe(11_000);
  });
});
