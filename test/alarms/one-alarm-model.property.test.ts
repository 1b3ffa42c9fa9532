import fc from "fast-check";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import type { BedStatus, BedView } from "../../core/api-types.js";
import { silentLogger } from "../../core/logger.js";
import type { ClassifiedReading } from "../../core/reading.js";
import { initialWardState, visibleBeds, wardCounts, wardReducer } from "../../dashboard/src/ward-state.js";
import { type AlarmConfigInput, parseAlarmConfig } from "../../gateway/alarms/alarm-config.js";
import { registerAlarmMetrics } from "../../gateway/alarms/alarm-metrics.js";
import { AlarmService } from "../../gateway/alarms/alarm-service.js";
import { BedRegistry } from "../../gateway/beds.js";
import { parseConfig } from "../../gateway/config.js";
import { NodeBudgets } from "../../gateway/ingest/node-budgets.js";
import { GatewayMetrics } from "../../gateway/metrics.js";
import { MqttReadingBridge } from "../../gateway/mqtt/reading-bridge.js";
import { AlarmStore } from "../../gateway/store/alarm-store.js";
import { SqliteStore } from "../../gateway/store/sqlite-store.js";
import { FakeTime } from "../support/fake-time.js";

/*
 * "One alarm truth": over random reading streams, for every bed after every input, the bed status the
 * API serves, the dashboard's header counts and "Alarming beds" filter, the retained MQTT state and the
 * /metrics gauges all agree with what the alarm engine lists — and, under the profile "original", the
 * status equals the original design's rule on every reading. The checks below are written from the
 * contract in docs/alarms.md, against the engine's own list, not against the derivation functions.
 */

const BEDS = ["Bed-1", "Bed-2", "Bed-3"];

/** The original design's rule, verbatim (gateway/classify before it became a profile). */
function originalRule(v: { hr?: number | null; spo2?: number | null; temp?: number | null }): BedStatus {
  const n = (x: number | null | undefined): x is number => typeof x === "number";
  if ((n(v.spo2) && v.spo2 < 95) || (n(v.temp) && v.temp > 38) || (n(v.hr) && (v.hr < 60 || v.hr > 100)))
    return "CRITICAL";
  return n(v.hr) || n(v.spo2) || n(v.temp) ? "NORMAL" : "UNKNOWN";
}

type Input =
  | {
      kind: "reading";
      bed: number;
      gap: number;
      hr: number | null | undefined;
      spo2: number | null | undefined;
      temp: number | null | undefined;
      flags: readonly string[];
    }
  | { kind: "wait"; gap: number }
  | { kind: "ack"; pick: number }
  | { kind: "connect" | "disconnect"; bed: number };

const value = (lo: number, hi: number, edges: number[]) =>
  fc.option(fc.oneof(fc.integer({ min: lo, max: hi }), fc.constantFrom(...edges)), { nil: null, freq: 8 });
const input: fc.Arbitrary<Input> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant("reading" as const),
      bed: fc.integer({ min: 0, max: BEDS.length - 1 }),
      gap: fc.integer({ min: 0, max: 4_000 }),
      hr: fc.option(value(30, 170, [39, 40, 59, 60, 100, 101, 150, 151]), { nil: undefined, freq: 10 }),
      spo2: fc.option(value(75, 100, [84, 85, 89, 90, 94, 95]), { nil: undefined, freq: 10 }),
      temp: fc.option(value(34, 41, [38, 39, 40]), { nil: undefined, freq: 10 }),
      flags: fc.oneof(
        { weight: 8, arbitrary: fc.constant([]) },
        { weight: 1, arbitrary: fc.constantFrom(["finger_out"], ["sensor_off"], ["low_battery"]) },
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("wait" as const), gap: fc.integer({ min: 1, max: 20_000 }) }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("ack" as const), pick: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constantFrom("connect" as const, "disconnect" as const),
      bed: fc.integer({ min: 0, max: BEDS.length - 1 }),
    }),
  },
);

