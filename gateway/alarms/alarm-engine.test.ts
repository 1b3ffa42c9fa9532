import { describe, expect, it } from "vitest";
import { harness } from "../../test/alarms/harness.js";
import { isVitalsError } from "../errors.js";
import { AlarmEngine } from "./alarm-engine.js";

const NORMAL = { hr: 80, spo2: 97, temp: 37 };

describe("physiological alarm delay", () => {
  it("raises a medium SpO2 alarm exactly when the violation has lasted the delay, without a new reading", () => {
    const h = harness({ delayMs: { spo2: 10_000 } });
    h.feed(NORMAL);
    h.clock.advance(1_000);
    const onset = h.clock.now();
    h.feed({ ...NORMAL, spo2: 88 });
    expect(h.engine.nextDueAt()).toBe(onset + 10_000);
    h.wait(9_999);
    expect(h.of("raised")).toHaveLength(0);
    h.wait(1);
    const [raised] = h.of("raised");
    expect(raised).toMatchObject({
      parameter: "spo2",
      kind: "physiological",
      priority: "medium",
      value: 88,
      limit: 90,
      since: onset,
      at: onset + 10_000,
    });
  });

  it("stays silent for a dip shorter than the delay and starts over on the next dip", () => {
    const h = harness({ delayMs: { spo2: 10_000 } });
    h.feed({ ...NORMAL, spo2: 88 });
    h.wait(9_000);
    h.feed(NORMAL);
    h.wait(1_000);
    h.feed({ ...NORMAL, spo2: 89 });
    h.wait(9_000);
    expect(h.of("raised")).toHaveLength(0);
    h.wait(1_000);
    expect(h.of("raised")).toHaveLength(1);
  });

  it("skips the delay when a value enters the high-priority band", () => {
    const h = harness();
    h.feed(NORMAL);
    h.clock.advance(500);
    h.feed({ ...NORMAL, spo2: 84 });
    expect(h.of("raised")).toMatchObject([
      { parameter: "spo2", priority: "high", limit: 85, at: h.clock.now() },
    ]);
  });

  it("a pending medium violation that turns life-threatening is raised at once as high", () => {
    const h = harness();
    h.feed({ ...NORMAL, hr: 45 });
    h.wait(2_000);
    h.feed({ ...NORMAL, hr: 35 });
    expect(h.of("raised")).toMatchObject([{ parameter: "hr", priority: "high", limit: 40 }]);
  });

  it("upgrades a raised medium alarm in place when it becomes high priority", () => {
    const h = harness();
    h.feed({ ...NORMAL, hr: 130 });
    h.wait(5_000);
    const [medium] = h.of("raised");
    h.engine.acknowledge(medium?.alarmId ?? "", "nurse", h.clock.now());
    expect(h.engine.state("b1")?.audible).toBeNull();
    h.wait(1_000);
    h.feed({ ...NORMAL, hr: 160 });
    const upgrade = h.of("raised")[1];
    expect(upgrade).toMatchObject({ alarmId: medium?.alarmId, priority: "high", from: "medium", limit: 150 });
    const state = h.engine.state("b1");
    expect(state?.alarms).toHaveLength(1);
    expect(state?.alarms[0]).toMatchObject({ state: "active", priority: "high" });
    expect(state?.audible).toBe("high");
  });
});

describe("hysteresis", () => {
  it("keeps a raised alarm while the value hovers at the limit and clears it only past the margin", () => {
    const h = harness({ delayMs: { spo2: 0 }, hysteresis: { spo2: 1 } });
    h.feed({ ...NORMAL, spo2: 89 });
    for (const v of [90, 89, 90, 89.5, 90.9, 89]) {
      h.wait(1_000);
      h.feed({ ...NORMAL, spo2: v });
    }
    expect(h.of("raised")).toHaveLength(1);
    expect(h.of("cleared")).toHaveLength(0);
    h.wait(1_000);
    h.feed({ ...NORMAL, spo2: 91 });
    expect(h.of("cleared")).toMatchObject([{ parameter: "spo2", reason: "resolved", value: 91 }]);
  });
});

