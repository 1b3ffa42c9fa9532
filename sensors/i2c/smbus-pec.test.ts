import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { smbusPec } from "./smbus-pec.js";

describe("smbusPec (CRC-8, poly 0x07)", () => {
  it("matches the MLX90614 datasheet example: read 0x07 from 0x5A = 0x3AD2 with PEC 0x30", () => {
    // Datasheet §8.4.3.2: SA_W=0xB4, Command=0x07, SA_R=0xB5, LSB=0xD2, MSB=0x3A, PEC=0x30.
    expect(smbusPec([0xb4, 0x07, 0xb5, 0xd2, 0x3a])).toBe(0x30);
  });

  it("matches the CRC-8/SMBUS check value for '123456789'", () => {
    expect(smbusPec(Buffer.from("123456789"))).toBe(0xf4);
  });

  it("detects every single-bit error (appending the PEC gives 0, flipping a bit never does)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 16 }), fc.nat(), (bytes, pick) => {
        const framed = [...bytes, smbusPec(bytes)];
        expect(smbusPec(framed)).toBe(0);
        const bit = pick % (framed.length * 8);
        framed[bit >> 3] = (framed[bit >> 3] as number) ^ (1 << (bit & 7));
        expect(smbusPec(framed)).not.toBe(0);
      }),
    );
  });
});
