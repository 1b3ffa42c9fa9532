import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BedView } from "../../core/api-types.js";
import { topicFor } from "../../gateway/mqtt/topics.js";
import { startTestGateway, type TestGateway } from "../harness/gateway.js";
import { haveTool } from "../support/require-tool.js";
import { waitFor } from "../support/wait-for.js";
import { MQTT_ENV, mqttTestConfig, NODE2, reading, STATION } from "./mqtt-kit.js";

const run = promisify(execFile);

/** The examples of docs/mqtt.md, run with Debian's mosquitto-clients against the embedded broker. */
describe.skipIf(!haveTool("mosquitto_pub", "mosquitto-clients"))(
  "mosquitto_pub / mosquitto_sub and the embedded broker",
  () => {
    let gw: TestGateway;
    const common = () => ["-h", "127.0.0.1", "-p", String(gw.mqttPort)];
    beforeAll(async () => {
      gw = await startTestGateway({
        config: { mqtt: mqttTestConfig(), alarms: { defaultProfile: "original" } },
        env: MQTT_ENV,
      });
    });
    afterAll(async () => {
      await gw.stop();
    });

    it("a node publishes with mosquitto_pub -q 1; an observer watches the retained state with mosquitto_sub", async () => {
      await run(
        "mosquitto_pub",
        [
          ...common(),
          "-u",
          NODE2.username,
          "-P",
          NODE2.password,
          "-i",
          "node-2",
          "-q",
          "1",
          "-t",
          topicFor("reading", "icu", "Bed-2"),
          "-m",
          reading(42, { hr: 130 }),
        ],
        { timeout: 10_000 },
      );
      expect(gw.gateway.store.count()).toBe(1); // mosquitto_pub exits after its PUBACK: already stored
      await waitFor(() => gw.gateway.beds.view("Bed-2")?.last_reading?.seq === 42, "bed state", 2_000);
      const { stdout } = await run(
        "mosquitto_sub",
        [
          ...common(),
          "-u",
          STATION.username,
          "-P",
          STATION.password,
          "-t",
          "vitals/icu/+/state",
          "-C",
          "1",
          "-W",
          "10",
        ],
        { timeout: 15_000 },
      );
      const state = JSON.parse(stdout) as BedView;
      expect(state).toMatchObject({
        bed: "Bed-2",
        ward: "icu",
        status: "CRITICAL",
        last_reading: { seq: 42, hr: 130 },
      });
    });

    it("mosquitto_pub with a wrong password is refused and stores nothing", async () => {
      const before = gw.gateway.store.count();
      await expect(
        run(
          "mosquitto_pub",
          [
            ...common(),
            "-u",
            NODE2.username,
            "-P",
            "nope",
            "-q",
            "1",
            "-t",
            topicFor("reading", "icu", "Bed-2"),
            "-m",
            reading(43),
          ],
          { timeout: 10_000 },
        ),
      ).rejects.toThrow();
      expect(gw.gateway.store.count()).toBe(before);
    });
  },
);
