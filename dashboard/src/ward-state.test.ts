import { describe, expect, it } from "vitest";
import type { BedView } from "../../core/api-types.js";
import {
  initialWardState,
  visibleBeds,
  type WardAction,
  type WardState,
  wardAlarms,
  wardCounts,
  wardReducer,
  wardSound,
} from "./ward-state.js";

function bed(label: string, over: Partial<BedView> = {}): BedView {
  return {
    bed: label,
    ward: "ICU",
    patient: `P-${label}`,
    node: `node-${label}`,
    connected: true,
    status: "NORMAL",
    reasons: [],
    last_reading: null,
    last_reading_at: 1000,
    alarm: null,
    news2: null,
    stay: null,
    ...over,
  };
}

const run = (actions: WardAction[], from: WardState = initialWardState()) =>
  actions.reduce(wardReducer, from);
const labels = (s: WardState) => visibleBeds(s).map((b) => b.bed);
const snapshot = (beds: BedView[], now = 5000): WardAction => ({
  type: "live",
  message: { type: "snapshot", now, beds },
  browserNow: now,
});
const delta = (beds: BedView[], now = 6000): WardAction => ({
  type: "live",
  message: { type: "beds", now, beds },
  browserNow: now,
});

describe("wardReducer", () => {
  it("shows the snapshot in natural bed order and merges deltas", () => {
    const s = run([snapshot([bed("Bed-10"), bed("Bed-2"), bed("Bed-1")]), delta([bed("Bed-3")])]);
    expect(labels(s)).toEqual(["Bed-1", "Bed-2", "Bed-3", "Bed-10"]);
  });

  it("records the gateway clock offset from each message", () => {
    const s = run([{ type: "live", message: { type: "beds", now: 10_000, beds: [] }, browserNow: 7_000 }]);
    expect(s.offsetMs).toBe(3_000);
  });

  it("'alarming beds' shows just CRITICAL beds and keeps the others in state", () => {
    const s = run([
      snapshot([
        bed("Bed-1"),
        bed("Bed-2", { status: "CRITICAL", reasons: ["SpO2 88 % < 95 %"] }),
        bed("Bed-3"),
      ]),
      { type: "set-alarming-only", on: true },
    ]);
    expect(labels(s)).toEqual(["Bed-2"]);
    expect(s.beds.size).toBe(3);
    expect(labels(wardReducer(s, { type: "set-alarming-only", on: false }))).toHaveLength(3);
  });

  it("'clear view' empties the screen, keeps the data, and a bed returns with its next reading", () => {
    let s = run([snapshot([bed("Bed-1"), bed("Bed-2")]), { type: "clear-view" }]);
    expect(labels(s)).toEqual([]);
    expect(s.beds.size).toBe(2);
    expect(wardCounts(s)).toMatchObject({ beds: 2, alarming: 0, alarms: 0, hidden: 2 });
    s = wardReducer(s, delta([bed("Bed-2", { last_reading_at: 2000 })]));
    expect(labels(s)).toEqual(["Bed-2"]);
  });

  it("'show hidden' undoes a clear view", () => {
    const s = run([snapshot([bed("Bed-1"), bed("Bed-2")]), { type: "clear-view" }, { type: "show-hidden" }]);
    expect(labels(s)).toEqual(["Bed-1", "Bed-2"]);
  });

  it("keeps a cleared bed hidden across a reconnect snapshot that brings nothing new", () => {
    let s = run([snapshot([bed("Bed-1"), bed("Bed-2")]), { type: "clear-view" }]);
    s = run(
      [
        { type: "connection", state: "down" },
        snapshot([bed("Bed-1"), bed("Bed-2", { last_reading_at: 3000 })]),
      ],
      s,
    );
    expect(labels(s)).toEqual(["Bed-2"]);
  });

  it("brings a cleared bed back when its node disconnects, so an OFFLINE bed is never hidden silently", () => {
    let s = run([snapshot([bed("Bed-1")]), { type: "clear-view" }]);
    s = wardReducer(s, delta([bed("Bed-1", { connected: false })]));
    expect(labels(s)).toEqual(["Bed-1"]);
  });

  it("lets a reconnect snapshot replace state: beds the gateway no longer reports disappear", () => {
    const s = run([snapshot([bed("Bed-1"), bed("Bed-2")]), snapshot([bed("Bed-2")])]);
    expect(labels(s)).toEqual(["Bed-2"]);
  });

  it("does not let a slower initial HTTP load overwrite the live snapshot", () => {
    const s = run([
      snapshot([bed("Bed-1", { last_reading_at: 9000 })]),
      { type: "initial-load", now: 100, beds: [bed("Bed-1", { last_reading_at: 1 })], browserNow: 100 },
    ]);
    expect(s.beds.get("Bed-1")?.last_reading_at).toBe(9000);
  });

  it("keeps only the newest few alerts, newest first", () => {
    const alerts: WardAction[] = Array.from({ length: 8 }, (_, i) => ({
      type: "live",
      message: {
        type: "alert",
        alert: {
          bed: `Bed-${i}`,
          patient: null,
          ward: null,
          status: "CRITICAL",
          reasons: [],
          priority: "medium",
          at: i,
        },
      },
      browserNow: 0,
    }));
    const s = run(alerts);
    expect(s.alerts.map((a) => a.bed)).toEqual(["Bed-7", "Bed-6", "Bed-5", "Bed-4", "Bed-3"]);
  });
});