/** The gateway's wiring of engine, registry, MQTT bridge and metrics, on fake time and in-memory SQLite. */
function ward(alarms: AlarmConfigInput) {
  const time = new FakeTime(1_700_000_000_000);
  const store = new SqliteStore(":memory:");
  const beds = new BedRegistry();
  const service = new AlarmService({
    config: parseAlarmConfig(alarms),
    time,
    logger: silentLogger,
    store: new AlarmStore(store.db),
    beds,
    live: { broadcast: () => {} },
  });
  beds.decorate = {
    alarm: (b) => service.summary(b),
    news2: (b) => service.news2(b),
    classify: (b) => service.classify(b),
    stay: () => null,
  };
  const retained = new Map<string, BedView>();
  const config = parseConfig({ mqtt: { ward: "icu" } });
  const bridge = new MqttReadingBridge(
    {
      config: { ...config, mqtt: config.mqtt },
      time,
      logger: silentLogger,
      metrics: new GatewayMetrics({ processMetrics: false }),
      budgets: new NodeBudgets(config.limits),
      beds,
      submit: () => undefined,
      nodeOnline: () => {},
      nodeOffline: () => {},
      rejected: () => {},
    },
    (topic, payload, opts) => {
      if (opts.retain) retained.set(topic, JSON.parse(payload) as BedView);
    },
  );
  beds.onBedChange = (bed) => bridge.bedChanged(bed);
  const registry = new Registry();
  registerAlarmMetrics(registry, {
    alarms: () => beds.all().flatMap((b) => b.alarm?.alarms ?? []),
    statuses: () => beds.all().map((b) => b.status),
  });
  let seq = 0;
  return {
    time,
    service,
    beds,
    retained,
    bridge,
    registry,
    /** The gateway's path for one stored reading: judged before commit, fanned out after. */
    reading(i: Extract<Input, { kind: "reading" }>): ClassifiedReading {
      const values: Record<string, number | null> = {};
      for (const p of ["hr", "spo2", "temp"] as const)
        if (i[p] !== undefined) values[p] = i[p] as number | null;
      const r = {
        node: `n-${i.bed}`,
        boot: "",
        seq: ++seq,
        bed: BEDS[i.bed] as string,
        patient: `P-${i.bed}`,
        ward: "icu",
        t: time.now(),
        receivedAt: time.now(),
        values,
        flags: [...i.flags],
        status: "UNKNOWN",
        reasons: [],
      } as ClassifiedReading;
      service.judge([r]);
      beds.onReading(r);
      service.settle();
      return r;
    },
    close: () => store.close(),
  };
}

async function metric(
  registry: Registry,
  name: string,
): Promise<{ labels: Record<string, string>; value: number }[]> {
  const m = (await registry.getMetricsAsJSON()).find((x) => x.name === name);
  return (m?.values ?? []).map((v) => ({ labels: v.labels as Record<string, string>, value: v.value }));
}

