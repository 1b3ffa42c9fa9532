import { describe, expect, it } from "vitest";
import { harness, reading } from "../../test/alarms/harness.js";
import { FakeTime } from "../../test/support/fake-time.js";
import { AlarmEngine } from "./alarm-engine.js";
import type { BedSnapshot } from "./bed-snapshot.js";
import type { AlarmEvent } from "./types.js";

const NORMAL = { hr: 72, spo2: 97, temp: 36.8 };
const config = { delayMs: { hr: 0, spo2: 0, temp: 0 }, heartbeatMs: 1_000, silentHeartbeats: 2 };

/** Everything a restart must carry over, as JSON (what alarm_state and gateway_meta hold). */
function persist(engine: AlarmEngine) {
  const beds = engine.bedNames().map((b) => engine.snapshot(b) as BedSnapshot);
  return JSON.parse(JSON.stringify({ beds, ward: engine.wardSnapshot() })) as {
    beds: BedSnapshot[];
    ward: ReturnType<AlarmEngine["wardSnapshot"]>;
  };
}

function restarted(saved: ReturnType<typeof persist>, at: number, lastAliveAt: number) {
  const time = new FakeTime(at);
  const events: AlarmEvent[] = [];
  const engine = new AlarmEngine({ time, config, onEvent: (e) => events.push(e) });
  engine.restore(saved.beds, saved.ward, { at, lastAliveAt });
  return { time, engine, events };
}

