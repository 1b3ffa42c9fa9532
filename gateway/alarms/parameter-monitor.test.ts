import { describe, expect, it } from "vitest";
import { ParameterMonitor, type PhysiologicalSink } from "./parameter-monitor.js";

/** Records what the monitor asks the bed to do. */
function sink() {
  const calls: string[] = [];
  const s: PhysiologicalSink = {
    raise: (p, priority, value, since, at, limit) =>
      calls.push(`raise ${p} ${priority} v=${value} since=${since} at=${at} limit=${limit}`),
    update: (p, value) => calls.push(`update ${p} ${value}`),
    resolve: (p, value, at) => calls.push(`resolve ${p} ${value} at=${at}`),
  };
  return { calls, s };
}

const HR = { low: 50, high: 120, criticalLow: 40, criticalHigh: 150 };

describe("ParameterMonitor", () => {
  it("with a high-priority delay, the critical band must itself last that delay", () => {
    const { calls, s } = sink();
    const m = new ParameterMonitor("hr", HR, 10_000, 3_000, 2, s);
    m.observe(160, 0);
    expect(m.nextDueAt()).toBe(3_000);
    m.observe(130, 2_000); // left the critical band: its pending alarm is dropped, the medium one continues
    expect(m.nextDueAt()).toBe(10_000);
    m.observe(160, 4_000);
    m.tick(6_999, Number.POSITIVE_INFINITY);
    expect(calls).toEqual([]);
    m.tick(7_000, Number.POSITIVE_INFINITY);
    expect(calls).toEqual(["raise hr high v=160 since=0 at=7000 limit=150"]);
  });

  it("medium fires first when the high-priority delay is longer, then upgrades", () => {
    const { calls, s } = sink();
    const m = new ParameterMonitor("hr", HR, 2_000, 5_000, 2, s);
    m.observe(35, 0);
    m.tick(2_000, Number.POSITIVE_INFINITY);
    m.tick(5_000, Number.POSITIVE_INFINITY);
    expect(calls).toEqual([
      "raise hr medium v=35 since=0 at=2000 limit=50",
      "raise hr high v=35 since=0 at=5000 limit=40",
    ]);
  });

  it("a violation switching sides of the limits is one continuous condition", () => {
    const { calls, s } = sink();
    const m = new ParameterMonitor("hr", HR, 5_000, 0, 2, s);
    m.observe(45, 0);
    m.observe(125, 3_000);
    m.tick(5_000, Number.POSITIVE_INFINITY);
    expect(calls).toEqual(["raise hr medium v=125 since=0 at=5000 limit=120"]);
  });

  it("fires when the delay ends exactly at the last current instant, and drops it one ms later", () => {
    const a = sink();
    const m1 = new ParameterMonitor(
      "spo2",
      { low: 90, high: null, criticalLow: 85, criticalHigh: null },
      10_000,
      0,
      1,
      a.s,
    );
    m1.observe(88, 0);
    m1.tick(12_000, 10_000);
    expect(a.calls).toHaveLength(1);
    const b = sink();
    const m2 = new ParameterMonitor(
      "spo2",
      { low: 90, high: null, criticalLow: 85, criticalHigh: null },
      10_000,
      0,
      1,
      b.s,
    );
    m2.observe(88, 0);
    m2.tick(12_000, 9_999);
    expect(b.calls).toEqual([]);
    expect(m2.nextDueAt()).toBe(Number.POSITIVE_INFINITY);
  });

  it("clamps the hysteresis between narrow limits so recovery stays possible", () => {
    const { calls, s } = sink();
    const m = new ParameterMonitor(
      "temp",
      { low: 36.5, high: 37.5, criticalLow: null, criticalHigh: null },
      0,
      0,
      5,
      s,
    );
    m.observe(38, 0);
    m.observe(37, 1_000);
    expect(calls.at(-1)).toBe("resolve temp 37 at=1000");
  });

  it("updates the listed alarm's value while the condition lasts, and reconfiguring keeps state", () => {
    const { calls, s } = sink();
    const m = new ParameterMonitor("hr", HR, 0, 0, 2, s);
    m.observe(130, 0);
    m.observe(135, 1_000);
    m.configure({ ...HR, high: 140 }, 0);
    m.observe(135, 2_000);
    expect(calls).toEqual([
      "raise hr medium v=130 since=0 at=0 limit=120",
      "update hr 135",
      "resolve hr 135 at=2000",
    ]);
  });
});
