import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Max30102Driver } from "../../sensors/i2c/max30102-driver.js";
import { Max30205Driver } from "../../sensors/i2c/max30205-driver.js";
import { decodeMlx90614, Mlx90614Driver } from "../../sensors/i2c/mlx90614-driver.js";
import type { SensorSample } from "../../sensors/sample.js";
import { Max30102Device, type PpgSource } from "../support/emulators/i2c/max30102-device.js";
import { Max30205Device } from "../support/emulators/i2c/max30205-device.js";
import { Mlx90614Device } from "../support/emulators/i2c/mlx90614-device.js";
import { loadPpgCsv, loopingSource } from "../support/emulators/i2c/ppg-fixture.js";
import { externalCapturePath, fixturePath, onExternalCapture } from "../support/fixtures.js";
import { bootFirmataRig, type FirmataRig } from "./firmata-rig.js";

// MAX30102-format red/IR counts, 25 Hz, generated from 8 s of BIDMC record 01 PLETH (ECG rate 93.75 /min;
// test/fixtures/PROVENANCE.md). The real aromring/MAX30102_by_RF capture has no licence: it gets an extra
// case below when VITALS_FIXTURES holds it.
const GENERATED_PPG = loadPpgCsv(fixturePath("generated/max30102_from_bidmc01_25hz.csv"));
const REAL_MAX30102 = externalCapturePath("max30102_ExpectedGoodQualitySignals.csv");