describe("alarms in the ward state", () => {
  const alarmOf = (
    bedLabel: string,
    id: string,
    priority: "high" | "medium" | "low",
    state: "active" | "acknowledged" = "active",
  ) => ({
    id,
    bed: bedLabel,
    patient: null,
    kind: "physiological",
    parameter: "hr",
    priority,
    state,
    latched: false,
    value: 30,
    since: 1,
    raised_at: 1,
    acknowledged_by: null,
    acknowledged_at: null,
    escalated: false,
    limit: 40,
    group: null,
  });
  const withAlarms = (label: string, alarms: ReturnType<typeof alarmOf>[]) =>
    bed(label, { alarm: { profile: "adult", audible: null, paused_until: null, alarms, stale: {} } });

  it("lists every bed's alarms, highest priority first", () => {
    const s = run([
      snapshot([
        withAlarms("Bed-2", [alarmOf("Bed-2", "m", "medium")]),
        withAlarms("Bed-1", [alarmOf("Bed-1", "l", "low")]),
        withAlarms("Bed-3", [alarmOf("Bed-3", "h", "high")]),
      ]),
    ]);
    expect(wardAlarms(s).map((a) => a.id)).toEqual(["h", "m", "l"]);
  });

  it("never hides a bed with an unacknowledged alarm behind 'Clear view'", () => {
    const s = run([
      snapshot([bed("Bed-1"), withAlarms("Bed-2", [alarmOf("Bed-2", "m", "medium")])]),
      { type: "clear-view" },
    ]);
    expect(labels(s)).toEqual(["Bed-2"]);
    const acked = run([delta([withAlarms("Bed-2", [alarmOf("Bed-2", "m", "medium", "acknowledged")])])], s);
    // Same reading, acknowledged: it may be cleared away now.
    expect(labels(acked)).toEqual([]);
  });

  it("sorts by severity: highest priority first, then the longest-waiting alarm; or by bed", () => {
    const waiting = (
      label: string,
      priority: "high" | "medium" | "low",
      raised: number,
      kind = "physiological",
    ) => withAlarms(label, [{ ...alarmOf(label, `${label}#1`, priority), raised_at: raised, kind }]);
    const s = run([
      snapshot([
        bed("Bed-1"),
        waiting("Bed-2", "medium", 50),
        waiting("Bed-3", "high", 90),
        waiting("Bed-4", "medium", 10),
        waiting("Bed-5", "medium", 5, "disconnected"),
        waiting("Bed-6", "low", 1),
      ]),
    ]);
    expect(labels(s)).toEqual(["Bed-3", "Bed-4", "Bed-2", "Bed-5", "Bed-6", "Bed-1"]);
    expect(labels(wardReducer(s, { type: "set-sort", sort: "bed" }))).toEqual([
      "Bed-1",
      "Bed-2",
      "Bed-3",
      "Bed-4",
      "Bed-5",
      "Bed-6",
    ]);
  });

  it("plays the loudest audible priority of any bed, known from the snapshot alone", () => {
    const audible = (label: string, a: "high" | "medium" | "low" | null) =>
      bed(label, { alarm: { profile: "adult", audible: a, paused_until: null, alarms: [], stale: {} } });
    expect(
      wardSound(run([snapshot([audible("Bed-1", "low"), audible("Bed-2", "medium"), bed("Bed-3")])])),
    ).toBe("medium");
    expect(wardSound(run([snapshot([audible("Bed-1", null), bed("Bed-2")])]))).toBeNull();
  });

  it("keeps the ward sound and pending acknowledgements", () => {
    const s = run([
      { type: "live", message: { type: "sound", priority: "medium" }, browserNow: 1 },
      { type: "ack-sent", ids: ["a", "b"] },
      { type: "ack-settled", ids: ["a"] },
      {
        type: "live",
        message: { type: "alarm_event", event: { type: "raised", at: 1, bed: "Bed-1", patient: null } },
        browserNow: 2,
      },
    ]);
    expect(s.sound).toBe("medium");
    expect([...s.pendingAcks]).toEqual(["b"]);
    expect(s.alarmEventCount).toBe(1);
  });
});
