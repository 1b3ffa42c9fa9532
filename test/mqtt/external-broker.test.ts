import { execFile } from "node:child_process";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BedView, ReadingsResponse } from "../../core/api-types.js";
import { topicFor } from "../../gateway/mqtt/topics.js";
import { type GatewayProcess, spawnGateway } from "../harness/gateway-process.js";
import { haveTool } from "../support/require-tool.js";
import { waitFor } from "../support/wait-for.js";
import { type Mosquitto, startMosquitto } from "./mosquitto.js";
import { connectClient, reading } from "./mqtt-kit.js";

const run = promisify(execFile);

/**
 * The hospital deployment (docs/deployment.md): one Mosquitto, one gateway process per ward, each
 * subscribed to its own ward with a persistent session; the broker's ACLs keep nodes to their bed.
 */
describe.skipIf(!haveTool("mosquitto_pub", "mosquitto-clients") || !haveTool("mosquitto", "mosquitto"))(
  "external broker mode (Mosquitto, two ward gateways)",
  () => {
    let broker: Mosquitto;
    const gws: Record<string, GatewayProcess> = {};
    const users = {
      "gw-icu": { pw: "gw-icu-pw", acl: ["topic readwrite vitals/icu/#"] },
      "gw-er": { pw: "gw-er-pw", acl: ["topic readwrite vitals/er/#"] },
      "node-icu-1": {
        pw: "node-icu-1-pw",
        acl: [
          "topic write vitals/icu/Bed-1/reading",
          "topic write vitals/icu/Bed-1/node",
          "topic read vitals/icu/Bed-1/#",
        ],
      },
      "node-er-1": {
        pw: "node-er-1-pw",
        acl: [
          "topic write vitals/er/Bed-1/reading",
          "topic write vitals/er/Bed-1/node",
          "topic read vitals/er/Bed-1/#",
        ],
      },
      station: { pw: "station-pw", acl: ["topic read vitals/#"] },
    };

    function gatewayConfig(ward: string) {
      return {
        // The original design's thresholds: HR 110 is an alarm (and a CRITICAL reading) at once.
        alarms: { defaultProfile: "original" },
        mqtt: {
          mode: "external",
          ward,
          external: {
            url: broker.url,
            username: `gw-${ward}`,
            passwordEnv: `VITALS_TEST_GW_${ward.toUpperCase()}_PW`,
          },
          stateIntervalMs: 50,
        },
      };
    }

    async function readings(ward: string): Promise<ReadingsResponse["readings"]> {
      const r = await fetch(`http://127.0.0.1:${gws[ward]?.httpPort}/api/readings?limit=10000`);
      return ((await r.json()) as ReadingsResponse).readings;
    }

    beforeAll(async () => {
      broker = await startMosquitto(
        Object.entries(users).map(([username, u]) => ({ username, password: u.pw, acl: u.acl })),
      );
      process.env.VITALS_TEST_GW_ICU_PW = users["gw-icu"].pw;
      process.env.VITALS_TEST_GW_ER_PW = users["gw-er"].pw;
      for (const ward of ["icu", "er"]) gws[ward] = await spawnGateway(gatewayConfig(ward));
    });
    afterAll(async () => {
      for (const g of Object.values(gws)) {
        g.child.kill("SIGTERM");
        await g.exited;
      }
      await broker?.stop();
    });

    it("stores each ward's readings in its own gateway only; the broker drops a node's publish for another bed", async () => {
      // mosquitto_pub -l publishes each line: the encoded frames, newline-terminated, as they are.
      const lines = [1, 2, 3, 4, 5].map((s) => reading(s)).join("");
      const pub = run(
        "mosquitto_pub",
        [
          "-h",
          "127.0.0.1",
          "-p",
          String(broker.port),
          "-u",
          "node-icu-1",
          "-P",
          users["node-icu-1"].pw,
          "-q",
          "1",
          "-t",
          topicFor("reading", "icu", "Bed-1"),
          "-l",
        ],
        { timeout: 10_000 },
      );
      pub.child.stdin?.end(lines);
      await pub;
      const er = await connectClient(broker.url, {
        username: "node-er-1",
        password: users["node-er-1"].pw,
        clientId: "node-er-1",
      });
      for (const s of [1, 2, 3])
        await er.publishAsync(topicFor("reading", "er", "Bed-1"), reading(s, { hr: 110 }), { qos: 1 });
      // Not its bed: Mosquitto's ACL discards it (MQTT 3.1.1 has no way to tell the publisher).
      await er.publishAsync(topicFor("reading", "icu", "Bed-1"), reading(99), { qos: 1 });
      er.end();

      await waitFor(
        async () => (await readings("icu")).length >= 5 && (await readings("er")).length >= 3,
        "both wards",
        10_000,
      );
      const icu = await readings("icu");
      const erR = await readings("er");
      expect(icu.map((r) => r.seq).sort()).toEqual([1, 2, 3, 4, 5]);
      expect(icu.every((r) => r.ward === "icu" && r.node === "icu/Bed-1")).toBe(true);
      expect(erR.map((r) => r.seq).sort()).toEqual([1, 2, 3]);
      expect(erR.every((r) => r.ward === "er" && r.status === "CRITICAL")).toBe(true);

      // Any MQTT tool can watch the whole hospital: both gateways' retained bed states. State is
      // republished every stateIntervalMs, so read until the last reading's flush has reached the broker.
      const retained = async () => {
        const sub = await run(
          "mosquitto_sub",
          [
            "-h",
            "127.0.0.1",
            "-p",
            String(broker.port),
            "-u",
            "station",
            "-P",
            users.station.pw,
            "-t",
            "vitals/+/+/state",
            "-C",
            "2",
            "-W",
            "10",
            "-v",
          ],
          { timeout: 15_000 },
        );
        return sub.stdout
          .trim()
          .split("\n")
          .map((l) => ({
            topic: l.slice(0, l.indexOf(" ")),
            view: JSON.parse(l.slice(l.indexOf(" ") + 1)) as BedView,
          }));
      };
      let states: Awaited<ReturnType<typeof retained>> = [];
      await waitFor(
        async () => {
          states = await retained();
          return states.find((s) => s.view.ward === "er")?.view.last_reading?.seq === 3;
        },
        "the er bed's retained state to show seq 3",
        20_000,
      );
      expect(states.map((s) => s.topic).sort()).toEqual([
        topicFor("state", "er", "Bed-1"),
        topicFor("state", "icu", "Bed-1"),
      ]);
      expect(states.find((s) => s.view.ward === "er")?.view.last_reading?.seq).toBe(3);
    });

    it("a gateway killed mid-stream gets the unacknowledged readings again from the broker: each stored once", async () => {
      const n = await connectClient(broker.url, {
        username: "node-icu-1",
        password: users["node-icu-1"].pw,
        clientId: "node-icu-1",
      });
      const base = 1000;
      const total = 1500;
      const sent: Promise<unknown>[] = [];
      for (let s = base + 1; s <= base + total; s++) {
        sent.push(n.publishAsync(topicFor("reading", "icu", "Bed-1"), reading(s), { qos: 1 }));
      }
      const dataDir = gws.icu?.dataDir as string;
      // Kill once the gateway is part-way through (some stored, the rest queued or in flight).
      await waitFor(
        async () => (await readings("icu")).some((r) => r.seq > base + 50),
        "part of the stream",
        20_000,
      );
      gws.icu?.child.kill("SIGKILL");
      await gws.icu?.exited;
      await Promise.all(sent); // the broker has them all (its own PUBACKs), queued for the gateway's session
      n.end();
      gws.icu = await spawnGateway(gatewayConfig("icu"), dataDir);
      await waitFor(
        async () => (await readings("icu")).filter((r) => r.seq > base).length >= total,
        "all readings after the restart",
        60_000,
      );
      gws.icu.child.kill("SIGTERM");
      await gws.icu.exited;
      const db = new Database(`${dataDir}/vitals.db`, { readonly: true });
      const row = db
        .prepare(
          "SELECT count(*) AS n, count(DISTINCT seq) AS d, min(seq) AS lo, max(seq) AS hi FROM readings WHERE seq > ?",
        )
        .get(base) as { n: number; d: number; lo: number; hi: number };
      db.close();
      expect(row).toEqual({ n: total, d: total, lo: base + 1, hi: base + total });
    });
  },
);
