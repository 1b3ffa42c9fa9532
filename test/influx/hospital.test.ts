import { InfluxDB } from "influx";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReadingsResponse } from "../../core/api-types.js";
import { topicFor } from "../../gateway/mqtt/topics.js";
import { type GatewayProcess, spawnGateway } from "../harness/gateway-process.js";
import { type Mosquitto, startMosquitto } from "../mqtt/mosquitto.js";
import { connectClient, reading } from "../mqtt/mqtt-kit.js";
import { haveTool } from "../support/require-tool.js";
import { waitFor } from "../support/wait-for.js";
import { type Influxd, startInfluxd } from "./influxd.js";

/** docs/deployment.md, set-up 3: one broker, one InfluxDB, one gateway process per ward. */
describe.skipIf(!haveTool("influxd", "influxdb") || !haveTool("mosquitto", "mosquitto"))(
  "hospital: Mosquitto + InfluxDB + two ward gateways",
  () => {
    let broker: Mosquitto;
    let influxd: Influxd;
    const gws: Record<string, GatewayProcess> = {};

    beforeAll(async () => {
      [broker, influxd] = await Promise.all([
        startMosquitto([
          { username: "gw-icu", password: "gw-icu-pw", acl: ["topic readwrite vitals/icu/#"] },
          { username: "gw-er", password: "gw-er-pw", acl: ["topic readwrite vitals/er/#"] },
          { username: "nodes", password: "nodes-pw", acl: ["topic write vitals/+/+/reading"] },
        ]),
        startInfluxd(),
      ]);
      process.env.VITALS_TEST_H_ICU = "gw-icu-pw";
      process.env.VITALS_TEST_H_ER = "gw-er-pw";
      for (const ward of ["icu", "er"]) {
        gws[ward] = await spawnGateway({
          mqtt: {
            mode: "external",
            ward,
            external: {
              url: broker.url,
              username: `gw-${ward}`,
              passwordEnv: `VITALS_TEST_H_${ward.toUpperCase()}`,
            },
          },
          influx: { enabled: true, url: influxd.url, database: "hospital", flushIntervalMs: 50 },
        });
      }
    });
    afterAll(async () => {
      for (const g of Object.values(gws)) {
        g.child.kill("SIGTERM");
        await g.exited;
      }
      await broker?.stop();
      await influxd?.destroy();
    });

    it("both wards' readings land in the one database; each gateway's /api/readings shows its own ward", async () => {
      const n = await connectClient(broker.url, { username: "nodes", password: "nodes-pw" });
      // The same bed name in both wards: history must not mix them.
      for (const s of [1, 2, 3])
        await n.publishAsync(topicFor("reading", "icu", "Bed-1"), reading(s), { qos: 1 });
      for (const s of [1, 2])
        await n.publishAsync(topicFor("reading", "er", "Bed-1"), reading(s, { hr: 50 }), { qos: 1 });
      n.end();
      const influx = new InfluxDB({ host: "127.0.0.1", port: influxd.httpPort, database: "hospital" });
      const perWard = async () =>
        (
          await influx
            .query<{ ward: string; count: number }>('SELECT count("seq") FROM "raw"."vitals" GROUP BY "ward"')
            .catch(() => [])
        )
          .map((r) => `${r.ward}:${r.count}`)
          .sort();
      await waitFor(async () => (await perWard()).join() === "er:2,icu:3", "both wards in InfluxDB", 20_000);
      for (const [ward, seqs] of [
        ["icu", [3, 2, 1]],
        ["er", [2, 1]],
      ] as const) {
        const r = await fetch(`http://127.0.0.1:${gws[ward]?.httpPort}/api/readings?bed=Bed-1`);
        const readings = ((await r.json()) as ReadingsResponse).readings;
        expect(readings.map((x) => x.seq)).toEqual(seqs);
        expect(readings.every((x) => x.ward === ward)).toBe(true);
      }
    });
  },
);
