import { describe, expect, it } from "vitest";
import { isVitalsError } from "../../core/errors.js";
import { harness, reading } from "../../test/alarms/harness.js";
import { FakeTime } from "../../test/support/fake-time.js";
import { AlarmEngine } from "./alarm-engine.js";

const NORMAL = { hr: 80, spo2: 97, temp: 37 };

describe("technical alarms and stale values", () => {
  it("raises no_data when the node is silent longer than two heartbeats, and marks every value stale", () => {
    const h = harness();
    h.engine.heartbeat("b1", 1_000);
    h.feed(NORMAL);
    expect(h.engine.state("b1")?.stale).toEqual({
      hr: false,
      spo2: false,
      temp: false,
      rr: true,
      sbp: true,
      map: true,
    });
    h.wait(2_000);
    expect(h.of("raised")).toHaveLength(0);
    h.wait(1);
    expect(h.of("raised")).toMatchObject([{ kind: "no_data", parameter: "device", priority: "medium" }]);
    expect(Object.values(h.engine.state("b1")?.stale ?? {})).toEqual([true, true, true, true, true, true]);
    h.feed(NORMAL);
    expect(h.of("cleared")).toMatchObject([{ kind: "no_data" }]);
  });

  it("a violation the data went stale during is dropped, not raised later", () => {
    const h = harness({ delayMs: { spo2: 10_000 } });
    h.engine.heartbeat("b1", 1_000);
    h.feed({ ...NORMAL, spo2: 88 });
    h.wait(20_000);
    expect(h.of("raised").map((e) => e.kind)).toEqual(["no_data"]);
  });

  it("disconnect raises a technical alarm and blanks the values; reconnect clears it", () => {
    const h = harness();
    h.feed(NORMAL);
    h.engine.nodeDisconnected("b1", "someone-else", h.time.now());
    expect(h.of("raised")).toHaveLength(0);
    h.engine.nodeDisconnected("b1", "node-b1", h.time.now());
    expect(h.of("raised")).toMatchObject([{ kind: "disconnected" }]);
    expect(h.engine.state("b1")?.stale.hr).toBe(true);
    h.wait(60_000);
    expect(h.of("raised").map((e) => e.kind)).toEqual(["disconnected"]);
    h.engine.nodeConnected("b1", "node-b1", h.time.now());
    expect(h.of("cleared")).toMatchObject([{ kind: "disconnected" }]);
  });

  it("finger_out raises its own alarm and blanks HR and SpO2 but not temperature", () => {
    const h = harness();
    h.feed(NORMAL);
    h.feed({ hr: null, spo2: null, temp: 37 }, ["finger_out"]);
    expect(h.of("raised")).toMatchObject([{ kind: "finger_out", priority: "low" }]);
    expect(h.engine.state("b1")?.stale).toMatchObject({ hr: true, spo2: true, temp: false });
    h.feed(NORMAL);
    expect(h.of("cleared")).toMatchObject([{ kind: "finger_out" }]);
    expect(h.engine.state("b1")?.stale).toMatchObject({ hr: false, spo2: false });
  });

  it("values under a sensor_off flag are never judged, even if the node sends numbers", () => {
    const h = harness({ delayMs: { spo2: 0 } });
    h.feed({ ...NORMAL, spo2: 40 }, ["sensor_off"]);
    expect(h.of("raised").map((e) => e.kind)).toEqual(["sensor_off"]);
  });

  it("an implausible value raises an alarm on its parameter and makes it stale until a valid one", () => {
    const h = harness();
    h.feed(NORMAL);
    h.engine.rejected("b1", "hr", 999, "out of range", h.time.now());
    expect(h.of("raised")).toMatchObject([{ kind: "implausible", parameter: "hr", value: 999 }]);
    expect(h.engine.state("b1")?.stale.hr).toBe(true);
    h.feed(NORMAL);
    expect(h.of("cleared")).toMatchObject([{ kind: "implausible", parameter: "hr" }]);
  });

  it("low battery from the value or the flag", () => {
    const h = harness();
    h.feed({ ...NORMAL, battery: 15 });
    expect(h.of("raised")).toMatchObject([{ kind: "low_battery", value: 15 }]);
    h.feed({ ...NORMAL, battery: 80 });
    h.feed(NORMAL, ["low_battery"]);
    expect(h.of("raised")).toHaveLength(2);
  });

  it("a cuff pressure stays current between measurements; an explicit null is stale at once", () => {
    const h = harness();
    h.feed({ ...NORMAL, sbp: 120 });
    h.wait(60_000);
    h.feed(NORMAL);
    expect(h.engine.state("b1")?.stale).toMatchObject({ sbp: false, hr: false });
    h.feed({ ...NORMAL, hr: null });
    expect(h.engine.state("b1")?.stale.hr).toBe(true);
  });
});