// Emulated time makes these deterministic; the wall-clock timeout only catches a hang, and must allow for
// the emulator running below real time when both cores are busy (0.46x seen under load).
describe("StandardFirmata in avr8js ↔ johnny-five ↔ I2C drivers", { timeout: 180_000 }, () => {
  let rig: FirmataRig;
  let ppgDevice: Max30102Device;
  const thermo = new Max30205Device();
  const ir = new Mlx90614Device();
  /** What the emulated finger shows; the extra case on the real capture swaps it. */
  let playing: PpgSource = loopingSource(GENERATED_PPG);

  beforeAll(async () => {
    let now = () => 0;
    ppgDevice = new Max30102Device(
      () => now(),
      (n) => playing(n),
    );
    const t0 = performance.now();
    rig = await bootFirmataRig([ppgDevice, thermo, ir]);
    now = () => rig.board.timeMs;
    console.info(
      `Firmata handshake after ${rig.board.timeMs.toFixed(0)} ms emulated, ${(performance.now() - t0).toFixed(0)} ms real`,
    );
  });

  afterAll(() => {
    const s = rig.board.stats;
    console.info(
      `emulation speed: ${s.emulatedMHz.toFixed(1)} MHz (${(s.emulatedMHz / 16).toFixed(2)}× real time)`,
    );
  });

  it("completes the Firmata handshake with the packaged StandardFirmata", () => {
    const io = rig.j5.io as unknown as { firmware: { name: string }; pins: unknown[] };
    expect(io.firmware.name).toBe("StandardFirmata.ino");
    expect(io.pins).toHaveLength(20); // Uno: D0–D13 + A0–A5 from the capability response
  });

  it("MAX30205: temperatures within ±0.1 °C of the patient, including a change and negative values", async () => {
    const samples: SensorSample[] = [];
    const driver = new Max30205Driver({ io: rig.j5.io, time: rig.board.time, periodMs: 250 });
    await rig.settle(driver.start((s) => samples.push(s)));
    for (const patient of [36.6, 38.27, 39.91, -3.3]) {
      thermo.temperatureC = patient;
      samples.length = 0;
      await rig.board.runFor(1100);
      expect(samples.length).toBeGreaterThanOrEqual(3);
      // The first reading may straddle the change; every later one must match.
      for (const s of samples.slice(1))
        expect(Math.abs((s.values.temp as number) - patient)).toBeLessThanOrEqual(0.1);
    }
    await rig.settle(driver.stop());
    expect(driver.failedReads).toBe(0);
  });

  it("MLX90614: asks Firmata for a repeated START, checks PEC, discards corrupted replies", async () => {
    const requests: number[][] = [];
    rig.board.serial.onHostWrite = (b) => {
      if (b[0] === 0xf0 && b[1] === 0x76 && b[2] === ir.address) requests.push([...b]);
    };
    // StandardFirmata 2.4 (the packaged hex) predates Firmata's I2C restart support and always sends
    // a STOP; a strict MLX90614 NACKs the read then (next test), so this model keeps the command.
    ir.requireRepeatedStart = false;
    ir.objectC = 36.83;
    const samples: SensorSample[] = [];
    const driver = new Mlx90614Driver({ io: rig.j5.io, time: rig.board.time, periodMs: 200 });
    await rig.settle(driver.start((s) => samples.push(s)));
    await rig.board.runFor(1000);
    ir.corruptPec = 3;
    await rig.board.runFor(1000);
    await rig.settle(driver.stop());
    rig.board.serial.onHostWrite = undefined;

    expect(requests.length).toBeGreaterThan(5);
    // I2C_REQUEST mode byte: read (bit 3) with bit 6 = "no STOP between register write and read".
    for (const r of requests) expect(r[3]).toBe(0x08 | 0x40);
    expect(driver.discarded).toBe(3);
    expect(samples.length).toBe(requests.length - 3);
    for (const s of samples) expect(Math.abs((s.values.temp as number) - 36.83)).toBeLessThanOrEqual(0.1);
  });

  it("MLX90614: a NACKed read (Firmata replies with the previous read's stale bytes) never becomes a value", async () => {
    ir.requireRepeatedStart = true;
    ir.objectC = 30; // different from the last good read, so stale bytes would show as 36.83
    const rawReplies: number[][] = [];
    const io = rig.j5.io as unknown as { on(e: string, l: (d: number[]) => void): void };
    io.on(`I2C-reply-${ir.address}-7`, (d) => rawReplies.push(d));
    const samples: SensorSample[] = [];
    const driver = new Mlx90614Driver({ io: rig.j5.io, time: rig.board.time, periodMs: 500 });
    await rig.settle(driver.start((s) => samples.push(s)));
    await rig.board.runFor(2200);
    await rig.settle(driver.stop());
    expect(samples).toEqual([]);
    expect(driver.failedReads).toBeGreaterThanOrEqual(2);
    // What the firmware sent back is the previous, PEC-valid reply: only the error string gives it away.
    expect(rawReplies.length).toBe(driver.failedReads);
    for (const r of rawReplies) expect(decodeMlx90614(ir.address, 0x07, r)).toMatchObject({ kind: "temp" });
    ir.requireRepeatedStart = false;
  });

  /** Reads 6 s of FIFO through the real driver; returns the readings that carry a heart rate. */
  async function readFifoFor6s(): Promise<SensorSample[]> {
    const got: number[][] = [];
    const samples: SensorSample[] = [];
    const driver = new Max30102Driver({
      io: rig.j5.io,
      time: rig.board.time,
      onRaw: (red, irs) => {
        for (const [i, r] of red.entries()) got.push([r, irs[i] as number]);
      },
    });
    await rig.settle(driver.start((s) => samples.push(s)));
    // The configuration the driver wrote, as the chip holds it: SpO2 mode, 100 Hz/4 avg, 4096 nA, 18 bit, 7 mA.
    await rig.board.runFor(50);
    expect(ppgDevice.peek(0x09)).toBe(0x03);
    expect(ppgDevice.peek(0x0a)).toBe((1 << 5) | (1 << 2) | 0x03);
    expect(ppgDevice.peek(0x08) >> 5).toBe(2);
    expect([ppgDevice.peek(0x0c), ppgDevice.peek(0x0d)]).toEqual([35, 35]);
    await rig.board.runFor(6000);
    // 25 Hz for ~6 s = ~150 samples through a 32-deep FIFO: the 5-bit pointers wrapped 4+ times.
    expect(got.length).toBeGreaterThanOrEqual(140);
    expect(ppgDevice.lost).toBe(0);
    expect(got).toEqual(ppgDevice.pushed.slice(0, got.length).map((s) => [s.red, s.ir]));
    expect(ppgDevice.pushed.length - got.length).toBeLessThanOrEqual(6); // only what arrived since the last poll
    await rig.settle(driver.stop());
    const withHr = samples.filter((s) => s.values.hr !== null);
    for (const s of withHr) expect(s.flags).not.toContain("finger_out");
    console.info(`MAX30102 via Firmata: HR ${withHr.map((s) => s.values.hr).join(", ")}`);
    return withHr;
  }

  it("MAX30102: every FIFO sample arrives in order across many pointer wraps; overflow is counted, not hidden", async () => {
    const withHr = await readFifoFor6s();
    expect(withHr.length).toBeGreaterThanOrEqual(2);
    // The recording's pulse: the ECG of the same 8 s of BIDMC 01 beats at 93.75 /min.
    for (const s of withHr) expect(Math.abs((s.values.hr as number) - 93.75)).toBeLessThanOrEqual(3);
  });

  it.skipIf(REAL_MAX30102 === undefined)(
    onExternalCapture(
      "MAX30102: every FIFO sample of the real recording arrives in order; plausible HR",
      "max30102_ExpectedGoodQualitySignals.csv",
    ),
    async () => {
      playing = loopingSource(loadPpgCsv(REAL_MAX30102 as string));
      try {
        const withHr = await readFifoFor6s();
        expect(withHr.length).toBeGreaterThanOrEqual(2);
        for (const s of withHr) {
          expect(s.values.hr).toBeGreaterThan(30);
          expect(s.values.hr).toBeLessThan(200);
        }
      } finally {
        playing = loopingSource(GENERATED_PPG);
      }
    },
  );

  it("MAX30102: a host that polls too slowly loses samples; the driver counts exactly the lost ones", async () => {
    const got: number[] = [];
    const driver = new Max30102Driver({
      io: rig.j5.io,
      time: rig.board.time,
      pollMs: 1700, // 42 samples arrive between polls: 10 more than the FIFO holds
      onRaw: (red) => got.push(...red),
    });
    await rig.settle(driver.start(() => undefined));
    await rig.board.runFor(5200);
    await rig.settle(driver.stop());
    expect(ppgDevice.lost).toBeGreaterThan(0);
    expect(driver.overflowed).toBe(ppgDevice.lost);
    // What was read is exactly what the FIFO kept, in order: nothing duplicated, nothing invented.
    expect(got).toEqual(ppgDevice.pushed.slice(0, got.length).map((s) => s.red));
  });

  it("MAX30102: finger out (ambient light only) raises finger_out and no values", async () => {
    const samples: SensorSample[] = [];
    const driver = new Max30102Driver({ io: rig.j5.io, time: rig.board.time });
    await rig.settle(driver.start((s) => samples.push(s)));
    await rig.board.runFor(2100);
    expect(samples.at(-1)?.flags).not.toContain("finger_out");
    ppgDevice.fingerPresent = false;
    samples.length = 0;
    await rig.board.runFor(2100);
    await rig.settle(driver.stop());
    expect(samples.length).toBe(2);
    for (const s of samples.slice(1)) {
      expect(s.flags).toEqual(["finger_out"]);
      expect(s.values).toEqual({ hr: null, spo2: null });
    }
    ppgDevice.fingerPresent = true;
  });
});
