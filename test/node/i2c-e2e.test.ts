import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../gateway/logger.js";
import { Max30205Device } from "../../sensors/emulators/i2c/max30205-device.js";
import type { Scheduler } from "../../sensors/i2c/scheduler.js";
import { DiskOutbox } from "../../sensors/node/disk-outbox.js";
import { resolveSensor } from "../../sensors/node/drivers.js";
import { NodeAgent } from "../../sensors/node/node-agent.js";
import { bootFirmataRig, type FirmataRig } from "../emulator/firmata-rig.js";
import { startTestGateway, type TestGateway } from "../harness/gateway.js";

const T0 = 1_790_000_000_000;

// StandardFirmata on an emulated Uno with a MAX30205 on its I2C bus → johnny-five → the registry's
// max30205 driver → NodeAgent → real gateway on loopback: the patient's temperature is stored.
describe("I2C sensor end to end: emulated Firmata board → vitals node agent → gateway", () => {
  let rig: FirmataRig;
  let gw: TestGateway;
  let dir: string;
  const thermo = new Max30205Device();

  beforeAll(async () => {
    rig = await bootFirmataRig([thermo]);
    gw = await startTestGateway();
    dir = mkdtempSync(join(tmpdir(), "vitals-i2c-node-"));
  }, 60_000);

  afterAll(async () => {
    await rig?.board.stop();
    await gw?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("stores the temperature the emulated MAX30205 measures, and follows a change", async () => {
    // One time base for everything: the emulated board's clock (drivers poll on it, samples carry it,
    // the merger judges freshness by it), offset to a plausible epoch for the gateway.
    const clock = { now: () => T0 + rig.board.timeMs };
    const scheduler: Scheduler = {
      now: clock.now,
      every: (ms, fn) => rig.board.scheduler.every(ms, fn),
      after: (ms, fn) => rig.board.scheduler.after(ms, fn),
    };
    const spec = resolveSensor("max30205:address=0x48,period=250");
    const agent = new NodeAgent({
      gateway: { host: "127.0.0.1", port: gw.tcpPort },
      hello: { node: "i2c-node", bed: "Bed-I2C" },
      sensors: [
        {
          label: "max30205",
          parameters: spec.definition.parameters,
          create: () =>
            spec.definition.create(spec.options, {
              rateHz: 4,
              scheduler,
              logger: silentLogger,
              openBoard: async () => rig.j5.io,
            }),
        },
      ],
      outbox: new DiskOutbox({ file: join(dir, "outbox.db"), synchronous: "normal" }),
      rateHz: 4,
      clock,
    });
    thermo.temperatureC = 37.8;
    const running = rig.board.start({ realtime: true });
    agent.start();
    const temps = () => {
      const db = new Database(join(gw.dataDir, "vitals.db"), { readonly: true });
      try {
        return (
          db.prepare("SELECT temp FROM readings WHERE node = 'i2c-node' ORDER BY seq").all() as {
            temp: number | null;
          }[]
        ).map((r) => r.temp);
      } finally {
        db.close();
      }
    };
    await expect.poll(() => temps().filter((t) => t !== null).length, { timeout: 30_000 }).toBeGreaterThan(2);
    for (const t of temps().filter((x) => x !== null))
      expect(Math.abs((t as number) - 37.8)).toBeLessThanOrEqual(0.1);
    thermo.temperatureC = 39.2;
    await expect.poll(() => temps().at(-1) ?? 0, { timeout: 30_000 }).toBeGreaterThan(39.1);
    await agent.stop();
    await rig.board.stop();
    await running;
  }, 90_000);
});
