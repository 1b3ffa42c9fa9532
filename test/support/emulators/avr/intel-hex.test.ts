import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isVitalsError } from "../../../../core/errors.js";
import { parseIntelHex, toProgramWords } from "./intel-hex.js";

/** Independent encoder: 16-byte data records with extended linear address records as needed. */
function encodeHex(image: Uint8Array, recordBytes = 16): string {
  const lines: string[] = [];
  const record = (type: number, offset: number, data: number[]) => {
    const bytes = [data.length, (offset >> 8) & 0xff, offset & 0xff, type, ...data];
    const sum = (0x100 - (bytes.reduce((a, b) => a + b, 0) & 0xff)) & 0xff;
    lines.push(
      `:${Buffer.from([...bytes, sum])
        .toString("hex")
        .toUpperCase()}`,
    );
  };
  for (let at = 0; at < image.length; at += recordBytes) {
    if (at % 0x10000 === 0 && at > 0) record(0x04, 0, [(at >> 24) & 0xff, (at >> 16) & 0xff]);
    record(0x00, at & 0xffff, [...image.subarray(at, Math.min(image.length, at + recordBytes))]);
  }
  record(0x01, 0, []);
  return `${lines.join("\r\n")}\r\n`;
}

describe("parseIntelHex", () => {
  it("round-trips any image, and unwritten flash reads as erased (0xFF)", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 600 }),
        fc.integer({ min: 1, max: 32 }),
        (img, rec) => {
          const flash = parseIntelHex(encodeHex(img, rec), 1024);
          expect([...flash.subarray(0, img.length)]).toEqual([...img]);
          expect(flash.subarray(img.length).every((b) => b === 0xff)).toBe(true);
        },
      ),
    );
  });

  it("places data above 64 KiB through extended linear address records", () => {
    const img = new Uint8Array(0x10010).fill(0x11);
    const flash = parseIntelHex(encodeHex(img), 0x20000);
    expect(flash[0x1000f]).toBe(0x11);
    expect(flash[0x10010]).toBe(0xff);
  });

  it("rejects a flipped checksum, a truncated file, garbage and data beyond flash, as config errors", () => {
    const good = encodeHex(new Uint8Array([1, 2, 3, 4]));
    const bad = [
      good.replace(
        /..\r\n/,
        (m) => `${((Number.parseInt(m.slice(0, 2), 16) + 1) & 0xff).toString(16).padStart(2, "0")}\r\n`,
      ),
      good.slice(0, good.indexOf(":00000001")),
      "hello world\n",
      ":0400000001020304F5\n:00000001FF\n", // checksum should be F2
      encodeHex(new Uint8Array(40)),
    ];
    for (const text of bad) {
      let thrown: unknown;
      try {
        parseIntelHex(text, 32);
      } catch (e) {
        thrown = e;
      }
      expect(isVitalsError(thrown, "config.invalid")).toBe(true);
    }
  });

  it("never yields an image from arbitrary text without a valid EOF", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        expect(() => parseIntelHex(text)).toThrow();
      }),
    );
  });

  it("exposes program memory as little-endian words", () => {
    expect([...toProgramWords(new Uint8Array([0x0c, 0x94, 0x34, 0x12]))]).toEqual([0x940c, 0x1234]);
  });
});