describe("latching and acknowledgement", () => {
  it("a high-priority alarm latches after recovery until acknowledged, then clears", () => {
    const h = harness();
    h.feed({ ...NORMAL, spo2: 80 });
    h.wait(2_000);
    h.feed(NORMAL);
    const alarm = h.engine.state("b1")?.alarms[0];
    expect(alarm).toMatchObject({ priority: "high", latched: true, state: "active" });
    expect(h.engine.state("b1")?.audible).toBe("high");
    expect(h.of("cleared")).toHaveLength(0);
    expect(h.engine.acknowledge(alarm?.id ?? "", "dr-who", h.clock.now())).toBe(true);
    expect(h.events.slice(-2)).toMatchObject([
      { type: "acknowledged", user: "dr-who", priority: "high", parameter: "spo2" },
      { type: "cleared", reason: "acknowledged", user: "dr-who" },
    ]);
    expect(h.engine.state("b1")?.alarms).toHaveLength(0);
  });

  it("an acknowledged alarm stays listed silently while its condition lasts, then clears by itself", () => {
    const h = harness();
    h.feed({ ...NORMAL, spo2: 80 });
    const id = h.of("raised")[0]?.alarmId ?? "";
    h.engine.acknowledge(id, "nurse", h.clock.now());
    const state = h.engine.state("b1");
    expect(state?.alarms[0]).toMatchObject({ state: "acknowledged", acknowledgedBy: "nurse" });
    expect(state?.audible).toBeNull();
    h.wait(1_000);
    h.feed(NORMAL);
    expect(h.of("cleared")).toMatchObject([{ alarmId: id, reason: "resolved", user: null }]);
  });

  it("a medium alarm does not latch", () => {
    const h = harness({ delayMs: { hr: 0 } });
    h.feed({ ...NORMAL, hr: 130 });
    h.wait(1_000);
    h.feed(NORMAL);
    expect(h.of("cleared")).toHaveLength(1);
    expect(h.engine.state("b1")?.alarms).toHaveLength(0);
  });

  it("a new episode while a latched alarm is still listed re-uses it instead of adding a second", () => {
    const h = harness();
    h.feed({ ...NORMAL, hr: 30 });
    h.wait(1_000);
    h.feed(NORMAL);
    h.wait(1_000);
    h.feed({ ...NORMAL, hr: 30 });
    const alarms = h.engine.state("b1")?.alarms ?? [];
    expect(alarms).toHaveLength(1);
    expect(alarms[0]?.latched).toBe(false);
  });

  it("acknowledging an unknown or cleared alarm returns false and emits nothing", () => {
    const h = harness();
    h.feed(NORMAL);
    expect(h.engine.acknowledge("b1#999", "x", h.clock.now())).toBe(false);
    expect(h.engine.acknowledge("nobed#1", "x", h.clock.now())).toBe(false);
    expect(h.of("acknowledged")).toHaveLength(0);
  });
});

describe("audio pause", () => {
  it("silences the bed for the pause and ends by itself", () => {
    const h = harness({ delayMs: { hr: 0 } });
    h.feed({ ...NORMAL, hr: 130 });
    h.engine.pause("b1", "nurse", h.clock.now());
    expect(h.of("paused")).toMatchObject([
      { user: "nurse", until: h.clock.now() + 120_000, priority: "medium" },
    ]);
    expect(h.engine.state("b1")?.audible).toBeNull();
    h.wait(119_999);
    expect(h.of("pause_ended")).toHaveLength(0);
    h.wait(1);
    expect(h.of("pause_ended")).toMatchObject([{ reason: "expired" }]);
    expect(h.engine.state("b1")?.audible).toBe("medium");
  });

  it("a new high-priority alarm breaks through the pause; a medium one does not", () => {
    const h = harness({ delayMs: { hr: 0, temp: 0 } });
    h.feed(NORMAL);
    h.engine.pause("b1", "nurse", h.clock.now(), 60_000);
    h.wait(1_000);
    h.feed({ ...NORMAL, temp: 39.5 });
    expect(h.of("pause_ended")).toHaveLength(0);
    expect(h.engine.state("b1")?.audible).toBeNull();
    h.wait(1_000);
    h.feed({ ...NORMAL, temp: 39.5, hr: 170 });
    expect(h.of("pause_ended")).toMatchObject([
      { reason: "high_priority", parameter: "hr", priority: "high" },
    ]);
    expect(h.engine.state("b1")?.audible).toBe("high");
  });
});

describe("escalation", () => {
  it("escalates an unacknowledged alarm once, after the configured time, highest priority first", () => {
    const h = harness({ delayMs: { temp: 0 }, escalationMs: { high: 30_000, medium: 30_000 } });
    h.engine.heartbeat("b1", 3_600_000);
    h.feed({ ...NORMAL, temp: 39.5, spo2: 80 });
    h.wait(29_999);
    expect(h.of("escalated")).toHaveLength(0);
    h.wait(1);
    expect(h.of("escalated").map((e) => [e.parameter, e.priority])).toEqual([
      ["spo2", "high"],
      ["temp", "medium"],
    ]);
    expect(h.of("escalated")[0]?.unacknowledgedMs).toBe(30_000);
    h.wait(60_000);
    expect(h.of("escalated")).toHaveLength(2);
  });

  it("does not escalate an acknowledged alarm, nor low priority by default", () => {
    const h = harness();
    h.feed({ ...NORMAL, spo2: 80, battery: 5 });
    const high = h.of("raised").find((e) => e.priority === "high");
    h.engine.acknowledge(high?.alarmId ?? "", "nurse", h.clock.now());
    h.wait(600_000);
    expect(h.of("escalated")).toHaveLength(0);
  });
});

