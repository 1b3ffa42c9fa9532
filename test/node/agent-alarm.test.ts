import { mkdtempSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { AlarmsResponse } from "../../core/api-types.js";
import type { SoundPriority } from "../../core/protocol/frames.js";
import { DiskOutbox } from "../../sensors/node/disk-outbox.js";
import { NodeAgent } from "../../sensors/node/node-agent.js";
import type { SensorDriver, SensorSample } from "../../sensors/sample.js";
import { startTestGateway, type TestGateway } from "../harness/gateway.js";

/** A sensor with a buzzer, like the serial-firmware board: reports a desaturated patient, records alarms. */
class BuzzerProbe implements SensorDriver {
  readonly name = "probe";
  readonly alarms: SoundPriority[] = [];
  spo2 = 80;
  private timer: NodeJS.Timeout | undefined;
  async start(onSample: (s: SensorSample) => void): Promise<void> {
    this.timer = setInterval(
      () => onSample({ source: this.name, t: Date.now(), values: { hr: 72, spo2: this.spo2 }, flags: [] }),
      50,
    );
  }
  async stop(): Promise<void> {
    clearInterval(this.timer);
  }
  setAlarm(priority: SoundPriority): void {
    this.alarms.push(priority);
  }
}

let gw: TestGateway | undefined;
let agent: NodeAgent | undefined;
afterEach(async () => {
  await agent?.stop();
  await gw?.stop();
});

describe("node agent and bedside buzzer", () => {
  it("passes the gateway's alarm frames to drivers with a buzzer, and silence after acknowledgement", async () => {
    gw = await startTestGateway();
    const probe = new BuzzerProbe();
    agent = new NodeAgent({
      gateway: { host: "127.0.0.1", port: gw.tcpPort },
      hello: { node: "bz", bed: "Bed-BZ" },
      sensors: [{ label: "probe", parameters: ["hr", "spo2"], create: async () => probe }],
      outbox: new DiskOutbox({
        file: join(mkdtempSync(join(tmpdir(), "vitals-bz-")), "outbox.db"),
        synchronous: "normal",
      }),
      rateHz: 10,
    });
    agent.start();
    await expect.poll(() => probe.alarms, { timeout: 5_000 }).toContain("high");
    expect(agent.alarm).toBe("high");
    const { alarms } = (await (await fetch(`${gw.url}/api/alarms?bed=Bed-BZ`)).json()) as AlarmsResponse;
    probe.spo2 = 97;
    await fetch(`${gw.url}/api/alarms/${encodeURIComponent(alarms[0]?.id as string)}/ack`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ user: "nurse.kim" }),
    });
    await expect.poll(() => probe.alarms.at(-1), { timeout: 5_000 }).toBe("none");
  });

  it("raises a local technical alarm when the gateway is unreachable too long, and ends it on reconnect", async () => {
    // A port nobody listens on yet: the gateway is down.
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, "127.0.0.1", () => {
        const p = (srv.address() as AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    const probe = new BuzzerProbe();
    probe.spo2 = 97;
    const local: boolean[] = [];
    agent = new NodeAgent({
      gateway: { host: "127.0.0.1", port },
      hello: { node: "lost", bed: "Bed-LOST" },
      sensors: [{ label: "probe", parameters: ["hr", "spo2"], create: async () => probe }],
      outbox: new DiskOutbox({
        file: join(mkdtempSync(join(tmpdir(), "vitals-lost-")), "outbox.db"),
        synchronous: "normal",
      }),
      rateHz: 20,
      backoff: { initialMs: 50, maxMs: 200 },
      gatewayLostAlarmMs: 400,
      onLocalAlarm: (on) => local.push(on),
    });
    agent.start();
    await expect.poll(() => probe.alarms, { timeout: 5_000 }).toContain("medium");
    expect(agent.status().localAlarm).toBe(true);
    expect(local).toEqual([true]);
    gw = await startTestGateway({ config: { tcpPort: port } });
    await expect.poll(() => agent?.status().connected, { timeout: 10_000 }).toBe(true);
    expect(agent.status().localAlarm).toBe(false);
    expect(local).toEqual([true, false]);
    // Back to what the gateway says the bed sounds: nothing.
    await expect.poll(() => probe.alarms.at(-1), { timeout: 5_000 }).toBe("none");
  });
});
