import { describe, expect, it } from "vitest";
import { harness, reading } from "../../test/alarms/harness.js";
import { parseAlarmConfig } from "./alarm-config.js";

const NORMAL = { hr: 80, spo2: 97, temp: 37 };
const MIN = 60_000;

describe("blood pressure (NIBP) alarms", () => {
  it("a low-SBP measurement raises a high-priority alarm at once (no delay)", () => {
    const h = harness();
    h.feed(NORMAL);
    h.feed({ hr: null, spo2: null, temp: null, sbp: 65, dbp: 40, map: 48 });
    const raised = h.of("raised").filter((e) => e.kind === "physiological");
    expect(raised).toMatchObject([
      { parameter: "sbp", priority: "high", value: 65 },
      { parameter: "map", priority: "high", value: 48 },
    ]);
  });

  it("MAP has its own limits: a medium alarm below 60 mmHg with a normal SBP", () => {
    const h = harness();
    h.feed({ ...NORMAL, sbp: 100, dbp: 40, map: 58 });
    expect(h.of("raised")).toMatchObject([{ kind: "physiological", parameter: "map", priority: "medium" }]);
  });

  it("a failed measurement raises the nibp_failed technical alarm and keeps the previous value", () => {
    const h = harness();
    h.feed({ ...NORMAL, sbp: 120, dbp: 80, map: 93 });
    h.wait(5_000);
    h.feed({ ...NORMAL, sbp: null, dbp: null, map: null }, ["nibp_cuff_error"]);
    expect(h.of("raised")).toMatchObject([{ kind: "nibp_failed", parameter: "sbp", priority: "medium" }]);
    expect(h.engine.state("b1")?.stale).toMatchObject({ sbp: false, map: false });
    // Oximeter frames without BP do not end it; the next good measurement does.
    h.feed(NORMAL);
    expect(h.of("cleared")).toHaveLength(0);
    h.feed({ ...NORMAL, sbp: 118, dbp: 79, map: 92 });
    expect(h.of("cleared")).toMatchObject([{ kind: "nibp_failed" }]);
  });

  it("nibp_motion with values is doubtful but not a failure; without values it is", () => {
    const h = harness();
    h.feed({ ...NORMAL, sbp: 120, dbp: 80, map: 93 }, ["nibp_motion"]);
    expect(h.of("raised")).toHaveLength(0);
    h.feed({ ...NORMAL, sbp: null, dbp: null, map: null }, ["nibp_motion"]);
    expect(h.of("raised")).toMatchObject([{ kind: "nibp_failed" }]);
  });

  it("a measurement is current for the cycle (default 15 min) plus 2 min grace, counted from its time t", () => {
    const h = harness({ heartbeatMs: 5_000 });
    h.feed({ ...NORMAL, sbp: 120, dbp: 80, map: 93 });
    for (let i = 0; i < 17 * 12; i++) {
      h.wait(5_000);
      h.feed(NORMAL);
    }
    expect(h.engine.state("b1")?.stale.sbp).toBe(false);
    h.wait(1_000);
    h.feed(NORMAL);
    expect(h.engine.state("b1")?.stale).toMatchObject({ sbp: true, map: true, hr: false });
    expect(h.engine.news2("b1")?.parts.sbp.source).toBe("missing");
  });

  it("the cycle is configurable per profile and per bed", () => {
    const config = parseAlarmConfig({ nibp: { cycleMs: 30 * MIN, profiles: { neonatal: 5 * MIN } } });
    expect(config.nibp).toMatchObject({ cycleMs: 30 * MIN, graceMs: 2 * MIN });
    const h = harness({ nibp: { cycleMs: 30 * MIN } });
    h.feed({ ...NORMAL, sbp: 120, dbp: 80, map: 93 });
    expect(h.engine.nibpCycleMs("b1")).toBe(30 * MIN);
    h.engine.setNibpCycle("b1", 5 * MIN);
    h.time.advance(8 * MIN);
    h.feed(NORMAL);
    expect(h.engine.state("b1")?.stale.sbp).toBe(true);
  });

  it("a measurement forwarded after its cycle is stored history, not a current value or an alarm", () => {
    const h = harness();
    const now = h.time.now();
    h.engine.ingest({ ...reading("b1", now, { ...NORMAL, sbp: 60, dbp: 40, map: 45 }), t: now - 40 * MIN });
    expect(h.of("raised").filter((e) => e.kind === "physiological")).toHaveLength(0);
    expect(h.engine.state("b1")?.stale.sbp).toBe(true);
  });
});
