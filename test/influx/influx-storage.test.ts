import { InfluxDB } from "influx";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReadingsResponse } from "../../core/api-types.js";
import { RAW_POLICY, TREND_POLICY, TREND_QUERY, trendQuery } from "../../gateway/store/influx-schema.js";
import { connectNode, startTestGateway, type TestGateway, type TestNode } from "../harness/gateway.js";
import { vitals } from "../support/frames.js";
import { haveTool } from "../support/require-tool.js";
import { waitFor } from "../support/wait-for.js";
import { type Influxd, startInfluxd } from "./influxd.js";

/**
 * Readings forwarded to a real influxd 1.6 through the SQLite outbox: acks stay durable with
 * InfluxDB down, the backlog drains when it returns, /api/readings answers from either store.
 */
describe.skipIf(!haveTool("influxd", "influxdb"))("InfluxDB 1.x storage", () => {
  let influxd: Influxd;
  let gw: TestGateway;
  let node: TestNode;
  let influx: InfluxDB;
  const dataDirs: string[] = [];

  const config = () => ({
    // Stored statuses under the original design's thresholds (SpO2 93 is CRITICAL at once).
    alarms: { defaultProfile: "original" },
    mqtt: { mode: "off" as const },
    influx: {
      enabled: true,
      url: influxd.url,
      database: "vitals_test",
      flushIntervalMs: 50,
      maxRetryMs: 200,
    },
  });
  const influxCount = async () => {
    const rows = await influx.query<{ count: number }>(`SELECT count("seq") FROM "${RAW_POLICY}"."vitals"`);
    return rows[0]?.count ?? 0;
  };
  const apiReadings = async () =>
    ((await (await fetch(`${gw.url}/api/readings?bed=Bed-7&limit=1000`)).json()) as ReadingsResponse)
      .readings;

  async function send(from: number, to: number): Promise<void> {
    for (let s = from; s <= to; s++)
      node.send(vitals(s, { hr: 60 + s, spo2: s % 2 ? 97 : 93, flags: s === 3 ? ["artifact"] : [] }));
    await node.waitAck(to);
  }

  beforeAll(async () => {
    influxd = await startInfluxd();
    influx = new InfluxDB({ host: "127.0.0.1", port: influxd.httpPort, database: "vitals_test" });
    gw = await startTestGateway({ config: config() });
    dataDirs.push(gw.dataDir);
    node = await connectNode(gw.tcpPort, { node: "n7", bed: "Bed-7", ward: "icu", patient: "P7" });
  });
  afterAll(async () => {
    node?.close();
    await gw?.stop();
    await influxd?.destroy();
  });

  it("creates the database, the retention policies and the 1-minute median continuous query", async () => {
    await send(1, 10);
    await waitFor(async () => (await influxCount().catch(() => 0)) === 10, "10 points in InfluxDB", 15_000);
    const rps = await influx.showRetentionPolicies("vitals_test");
    expect(rps.find((p) => p.name === RAW_POLICY)).toMatchObject({ default: true, duration: "720h0m0s" });
    expect(rps.find((p) => p.name === TREND_POLICY)).toMatchObject({ default: false, duration: "9600h0m0s" });
    const cqs = await influx.showContinousQueries("vitals_test");
    expect(cqs.map((q) => q.name)).toContain(TREND_QUERY);
    // Run the continuous query's own statement once (influxd would at the next minute boundary).
    await influx.query(trendQuery("vitals_test", "WHERE time > now() - 1h"));
    const trends = await influx.query<{ hr: number; bed: string }>(
      `SELECT * FROM "${TREND_POLICY}"."vitals_1m"`,
    );
    expect(trends.length).toBeGreaterThan(0);
    expect(trends[0]).toMatchObject({ bed: "Bed-7" });
  });

  it("answers /api/readings from InfluxDB with exactly what SQLite holds", async () => {
    const fromInflux = await apiReadings();
    const fromSqlite = gw.gateway.store.history({ bed: "Bed-7", limit: 1000 });
    expect(fromInflux).toHaveLength(10);
    expect(fromInflux).toEqual(fromSqlite);
    expect(fromInflux.find((r) => r.seq === 3)).toMatchObject({
      flags: ["artifact"],
      hr: 63,
      patient: "P7",
      ward: "icu",
    });
    expect(fromInflux.find((r) => r.seq === 2)).toMatchObject({ status: "CRITICAL", spo2: 93 });
    // Time filters behave as on SQLite (inclusive bounds, in ms).
    const mid = fromSqlite[4]?.received_at as number;
    const q = `bed=Bed-7&from=${mid}&to=${mid}`;
    const a = ((await (await fetch(`${gw.url}/api/readings?${q}`)).json()) as ReadingsResponse).readings;
    expect(a).toEqual(gw.gateway.store.history({ bed: "Bed-7", from: mid, to: mid, limit: 500 }));
  });

  it("keeps acknowledging while InfluxDB is down, answers from SQLite meanwhile, and drains the backlog on return", async () => {
    await influxd.stop();
    await send(11, 30); // acked: durable in SQLite
    expect(gw.gateway.influx?.backlog).toBe(20);
    expect((await apiReadings()).map((r) => r.seq)).toHaveLength(30); // fallback to SQLite
    await influxd.restart();
    await waitFor(async () => gw.gateway.influx?.backlog === 0, "backlog drained", 20_000);
    expect(await influxCount()).toBe(30);
    expect(await apiReadings()).toEqual(gw.gateway.store.history({ bed: "Bed-7", limit: 1000 }));
  });

  it("persists the high-water mark: a restarted gateway forwards only what is new", async () => {
    node.close();
    const mark = gw.gateway.influx?.mark;
    await gw.stop({ keepData: true });
    gw = await startTestGateway({ config: config(), dataDir: dataDirs[0] as string });
    expect(gw.gateway.influx?.mark).toBe(mark);
    expect(gw.gateway.influx?.backlog).toBe(0);
    node = await connectNode(gw.tcpPort, { node: "n7", bed: "Bed-7", ward: "icu", patient: "P7" });
    await send(31, 35);
    await waitFor(async () => gw.gateway.influx?.backlog === 0, "new readings forwarded", 10_000);
    expect(await influxCount()).toBe(35);
  });
});
