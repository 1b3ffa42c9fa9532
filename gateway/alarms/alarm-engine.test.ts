import { describe, expect, it } from "vitest";
import { harness, reading } from "../../test/alarms/harness.js";

const NORMAL = { hr: 80, spo2: 97, temp: 37 };

describe("physiological alarm delay", () => {
  it("raises a medium SpO2 alarm exactly when the violation has lasted the delay, without a new reading", () => {
    const h = harness({ delayMs: { spo2: 10_000 } });
    h.feed(NORMAL);
    h.time.advance(1_000);
    const onset = h.time.now();
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
    h.time.advance(500);
    h.feed({ ...NORMAL, spo2: 84 });
    expect(h.of("raised")).toMatchObject([
      { parameter: "spo2", priority: "high", limit: 85, at: h.time.now() },
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
    h.engine.acknowledge(medium?.alarmId ?? "", "nurse", h.time.now());
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
    expect(h.engine.acknowledge(alarm?.id ?? "", "dr-who", h.time.now())).toBe(true);
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
    h.engine.acknowledge(id, "nurse", h.time.now());
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
    expect(h.engine.acknowledge("b1#999", "x", h.time.now())).toBe(false);
    expect(h.engine.acknowledge("nobed#1", "x", h.time.now())).toBe(false);
    expect(h.of("acknowledged")).toHaveLength(0);
  });
});

describe("audio pause", () => {
  it("silences the bed for the pause and ends by itself", () => {
    const h = harness({ delayMs: { hr: 0 } });
    h.feed({ ...NORMAL, hr: 130 });
    h.engine.pause("b1", "nurse", h.time.now());
    expect(h.of("paused")).toMatchObject([
      { user: "nurse", until: h.time.now() + 120_000, priority: "medium" },
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
    h.engine.pause("b1", "nurse", h.time.now(), 60_000);
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
    h.engine.acknowledge(high?.alarmId ?? "", "nurse", h.time.now());
    h.wait(600_000);
    expect(h.of("escalated")).toHaveLength(0);
  });
});

describe("NEWS2 RR source", () => {
  it("shows the bed's rr as derived from the PPG while the last rr came with rr_src ppg", () => {
    const h = harness();
    h.engine.ingest({ ...reading("b1", h.time.now(), { ...NORMAL, rr: 18 }), rrSource: "ppg" });
    expect(h.engine.news2("b1")?.parts.rr).toMatchObject({ value: 18, source: "measured", from: "ppg" });
    h.time.advance(1_000);
    h.feed({ ...NORMAL, rr: 16 });
    expect(h.engine.news2("b1")?.parts.rr).toEqual({ value: 16, score: 0, source: "measured" });
  });
});
