import { describe, expect, it } from "vitest";
import { type AlarmItemView, type BedView, byParameter, type ReadingView } from "../../core/api-types.js";
import { STALE_AFTER_MS } from "./freshness.js";
import { toTileModel, vitalsNamedIn } from "./tile-model.js";

const now = 1_800_000_000_000;

function reading(over: Partial<ReadingView>): ReadingView {
  return {
    node: "n1",
    seq: 1,
    bed: "Bed-3",
    patient: "P-003",
    ward: "ICU",
    t: now - 1000,
    received_at: now - 1000,
    ...byParameter(() => null),
    hr: 72,
    spo2: 98,
    temp: 36.8,
    flags: [],
    status: "NORMAL",
    reasons: [],
    ...over,
  };
}

function bed(r: ReadingView | null, over: Partial<BedView> = {}): BedView {
  return {
    bed: "Bed-3",
    ward: "ICU",
    patient: "P-003",
    node: "n1",
    connected: true,
    status: r?.status ?? "UNKNOWN",
    reasons: r?.reasons ?? [],
    last_reading: r,
    last_reading_at: r?.received_at ?? null,
    alarm: null,
    news2: null,
    stay: null,
    ...over,
  };
}

describe("toTileModel", () => {
  it("formats a current normal reading with no badge and no highlight", () => {
    const m = toTileModel(bed(reading({})), now);
    expect(m.values).toEqual({ hr: "72", spo2: "98", temp: "36.8" });
    expect(m.freshness).toBe("live");
    expect(m.freshnessLabel).toBeNull();
    expect(m.outOfRange).toEqual({ hr: false, spo2: false, temp: false });
    expect(m.age).toBe("1 s");
    expect(m.ariaLabel).toContain(
      "heart rate 72 beats per minute, SpO2 98 percent, temperature 36.8 degrees, last reading 1 s ago",
    );
  });

  it("lists reasons and highlights only the values they name for a CRITICAL bed", () => {
    const reasons = ["SpO2 88 % < 95 %", "Temp 39.2 °C > 38.0 °C"];
    const m = toTileModel(bed(reading({ spo2: 88, temp: 39.2, status: "CRITICAL", reasons })), now);
    expect(m.status).toBe("CRITICAL");
    expect(m.reasons).toEqual(reasons);
    expect(m.outOfRange).toEqual({ hr: false, spo2: true, temp: true });
    expect(m.ariaLabel).toContain("CRITICAL: SpO2 88 % < 95 %");
  });

  it("labels old data STALE and a disconnected bed OFFLINE, keeping the last values visible", () => {
    const old = reading({ received_at: now - STALE_AFTER_MS - 500 });
    expect(toTileModel(bed(old), now).freshnessLabel).toBe("STALE");
    const off = toTileModel(bed(reading({}), { connected: false }), now);
    expect(off.freshnessLabel).toBe("OFFLINE");
    expect(off.values.hr).toBe("72");
  });

  it("shows dashes and NO DATA for a connected bed without readings", () => {
    const m = toTileModel(bed(null), now);
    expect(m.values).toEqual({ hr: "—", spo2: "—", temp: "—" });
    expect(m.freshnessLabel).toBe("NO DATA");
    expect(m.age).toBe("—");
    expect(m.patient).toBe("P-003");
  });
});