describe("alarm state across a gateway restart", () => {
  it("lists exactly the same alarms: acknowledged, latched, escalated, with the pause and the limits", () => {
    const h = harness({ ...config, escalationMs: { high: 5_000, medium: 60_000 } });
    h.feed({ ...NORMAL, spo2: 80 }, [], "b1"); // high
    h.feed({ ...NORMAL, hr: 130 }, [], "b2"); // medium
    h.feed({ ...NORMAL, temp: 39.5 }, ["finger_out"], "b3"); // medium temp + low finger out
    h.engine.setLimits("b2", "p-1", { limits: { hr: { high: 125 } } }, "dr.ade", h.time.now());
    h.wait(6_000); // b1's high alarm escalates (and every node is silent long enough for "no data")
    h.feed(NORMAL, [], "b1"); // recovered: the high alarm latches
    h.feed({ ...NORMAL, hr: 130 }, [], "b2");
    h.feed({ ...NORMAL, temp: 39.5 }, ["finger_out"], "b3");
    const b2 = h.engine.activeAlarms().find((a) => a.bed === "b2");
    h.engine.acknowledge(b2?.id as string, "nurse.kim", h.time.now());
    h.engine.pause("b3", "nurse.kim", h.time.now(), 60_000);
    const before = h.engine.activeAlarms();
    expect(before.map((a) => [a.bed, a.kind, a.state, a.latched, a.escalated])).toEqual([
      ["b1", "physiological", "active", true, true],
      ["b2", "physiological", "acknowledged", false, false],
      ["b3", "physiological", "active", false, false],
      ["b3", "finger_out", "active", false, false],
    ]);

    const r = restarted(persist(h.engine), h.time.now() + 3_000, h.time.now() + 2_000);
    expect(r.engine.activeAlarms()).toEqual(before);
    expect(r.engine.limits("b2").limits.hr.high).toBe(125);
    expect(r.engine.state("b3")?.pausedUntil).toBe(h.time.now() + 60_000);
    const [notice] = r.engine.listNotices();
    expect(notice).toMatchObject({ kind: "gateway_restart", gapMs: 1_000, state: "active" });
    expect(notice?.text).toMatch(/^gateway restarted at .* — monitoring gap of 1 s$/);
    // Values are not restored: nothing is current, so only the listed alarms make a bed CRITICAL.
    expect(r.engine.classify("b2").status).toBe("CRITICAL");
    expect(r.engine.state("b2")?.current).toBe(false);
    // New alarm ids never collide with the previous run's.
    r.engine.ingest(reading("b4", r.time.now(), { ...NORMAL, spo2: 80 }));
    const ids = r.engine.activeAlarms().map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("keeps escalation timers: an alarm escalates when it would have, not earlier and not again", () => {
    const h = harness({ ...config, escalationMs: { medium: 60_000 } });
    h.feed({ ...NORMAL, hr: 130 });
    const raisedAt = h.time.now();
    const r = restarted(persist(h.engine), raisedAt + 20_000, raisedAt + 19_000);
    r.engine.tick(raisedAt + 59_999);
    expect(r.events.filter((e) => e.type === "escalated")).toEqual([]);
    r.engine.tick(raisedAt + 60_000);
    expect(r.events.filter((e) => e.type === "escalated")).toHaveLength(1);
  });

  it("a restored condition clears on the next good value and is not raised twice while it lasts", () => {
    const h = harness(config);
    h.feed({ ...NORMAL, hr: 130 });
    const r = restarted(persist(h.engine), h.time.now() + 1_000, h.time.now());
    r.engine.nodeConnected("b1", "node-b1", r.time.now());
    r.engine.ingest(reading("b1", r.time.now(), { ...NORMAL, hr: 135 }));
    expect(r.events.filter((e) => e.type === "raised")).toEqual([]);
    r.engine.ingest(reading("b1", r.time.advance(1_000), NORMAL));
    expect(r.events.filter((e) => e.type === "cleared")).toMatchObject([
      { parameter: "hr", reason: "resolved" },
    ]);
  });

  it("a bed whose node does not come back within its heartbeat window raises 'disconnected', grouped under the restart", () => {
    const h = harness(config);
    h.feed(NORMAL, [], "b1");
    h.feed(NORMAL, [], "b2");
    const down = h.time.now();
    const r = restarted(persist(h.engine), down + 30_000, down + 500);
    r.engine.nodeConnected("b1", "node-b1", r.time.advance(1_000));
    r.engine.tick(r.time.advance(999)); // 1 999 ms after the restart: still inside 2 × 1 s
    expect(r.engine.activeAlarms()).toEqual([]);
    r.engine.tick(r.time.advance(1));
    const [notice] = r.engine.listNotices();
    expect(r.engine.activeAlarms()).toMatchObject([
      { bed: "b2", kind: "disconnected", group: notice?.id, since: down + 500 },
    ]);
    expect(r.engine.noticeBeds(notice?.id as string)).toEqual(["b2"]);
    // One acknowledgement for the notice acknowledges its beds' alarms; it clears once they have.
    r.engine.acknowledgeNotice(notice?.id as string, "nurse.kim", r.time.now());
    expect(r.engine.activeAlarms()[0]).toMatchObject({ state: "acknowledged", acknowledgedBy: "nurse.kim" });
    expect(r.engine.listNotices()).toHaveLength(1);
    r.engine.nodeConnected("b2", "node-b2", r.time.advance(100));
    expect(r.engine.activeAlarms()).toEqual([]);
    expect(r.engine.listNotices()).toEqual([]);
    expect(r.events.filter((e) => e.type === "notice").map((e) => e.type === "notice" && e.action)).toEqual([
      "raised",
      "acknowledged",
      "cleared",
    ]);
  });

  it("many nodes lost at once: one ward notice groups their alarms, each bed keeps its own", () => {
    const h = harness({ ...config, massDisconnect: { minBeds: 3, windowMs: 5_000 } });
    for (const b of ["b1", "b2", "b3", "b4"]) h.feed(NORMAL, [], b);
    h.engine.nodeDisconnected("b1", "node-b1", h.time.advance(100));
    h.engine.nodeDisconnected("b2", "node-b2", h.time.advance(100));
    expect(h.engine.listNotices()).toEqual([]);
    h.engine.nodeDisconnected("b3", "node-b3", h.time.advance(100));
    h.engine.nodeDisconnected("b4", "node-b4", h.time.advance(100));
    const notices = h.engine.listNotices();
    expect(notices).toMatchObject([{ kind: "mass_disconnect" }]);
    const alarms = h.engine.activeAlarms();
    expect(alarms.map((a) => [a.bed, a.kind, a.group])).toEqual(
      ["b1", "b2", "b3", "b4"].map((b) => [b, "disconnected", notices[0]?.id]),
    );
    for (const b of ["b1", "b2", "b3", "b4"]) h.engine.nodeConnected(b, `node-${b}`, h.time.advance(10));
    expect(h.engine.listNotices()).toEqual([]);
  });

  it("standby closes every alarm, judges nothing, and monitoring resumes afresh", () => {
    const h = harness(config);
    h.feed({ ...NORMAL, spo2: 80 });
    h.engine.standby("b1", true, "nurse.kim", h.time.now());
    expect(h.of("cleared")).toMatchObject([{ reason: "standby", user: "nurse.kim", priority: "high" }]);
    h.feed({ ...NORMAL, spo2: 70 });
    h.wait(60_000);
    expect(h.engine.activeAlarms()).toEqual([]);
    expect(h.engine.classify("b1").status).toBe("UNKNOWN");
    expect(h.engine.state("b1")?.standbySince).toBe(h.time.now() - 60_000);
    h.engine.standby("b1", false, "nurse.kim", h.time.now());
    h.feed({ ...NORMAL, spo2: 80 });
    expect(h.engine.activeAlarms()).toMatchObject([{ parameter: "spo2", priority: "high" }]);
  });
});
