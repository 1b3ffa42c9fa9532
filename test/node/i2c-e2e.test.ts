import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../core/logger.js";
import type { TimeSource } from "../../core/time.js";
import { DiskOutbox } from "../../sensors/node/disk-outbox.js";
import { resolveSensor } from "../../sensors/node/drivers.js";
import { NodeAgent } from "../../sensors/node/node-agent.js";
import { spo2FromRatio } from "../../sensors/ppg/spo2.js";
import { bootFirmataRig, type FirmataRig } from "../emulator/firmata-rig.js";
import { startTestGateway, type TestGateway } from "../harness/gateway.js";
import { Max30102Device, type PpgSource } from "../support/emulators/i2c/max30102-device.js";
import { Max30205Device } from "../support/emulators/i2c/max30205-device.js";

const T0 = 1_790_000_000_000;
const BPM = 66;

/** A pulse-like PPG at BPM, sampled at the chip's default output rate (100 Hz / 4 = 25 Hz). */
const pulse: PpgSource = (n) => {
  const ph = 2 * Math.PI * (BPM / 60) * (n / 25);
  const shape = Math.sin(ph) + 0.4 * Math.sin(2 * ph + 0.8);
  return { red: Math.round(100_000 - 500 * shape), ir: Math.round(120_000 - 900 * shape) };
};

// StandardFirmata on an emulated Uno with a MAX30205 on its I2C bus → johnny-five → the registry's
// max30205 driver → NodeAgent → real gateway on loopback: the patient's temperature is stored.
describe("I2C sensor end to end: emulated Firmata board → vitals node agent → gateway", () => {
  let rig: FirmataRig;
  let gw: TestGateway;
  let dir: string;
  const thermo = new Max30205Device();
  let oximeter: Max30102Device;

  beforeAll(async () => {
    let now = () => 0;
    oximeter = new Max30102Device(() => now(), pulse);
    rig = await bootFirmataRig([thermo, oximeter]);
    now = () => rig.board.timeMs;
    gw = await startTestGateway();
    dir = mkdtempSync(join(tmpdir(), "vitals-i2c-node-"));
  }, 60_000);

  afterAll(async () => {
    await rig?.board.stop();
    await gw?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("stores the MAX30205's temperature (and follows a change) and the MAX30102's heart rate from the PPG processor", async () => {
    // One time base for everything: the emulated board's clock (drivers poll on it, samples carry it,
    // the merger judges freshness by it, the agent ticks on it), offset to a plausible epoch for the gateway.
    const time: TimeSource = {
      now: () => T0 + rig.board.timeMs,
      every: (ms, fn) => rig.board.time.every(ms, fn),
      after: (ms, fn) => rig.board.time.after(ms, fn),
    };
    const ctx = {
      rateHz: 4,
      time,
      logger: silentLogger,
      openBoard: async () => rig.j5.io,
    };
    const specs = [
      resolveSensor("max30205:address=0x48,period=250"),
      resolveSensor("max30102:estimator=ppg"),
    ];
    const agent = new NodeAgent({
      gateway: { host: "127.0.0.1", port: gw.tcpPort },
      hello: { node: "i2c-node", bed: "Bed-I2C" },
      sensors: specs.map((spec) => ({
        label: spec.definition.name,
        parameters: spec.definition.parameters,
        create: spec.definition.prepare(spec.options, ctx),
      })),
      outbox: new DiskOutbox({ file: join(dir, "outbox.db"), synchronous: "normal" }),
      rateHz: 4,
      time,
    });
    thermo.temperatureC = 37.8;
    const running = rig.board.start({ realtime: true });
    agent.start();
    const rows = () => {
      const db = new Database(join(gw.dataDir, "vitals.db"), { readonly: true });
      try {
        return db
          .prepare("SELECT hr, spo2, temp FROM readings WHERE node = 'i2c-node' ORDER BY seq")
          .all() as {
          hr: number | null;
          spo2: number | null;
          temp: number | null;
        }[];
      } finally {
        db.close();
      }
    };
    const temps = () => rows().map((r) => r.temp);
    await expect.poll(() => temps().filter((t) => t !== null).length, { timeout: 30_000 }).toBeGreaterThan(2);
    for (const t of temps().filter((x) => x !== null))
      expect(Math.abs((t as number) - 37.8)).toBeLessThanOrEqual(0.1);
    // The PPG processor needs 4 s of signal before its first heart rate.
    await expect
      .poll(() => rows().filter((r) => r.hr !== null).length, { timeout: 60_000 })
      .toBeGreaterThan(2);
    // Same pulse shape on both LEDs: R = (500/100000)/(900/120000); the sensors/ppg calibration curve
    // (not the driver's simple 110 − 25·R stand-in) must be what turned it into SpO2.
    const expectedSpo2 = spo2FromRatio(500 / 100_000 / (900 / 120_000)) as number;
    for (const r of rows().filter((x) => x.hr !== null)) {
      expect(Math.abs((r.hr as number) - BPM)).toBeLessThanOrEqual(3);
      expect(Math.abs((r.spo2 as number) - expectedSpo2)).toBeLessThanOrEqual(1);
    }
    thermo.temperatureC = 39.2;
    await expect.poll(() => temps().at(-1) ?? 0, { timeout: 30_000 }).toBeGreaterThan(39.1);
    await agent.stop();
    await rig.board.stop();
    await running;
  }, 90_000);
});