describe("technical alarms and stale values", () => {
  it("raises no_data when the node is silent longer than two heartbeats, and marks every value stale", () => {
    const h = harness();
    h.engine.heartbeat("b1", 1_000);
    h.feed(NORMAL);
    expect(h.engine.state("b1")?.stale).toEqual({ hr: false, spo2: false, temp: false, rr: true, sbp: true });
    h.wait(2_000);
    expect(h.of("raised")).toHaveLength(0);
    h.wait(1);
    expect(h.of("raised")).toMatchObject([{ kind: "no_data", parameter: "device", priority: "medium" }]);
    expect(Object.values(h.engine.state("b1")?.stale ?? {})).toEqual([true, true, true, true, true]);
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
    h.engine.nodeDisconnected("b1", "someone-else", h.clock.now());
    expect(h.of("raised")).toHaveLength(0);
    h.engine.nodeDisconnected("b1", "node-b1", h.clock.now());
    expect(h.of("raised")).toMatchObject([{ kind: "disconnected" }]);
    expect(h.engine.state("b1")?.stale.hr).toBe(true);
    h.wait(60_000);
    expect(h.of("raised").map((e) => e.kind)).toEqual(["disconnected"]);
    h.engine.nodeConnected("b1", "node-b1", h.clock.now());
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
    h.engine.rejected("b1", "hr", 999, "out of range", h.clock.now());
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
      h.clock.now(),
    );
    expect(audit).toEqual([
      {
        type: "limits_changed",
        at: h.clock.now(),
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
        at: h.clock.now(),
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
    const bad = () => h.engine.setLimits("b1", null, { limits: { hr: { low: 130 } } }, "x", h.clock.now());
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
    h.engine.setLimits("b1", "baby", { profile: "neonatal" }, "nurse", h.clock.now());
    expect(h.of("limits_changed")[0]).toMatchObject({ field: "profile", from: "adult", to: "neonatal" });
    expect(h.of("raised")).toMatchObject([{ parameter: "hr", priority: "medium", limit: 100 }]);
    h.engine.setLimits("b1", "baby", { limits: { hr: { low: 90 } } }, "nurse", h.clock.now());
    expect(h.of("cleared")).toMatchObject([{ parameter: "hr" }]);
  });
});

describe("listener isolation", () => {
  it("a throwing listener neither stops the engine nor loses later events", () => {
    const seen: string[] = [];
    const errors: unknown[] = [];
    const engine = new AlarmEngine({
      clock: { now: () => 0 },
      onEvent: (e) => {
        seen.push(e.type);
        throw new Error("listener bug");
      },
      onListenerError: (err) => errors.push(err),
    });
    engine.ingest({
      node: "n",
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
  it("a new patient in the bed clears the old alarms and personal limits", () => {
    const h = harness();
    h.feed({ ...NORMAL, spo2: 80 });
    h.engine.setLimits("b1", "p-1", { limits: { hr: { low: 45 } } }, "dr", h.clock.now());
    h.wait(1_000);
    h.engine.ingest({
      node: "n",
      seq: 1,
      bed: "b1",
      patient: "p-2",
      ward: null,
      t: 0,
      receivedAt: h.clock.now(),
      values: NORMAL,
      flags: [],
    });
    expect(h.of("cleared")).toMatchObject([
      { patient: "p-1", reason: "reset", user: "system", priority: "high" },
    ]);
    const state = h.engine.state("b1");
    expect(state?.patient).toBe("p-2");
    expect(state?.alarms).toHaveLength(0);
    h.engine.setLimits("b1", "p-2", { limits: { hr: { high: 130 } } }, "dr", h.clock.now());
    expect(h.of("limits_changed").at(-1)).toMatchObject({ field: "high", from: 120 });
    expect(h.engine.setLimits("b1", "p-2", { limits: { hr: { low: 50 } } }, "dr", h.clock.now())).toEqual([]);
  });

  it("a high-priority technical alarm latches and comes back to life if its condition returns", () => {
    const h = harness({ technical: { disconnected: "high" } });
    h.feed(NORMAL);
    h.engine.nodeDisconnected("b1", "node-b1", h.clock.now());
    h.engine.nodeConnected("b1", "node-b1", h.clock.now());
    expect(h.engine.state("b1")?.alarms[0]).toMatchObject({ kind: "disconnected", latched: true });
    h.engine.nodeDisconnected("b1", "node-b1", h.clock.now());
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
    h.clock.advance(2_001);
    const stale = h.engine.news2("b1", manual);
    expect(stale?.missing).toEqual(["spo2", "hr", "temp"]);
    expect(h.engine.news2("unknown")).toBeUndefined();
  });
});