/** Every check of the contract for every bed, against the engine's own list. */
async function agree(w: ReturnType<typeof ward>, now: number): Promise<void> {
  const listed = w.service.engine.activeAlarms();
  const views = w.beds.all();
  w.bridge.flushState();
  for (const view of views) {
    const mine = listed.filter((a) => a.bed === view.bed);
    const state = w.service.engine.state(view.bed, now);
    const critical = mine.some((a) => a.kind === "physiological" && a.priority !== "low");
    const expected: BedStatus = critical ? "CRITICAL" : state?.current ? "NORMAL" : "UNKNOWN";
    expect(view.status, `${view.bed} status`).toBe(expected);
    expect(
      (view.alarm?.alarms ?? []).map((a) => a.id),
      `${view.bed} listed alarms`,
    ).toEqual(mine.map((a) => a.id));
    // MQTT retained state, as published by the bridge's flush.
    expect(w.retained.get(`vitals/icu/${view.bed}/state`)?.status, `${view.bed} MQTT state`).toBe(expected);
  }
  // The dashboard's header and filter over the snapshot the gateway would send.
  const ward = wardReducer(initialWardState(), {
    type: "live",
    message: { type: "snapshot", now, beds: views },
    browserNow: now,
  });
  const counts = wardCounts(ward);
  const count = (p: string, technical: boolean) =>
    listed.filter((a) => a.priority === p && (a.kind !== "physiological") === technical).length;
  expect(counts.alarms).toBe(listed.length);
  for (const p of ["high", "medium", "low"] as const) {
    expect(counts.physiological[p], `${p} physiological`).toBe(count(p, false));
    expect(counts.technical[p], `${p} technical`).toBe(count(p, true));
  }
  expect(counts.unacknowledged).toBe(listed.filter((a) => a.state === "active").length);
  const alarmingBeds = new Set(
    listed.filter((a) => a.kind === "physiological" && a.priority !== "low").map((a) => a.bed),
  );
  expect(counts.alarming).toBe(alarmingBeds.size);
  expect(
    visibleBeds(wardReducer(ward, { type: "set-alarming-only", on: true }))
      .map((b) => b.bed)
      .sort(),
  ).toEqual([...alarmingBeds].sort());
  // /metrics
  const gauge = await metric(w.registry, "vitals_alarms");
  for (const a of listed) expect(gauge.some((g) => g.labels.kind === a.kind && g.value > 0)).toBe(true);
  for (const p of ["high", "medium", "low"] as const)
    for (const state of ["active", "acknowledged"] as const) {
      const sum = gauge
        .filter((g) => g.labels.priority === p && g.labels.state === state)
        .reduce((s, g) => s + g.value, 0);
      expect(sum, `vitals_alarms{priority=${p},state=${state}}`).toBe(
        listed.filter((a) => a.priority === p && a.state === state).length,
      );
    }
  const beds = await metric(w.registry, "vitals_beds");
  for (const s of ["NORMAL", "CRITICAL", "UNKNOWN"] as const)
    expect(beds.find((g) => g.labels.status === s)?.value ?? 0, `vitals_beds{status=${s}}`).toBe(
      views.filter((v) => v.status === s).length,
    );
}

async function run(inputs: Input[], alarms: AlarmConfigInput, original: boolean): Promise<void> {
  const w = ward(alarms);
  try {
    for (const i of inputs) {
      if (i.kind === "reading") {
        w.time.advance(i.gap);
        w.service.engine.tick(w.time.now());
        const r = w.reading(i);
        if (original && i.flags.length === 0) {
          // The stored status is the derived status, and under "original" the original rule's.
          expect(r.status, JSON.stringify(r.values)).toBe(originalRule(r.values));
          expect(w.beds.view(r.bed)?.status).toBe(r.status);
        }
      } else if (i.kind === "wait") {
        w.service.engine.tick(w.time.advance(i.gap));
        w.service.settle();
      } else if (i.kind === "ack") {
        const listed = w.service.engine.activeAlarms().filter((a) => a.state === "active");
        const a = listed[i.pick % Math.max(1, listed.length)];
        if (a) w.service.acknowledge(a.id, "nurse");
      } else {
        const bed = BEDS[i.bed] as string;
        if (!w.beds.view(bed)) continue;
        if (i.kind === "connect") w.service.connected(bed, `n-${i.bed}`, 5_000);
        else w.service.disconnected(bed, `n-${i.bed}`);
      }
      await agree(w, w.time.now());
    }
  } finally {
    w.service.stop();
    w.close();
  }
}

describe("one alarm model: every screen and channel agrees with the engine", () => {
  it("under the adult profile (delays, hysteresis, latching, technical alarms)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(input, { minLength: 1, maxLength: 60 }), (inputs) =>
        run(inputs, { delayMs: { hr: 2_000, spo2: 3_000, temp: 3_000 } }, false),
      ),
      { numRuns: 60 },
    );
  });

  it("under the profile 'original', the status is also the original rule on every reading", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(input, { minLength: 1, maxLength: 60 }), (inputs) =>
        run(inputs, { defaultProfile: "original" }, true),
      ),
      { numRuns: 60 },
    );
  });
});