describe("limits per patient", () => {
  it("returns one audit entry per changed field and emits it", () => {
    const h = harness();
    h.feed(NORMAL);
    const audit = h.engine.setLimits(
      "b1",
      "p-1",
      { limits: { hr: { low: 45 } }, delayMs: { spo2: 15_000 } },
      "dr-a",
      h.time.now(),
    );
    expect(audit).toEqual([
      {
        type: "limits_changed",
        at: h.time.now(),
        bed: "b1",
        patient: "p-1",
        user: "dr-a",
        parameter: "hr",
        field: "low",
        from: 50,
        to: 45,
      },
      {
        type: "limits_changed",
        at: h.time.now(),
        bed: "b1",
        patient: "p-1",
        user: "dr-a",
        parameter: "spo2",
        field: "delayMs",
        from: 10_000,
        to: 15_000,
      },
    ]);
    expect(h.of("limits_changed")).toEqual(audit);
  });

  it("rejects inconsistent limits and changes nothing", () => {
    const h = harness();
    const bad = () => h.engine.setLimits("b1", null, { limits: { hr: { low: 130 } } }, "x", h.time.now());
    expect(bad).toThrow(/hr/);
    try {
      bad();
    } catch (e) {
      expect(isVitalsError(e, "config.invalid")).toBe(true);
    }
    expect(() => h.engine.setLimits("b1", null, { delayMs: { hr: 31_000 } }, "x")).toThrow(/delay/);
    expect(() => h.engine.setLimits("b1", null, { profile: "martian" }, "x")).toThrow(/profile/);
    expect(h.of("limits_changed")).toHaveLength(0);
  });

  it("re-judges the held value: a neonatal profile makes HR 95 an alarm, widening a limit clears it", () => {
    const h = harness({ delayMs: { hr: 0 } });
    h.feed({ ...NORMAL, hr: 95 });
    h.engine.setLimits("b1", "baby", { profile: "neonatal" }, "nurse", h.time.now());
    expect(h.of("limits_changed")[0]).toMatchObject({ field: "profile", from: "adult", to: "neonatal" });
    expect(h.of("raised")).toMatchObject([{ parameter: "hr", priority: "medium", limit: 100 }]);
    h.engine.setLimits("b1", "baby", { limits: { hr: { low: 90 } } }, "nurse", h.time.now());
    expect(h.of("cleared")).toMatchObject([{ parameter: "hr" }]);
  });
});

describe("listener isolation", () => {
  it("a throwing listener neither stops the engine nor loses later events", () => {
    const seen: string[] = [];
    const errors: unknown[] = [];
    const engine = new AlarmEngine({
      time: new FakeTime(0),
      onEvent: (e) => {
        seen.push(e.type);
        throw new Error("listener bug");
      },
      onListenerError: (err) => errors.push(err),
    });
    engine.ingest({
      node: "n",
      boot: "",
      seq: 1,
      bed: "b",
      patient: null,
      ward: null,
      t: 0,
      receivedAt: 0,
      values: { spo2: 70 },
      flags: [],
    });
    engine.ingest({
      node: "n",
      boot: "",
      seq: 2,
      bed: "b",
      patient: null,
      ward: null,
      t: 0,
      receivedAt: 1,
      values: { hr: 20 },
      flags: [],
    });
    expect(seen).toEqual(["raised", "raised"]);
    expect(errors).toHaveLength(2);
    expect(engine.state("b")?.alarms).toHaveLength(2);
  });
});

