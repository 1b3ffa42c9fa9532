import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeMax30205 } from "../../../../sensors/i2c/max30205-driver.js";
import { decodeMlx90614 } from "../../../../sensors/i2c/mlx90614-driver.js";
import { Max30205Device } from "./max30205-device.js";
import { Mlx90614Device } from "./mlx90614-device.js";

function readWord(dev: Max30205Device | Mlx90614Device, reg: number, n: number, repeated = true) {
  dev.select(true, false);
  dev.write(reg);
  if (!repeated) dev.stop();
  if (!dev.select(false, repeated)) return undefined;
  const out = Array.from({ length: n }, (_, i) => dev.read(i < n - 1));
  dev.stop();
  return out;
}

describe("MAX30205 model + decoder", () => {
  it("round-trips any temperature in the sensor's range to within half an LSB (1/512 °C)", () => {
    fc.assert(
      fc.property(fc.double({ min: -127, max: 127, noNaN: true }), (celsius) => {
        const dev = new Max30205Device();
        dev.temperatureC = celsius;
        const reading = decodeMax30205(readWord(dev, 0x00, 2) ?? []);
        expect(reading.kind).toBe("temp");
        if (reading.kind === "temp")
          expect(Math.abs(reading.celsius - celsius)).toBeLessThanOrEqual(1 / 512 + 1e-9);
      }),
    );
  });

  it("decodes the datasheet's two's complement examples", () => {
    expect(decodeMax30205([0x25, 0x00])).toEqual({ kind: "temp", celsius: 37 });
    expect(decodeMax30205([0xff, 0x00])).toEqual({ kind: "temp", celsius: -1 });
    expect(decodeMax30205([0x00, 0x01])).toEqual({ kind: "temp", celsius: 1 / 256 });
  });

  it("discards wrong lengths and non-bytes", () => {
    for (const bad of [[], [0x25], [0x25, 0, 0], [256, 0], [-1, 0], [1.5, 0]]) {
      expect(decodeMax30205(bad).kind).toBe("discarded");
    }
  });
});

describe("MLX90614 model + decoder", () => {
  it("round-trips object temperatures (0.02 K units) through a PEC-checked read", () => {
    fc.assert(
      fc.property(fc.double({ min: -70, max: 380, noNaN: true }), (celsius) => {
        const dev = new Mlx90614Device();
        dev.objectC = celsius;
        const reading = decodeMlx90614(0x5a, 0x07, readWord(dev, 0x07, 3) ?? []);
        expect(reading.kind).toBe("temp");
        if (reading.kind === "temp")
          expect(Math.abs(reading.celsius - celsius)).toBeLessThanOrEqual(0.01 + 1e-9);
      }),
    );
  });

  it("a corrupted PEC, or any flipped bit in the reply, is discarded, never a value", () => {
    const dev = new Mlx90614Device();
    dev.corruptPec = 1;
    expect(decodeMlx90614(0x5a, 0x07, readWord(dev, 0x07, 3) ?? [])).toMatchObject({ why: "bad PEC" });
    const good = readWord(dev, 0x07, 3) ?? [];
    expect(decodeMlx90614(0x5a, 0x07, good).kind).toBe("temp");
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 23 }), (bit) => {
        const bad = [...good];
        bad[bit >> 3] = (bad[bit >> 3] as number) ^ (1 << (bit & 7));
        expect(decodeMlx90614(0x5a, 0x07, bad).kind).toBe("discarded");
      }),
    );
  });

  it("random replies only yield a value when their PEC happens to match", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5, max: 300 }), { maxLength: 5 }), (bytes) => {
        const r = decodeMlx90614(0x5a, 0x07, bytes);
        if (r.kind === "temp") {
          expect(bytes).toHaveLength(3);
          expect(r.celsius).toBeGreaterThanOrEqual(-273.15);
        }
      }),
    );
  });

  it("NACKs a read that is not a repeated START unless told to tolerate it", () => {
    const dev = new Mlx90614Device();
    expect(readWord(dev, 0x07, 3, false)).toBeUndefined();
    dev.requireRepeatedStart = false;
    const bytes = readWord(dev, 0x07, 3, false) ?? [];
    expect(decodeMlx90614(0x5a, 0x07, bytes).kind).toBe("temp");
  });
});
