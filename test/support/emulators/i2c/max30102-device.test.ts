import { describe, expect, it } from "vitest";
import { decodeFifo, fifoUnread } from "../../../../sensors/i2c/max30102-driver.js";
import { Max30102Reg as R } from "../../../../sensors/i2c/max30102-registers.js";
import type { I2cDevice } from "./i2c-device.js";
import { Max30102Device } from "./max30102-device.js";

function writeRegs(dev: I2cDevice, reg: number, bytes: number[]): void {
  expect(dev.select(true, false)).toBe(true);
  for (const b of [reg, ...bytes]) expect(dev.write(b)).toBe(true);
  dev.stop();
}

function readRegs(dev: I2cDevice, reg: number, n: number): number[] {
  dev.select(true, false);
  dev.write(reg);
  dev.select(false, true);
  const out = Array.from({ length: n }, (_, i) => dev.read(i < n - 1));
  dev.stop();
  return out;
}

/** A device at 100 Hz / 4 averages = 25 Hz in SpO2 mode, fed a counter so order is visible. */
function running(rollover = false) {
  let ms = 0;
  const dev = new Max30102Device(
    () => ms,
    (n) => ({ red: 1000 + n, ir: 0x20000 + n }),
  );
  writeRegs(dev, R.FifoConfig, [(2 << 5) | (rollover ? 0x10 : 0) | 0x0f]);
  writeRegs(dev, R.SpO2Config, [(1 << 5) | (1 << 2) | 3]);
  writeRegs(dev, R.Led1Amplitude, [0x24, 0x24]);
  writeRegs(dev, R.ModeConfig, [0x03]);
  return { dev, advance: (dt: number) => (ms += dt) };
}

function drain(dev: I2cDevice): { red: number[]; ir: number[]; ovf: number } {
  const [wr = 0, ovf = 0, rd = 0] = readRegs(dev, R.FifoWrPtr, 3);
  const n = fifoUnread(wr, ovf, rd);
  const block = decodeFifo(readRegs(dev, R.FifoData, n * 6), 2);
  if (block.kind !== "samples") throw new Error(block.why);
  return { ...block, ovf };
}

describe("Max30102Device register model", () => {
  it("identifies as part 0x15 and reports power-ready once, cleared by reading", () => {
    const { dev } = running();
    expect(readRegs(dev, R.PartId, 1)).toEqual([0x15]);
    const dev2 = new Max30102Device(
      () => 0,
      () => ({ red: 0, ir: 0 }),
    );
    expect(readRegs(dev2, R.IntStatus1, 1)).toEqual([0x01]);
    expect(readRegs(dev2, R.IntStatus1, 1)).toEqual([0x00]);
  });

  it("produces samples at SR/averaging and pops 6 bytes per sample, in order, across pointer wraps", () => {
    const { dev, advance } = running();
    const red: number[] = [];
    for (let round = 0; round < 10; round++) {
      advance(1000); // 25 samples per second
      const got = drain(dev);
      red.push(...got.red);
      expect(got.ir.map((v) => v - 0x20000)).toEqual(got.red.map((v) => v - 1000));
    }
    expect(red).toEqual(Array.from({ length: 250 }, (_, n) => 1000 + n));
  });

  it("without rollover a full FIFO drops new samples and counts them (saturating at 31), cleared by a pop", () => {
    const { dev, advance } = running();
    advance(2000); // 50 samples into 32 slots
    expect((readRegs(dev, R.IntStatus1, 1)[0] ?? 0) & 0x80).toBe(0x80); // A_FULL
    const [wr, ovf, rd] = readRegs(dev, R.FifoWrPtr, 3);
    expect([wr, ovf, rd]).toEqual([0, 18, 0]);
    const got = drain(dev);
    expect(got.red).toEqual(Array.from({ length: 32 }, (_, n) => 1000 + n)); // the oldest were kept
    expect(readRegs(dev, R.OvfCounter, 1)).toEqual([0]);
    advance(4000); // 100 more: 68 lost, counter saturates
    expect(readRegs(dev, R.OvfCounter, 1)).toEqual([31]);
    expect(dev.lost).toBe(18 + 68);
  });

  it("with rollover the oldest samples are overwritten instead", () => {
    const { dev, advance } = running(true);
    advance(2000);
    const got = drain(dev);
    expect(got.red).toEqual(Array.from({ length: 32 }, (_, n) => 1000 + 18 + n));
  });

  it("stops sampling in shutdown, and a reset clears the FIFO and configuration", () => {
    const { dev, advance } = running();
    advance(400);
    writeRegs(dev, R.ModeConfig, [0x83]);
    advance(4000);
    expect(drain(dev).red).toHaveLength(10);
    writeRegs(dev, R.ModeConfig, [0x40]);
    expect(readRegs(dev, R.FifoWrPtr, 3)).toEqual([0, 0, 0]);
    expect(readRegs(dev, R.SpO2Config, 1)).toEqual([0]);
  });

  it("an LED at 0 mA gives only ambient light on its channel", () => {
    const { dev, advance } = running();
    writeRegs(dev, R.Led2Amplitude, [0]);
    advance(400);
    const got = drain(dev);
    expect(got.red).toEqual(Array.from({ length: 10 }, (_, n) => 1000 + n));
    for (const v of got.ir) expect(v).toBeLessThan(1000);
  });

  it("with no finger the photodiode sees only a low ambient level", () => {
    const { dev, advance } = running();
    dev.fingerPresent = false;
    advance(1000);
    const got = drain(dev);
    expect(got.ir.length).toBe(25);
    for (const v of got.ir) expect(v).toBeLessThan(1000);
  });
});