describe("bed reset", () => {
  it("a reading naming another patient raises 'patient mismatch' and keeps the bed's alarms and limits", () => {
    const h = harness();
    h.feed({ ...NORMAL, spo2: 80 });
    h.engine.setLimits("b1", "p-1", { limits: { hr: { low: 45 } } }, "dr", h.time.now());
    h.wait(1_000);
    const other = (patient: string) =>
      h.engine.ingest({
        node: "n",
        boot: "",
        seq: 1,
        bed: "b1",
        patient,
        ward: null,
        t: 0,
        receivedAt: h.time.now(),
        values: NORMAL,
        flags: [],
      });
    other("p-2");
    expect(h.of("cleared")).toEqual([]);
    const state = h.engine.state("b1");
    expect(state?.patient).toBe("p-1");
    expect(state?.alarms.map((a) => [a.kind, a.priority])).toEqual([
      ["physiological", "high"],
      ["patient_mismatch", "medium"],
    ]);
    expect(h.engine.limits("b1").limits.hr.low).toBe(45);
    // The right patient again: the mismatch ends by itself.
    other("p-1");
    expect(h.engine.state("b1")?.alarms.map((a) => a.kind)).toEqual(["physiological"]);
  });

  it("resetBed (discharge) clears the old alarms with its reason, and the next patient starts afresh", () => {
    const h = harness();
    h.feed({ ...NORMAL, spo2: 80 });
    h.engine.setLimits("b1", "p-1", { limits: { hr: { low: 45 } } }, "dr", h.time.now());
    h.engine.resetBed("b1", "nurse", h.time.now(), "discharged");
    expect(h.of("cleared")).toMatchObject([
      { patient: "p-1", reason: "discharged", user: "nurse", priority: "high" },
    ]);
    h.engine.ingest({ ...reading("b1", h.time.now(), NORMAL), patient: "p-2" });
    expect(h.engine.state("b1")?.patient).toBe("p-2");
    expect(h.engine.state("b1")?.alarms).toHaveLength(0);
    expect(h.engine.limits("b1").limits.hr.low).toBe(50);
  });

  it("a high-priority technical alarm latches and comes back to life if its condition returns", () => {
    const h = harness({ technical: { disconnected: "high" } });
    h.feed(NORMAL);
    h.engine.nodeDisconnected("b1", "node-b1", h.time.now());
    h.engine.nodeConnected("b1", "node-b1", h.time.now());
    expect(h.engine.state("b1")?.alarms[0]).toMatchObject({ kind: "disconnected", latched: true });
    h.engine.nodeDisconnected("b1", "node-b1", h.time.now());
    expect(h.engine.state("b1")?.alarms[0]).toMatchObject({ kind: "disconnected", latched: false });
    expect(h.engine.state("b1")?.alarms).toHaveLength(1);
  });
});

describe("NEWS2 per bed", () => {
  it("scores current sensor values, takes manual entries for the rest, and never scores a stale value", () => {
    const h = harness();
    h.engine.heartbeat("b1", 1_000);
    h.feed({ hr: 115, spo2: 93, temp: 37 });
    const manual = { rr: 22, sbp: 120, consciousness: "A", onOxygen: true } as const;
    const r = h.engine.news2("b1", manual);
    expect(r).toMatchObject({ total: 8, band: "high", complete: true });
    expect(r?.parts.hr.source).toBe("measured");
    expect(r?.parts.rr.source).toBe("entered");
    h.time.advance(2_001);
    const stale = h.engine.news2("b1", manual);
    expect(stale?.missing).toEqual(["spo2", "hr", "temp"]);
    expect(h.engine.news2("unknown")).toBeUndefined();
  });
});
