import fc from "fast-check";
import type { MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AlarmsResponse, BedStatus, BedsResponse, BedView } from "../../core/api-types.js";
import { countWard, isAlarmingBed } from "../../core/bed-status.js";
import { connectNode, startTestGateway, type TestGateway, type TestNode } from "../harness/gateway.js";
import { collect, connectClient, MQTT_ENV, mqttTestConfig, STATION } from "../mqtt/mqtt-kit.js";
import { vitals } from "../support/frames.js";

/**
 * One end-to-end check of "one alarm truth" over real sockets: a random stream of readings for four
 * beds under the profile "original"; after each reading, GET /api/beds, GET /api/alarms, /metrics and
 * the retained MQTT state tell the same story, and it is the original design's rule.
 */
const BEDS = 4;
let gw: TestGateway;
let station: MqttClient;
let seen: { topic: string; payload: string }[];
const nodes: TestNode[] = [];

beforeAll(async () => {
  gw = await startTestGateway({
    config: {
      alarms: { defaultProfile: "original", silentHeartbeats: 1_000 },
      mqtt: mqttTestConfig(),
      alerts: { console: false },
    },
    env: MQTT_ENV,
  });
  station = await connectClient(`mqtt://127.0.0.1:${gw.mqttPort}`, {
    username: STATION.username,
    password: STATION.password,
  });
  seen = collect(station);
  await station.subscribeAsync("vitals/+/+/state", { qos: 1 });
  for (let i = 1; i <= BEDS; i++)
    nodes.push(await connectNode(gw.tcpPort, { node: `e2e-${i}`, bed: `Bed-${i}`, patient: `P-${i}` }));
});
afterAll(async () => {
  for (const n of nodes) n.close();
  station?.end(true);
  await gw?.stop();
});

const get = async <T>(path: string) => (await (await fetch(`${gw.url}${path}`)).json()) as T;
const latestState = (bed: string): BedView | undefined => {
  const m = seen.findLast((x) => x.topic === `vitals/icu/${bed}/state`);
  return m ? (JSON.parse(m.payload) as BedView) : undefined;
};
const rule = (v: { hr: number; spo2: number; temp: number }): BedStatus =>
  v.spo2 < 95 || v.temp > 38 || v.hr < 60 || v.hr > 100 ? "CRITICAL" : "NORMAL";

describe("one alarm truth over the real gateway", () => {
  it("API beds, API alarms, /metrics and MQTT retained state agree after every reading", async () => {
    const steps = fc.sample(
      fc.record({
        bed: fc.integer({ min: 1, max: BEDS }),
        hr: fc.constantFrom(55, 59, 60, 80, 100, 101, 120),
        spo2: fc.constantFrom(90, 94, 95, 98),
        temp: fc.constantFrom(36.8, 38, 38.1, 39),
      }),
      { numRuns: 24, seed: 12 },
    );
    const last = new Map<number, BedStatus>();
    const seqs = new Map<number, number>();
    for (const s of steps) {
      const node = nodes[s.bed - 1] as TestNode;
      const seq = (seqs.get(s.bed) ?? 0) + 1;
      seqs.set(s.bed, seq);
      node.send(vitals(seq, { hr: s.hr, spo2: s.spo2, temp: s.temp }));
      await node.waitAck(seq);
      last.set(s.bed, rule(s));

      const { beds } = await get<BedsResponse>("/api/beds");
      const { alarms } = await get<AlarmsResponse>("/api/alarms");
      for (const b of beds) {
        const i = Number(b.bed.slice(4));
        const mine = alarms.filter((a) => a.bed === b.bed);
        const critical = mine.some((a) => a.kind === "physiological" && a.priority !== "low");
        expect(b.status, b.bed).toBe(critical ? "CRITICAL" : last.has(i) ? "NORMAL" : "UNKNOWN");
        expect(b.status, `${b.bed}: the original rule`).toBe(last.get(i) ?? "UNKNOWN");
        if (last.has(i)) expect(b.last_reading?.status, `${b.bed}: stored status`).toBe(b.status);
        expect((b.alarm?.alarms ?? []).map((a) => a.id).sort()).toEqual(mine.map((a) => a.id).sort());
      }
      const counts = countWard(beds);
      expect(counts.alarms).toBe(alarms.length);
      expect(counts.alarming).toBe(beds.filter(isAlarmingBed).length);
      const metrics = await (await fetch(`${gw.url}/metrics`)).text();
      for (const status of ["NORMAL", "CRITICAL", "UNKNOWN"] as const)
        expect(metrics, status).toContain(
          `vitals_beds{status="${status}"} ${beds.filter((b) => b.status === status).length}`,
        );
      const medium = alarms.filter((a) => a.priority === "medium" && a.kind === "physiological").length;
      const series = [...metrics.matchAll(/vitals_alarms\{([^}]*)\} (\d+)/g)]
        .filter((m) => m[1]?.includes('priority="medium"') && m[1].includes('kind="physiological"'))
        .reduce((sum, m) => sum + Number(m[2]), 0);
      expect(series).toBe(medium);
      // The retained state is republished every stateIntervalMs (20 ms here).
      await expect
        .poll(() => beds.every((b) => latestState(b.bed)?.status === b.status), { timeout: 3_000 })
        .toBe(true);
    }
    expect(new Set(steps.map((s) => rule(s)))).toEqual(new Set(["CRITICAL", "NORMAL"]));
  });
});