describe("toTileModel with the alarm engine", () => {
  const summary = (over: Partial<NonNullable<BedView["alarm"]>> = {}): NonNullable<BedView["alarm"]> => ({
    profile: "adult",
    audible: null,
    paused_until: null,
    alarms: [],
    stale: { hr: false, spo2: false, temp: false, rr: true, sbp: true },
    ...over,
  });
  const item = (over: Partial<AlarmItemView>): AlarmItemView => ({
    id: "x",
    bed: "Bed-3",
    patient: "P-003",
    kind: "physiological",
    parameter: "spo2",
    priority: "high",
    state: "active",
    latched: false,
    value: 80,
    since: now - 2000,
    raised_at: now - 2000,
    acknowledged_by: null,
    acknowledged_at: null,
    escalated: false,
    limit: null,
    group: null,
    ...over,
  });

  it("marks a parameter the engine calls stale as not live, even on a live bed", () => {
    const m = toTileModel(
      bed(reading({ spo2: 97 }), { alarm: summary({ stale: { hr: false, spo2: true, temp: false } }) }),
      now,
    );
    expect(m.freshness).toBe("live");
    expect(m.staleVitals).toEqual({ hr: false, spo2: true, temp: false });
    expect(m.ariaLabel).toContain("SpO2 not live");
    expect(m.ariaLabel).not.toContain("SpO2 97");
  });

  it("treats every number of a bed that is not live as stale", () => {
    const m = toTileModel(bed(reading({}), { connected: false, alarm: null }), now);
    expect(m.staleVitals).toEqual({ hr: true, spo2: true, temp: true });
  });

  it("turns alarms into chips with markers, and lists the ones still to acknowledge", () => {
    const m = toTileModel(
      bed(reading({ spo2: 80 }), {
        alarm: summary({
          alarms: [
            item({ id: "a", priority: "high" }),
            item({
              id: "b",
              priority: "low",
              kind: "finger_out",
              parameter: "device",
              state: "acknowledged",
            }),
          ],
        }),
      }),
      now,
    );
    expect(m.alarm).toEqual({ priority: "high", unacknowledged: true, technicalOnly: false });
    expect(m.chips.map((c) => [c.marker, c.text, c.technical, c.acknowledged])).toEqual([
      ["!!!", "SpO₂ 80 %", false, false],
      ["!", "TECHNICAL: finger out", true, true],
    ]);
    expect(m.unacknowledgedIds).toEqual(["a"]);
    expect(m.ariaLabel).toContain("high priority alarm SpO₂ 80 %");
  });

  it("shows the audio pause countdown only while it runs", () => {
    expect(
      toTileModel(bed(reading({}), { alarm: summary({ paused_until: now + 90_500 }) }), now).pauseLeft,
    ).toBe("1:31");
    expect(
      toTileModel(bed(reading({}), { alarm: summary({ paused_until: now - 1 }) }), now).pauseLeft,
    ).toBeNull();
    expect(toTileModel(bed(reading({}), { alarm: null }), now).alarm).toBeNull();
  });
});

describe("vitalsNamedIn", () => {
  it("recognises the parameter each reason starts with", () => {
    expect(vitalsNamedIn(["HR 150 bpm > 120 bpm"])).toEqual({ hr: true, spo2: false, temp: false });
    expect(vitalsNamedIn(["Heart rate 30 < 40"])).toEqual({ hr: true, spo2: false, temp: false });
    expect(vitalsNamedIn(["spo2 80 % < 95 %", "Temperature 34.0 °C < 35.0 °C"])).toEqual({
      hr: false,
      spo2: true,
      temp: true,
    });
  });

  it("ignores reasons about parameters the tile does not show", () => {
    expect(vitalsNamedIn(["RR 35 /min > 30 /min", "probe_error"])).toEqual({
      hr: false,
      spo2: false,
      temp: false,
    });
  });
});

describe("toTileModel for a bed on standby", () => {
  it("says standby and for how long instead of a status", () => {
    const stay = {
      id: 1,
      patient_id: "P-1",
      name: null,
      mrn: null,
      dob: null,
      profile: null,
      bed: "Bed-1",
      state: "standby" as const,
      standby_since: now - 12 * 60_000,
      admitted_at: 0,
      admitted_by: "kim",
      discharged_at: null,
      discharged_by: null,
      beds: [],
    };
    const m = toTileModel(bed(reading({}), { status: "UNKNOWN", stay }), now);
    expect(m).toMatchObject({ statusText: "STANDBY", standby: "standby 12 min" });
    expect(m.ariaLabel).toContain("standby 12 min");
    expect(toTileModel(bed(reading({})), now).standby).toBeNull();
  });
});
