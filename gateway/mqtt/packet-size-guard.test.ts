import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MqttPacketSizeTracker } from "./packet-size-guard.js";

const LIMIT = 1024;

function varint(x: number): number[] {
  const out: number[] = [];
  do {
    let b = x % 128;
    x = Math.floor(x / 128);
    if (x > 0) b |= 0x80;
    out.push(b);
  } while (x > 0);
  return out;
}

/** An MQTT packet: fixed-header byte, remaining length (variable-length encoding), body. */
function packet(first: number, bodyLength: number): Uint8Array {
  return Uint8Array.from([first, ...varint(bodyLength), ...new Array<number>(bodyLength).fill(0x41)]);
}

/** Cuts bytes at arbitrary points. */
function chunked(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const c of [...at, bytes.length]) {
    out.push(bytes.subarray(prev, c));
    prev = c;
  }
  return out;
}

const concat = (ps: Uint8Array[]) => Uint8Array.from(ps.flatMap((p) => [...p]));
const okPacket = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: LIMIT - 3 }));

describe("MqttPacketSizeTracker", () => {
  it("accepts any sequence of packets within the limit, however the stream is cut", () => {
    fc.assert(
      fc.property(fc.array(okPacket, { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 10 }), (ps, cuts) => {
        const t = new MqttPacketSizeTracker(LIMIT);
        for (const c of chunked(concat(ps.map(([f, n]) => packet(f, n))), cuts))
          expect(t.push(c)).toBeUndefined();
      }),
    );
  });

  it("flags a packet announcing more than the limit as soon as its header is complete", () => {
    fc.assert(
      fc.property(
        fc.array(okPacket, { maxLength: 4 }),
        fc.integer({ min: LIMIT, max: 268_435_455 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (before, big, cuts) => {
          const headerLength = 1 + (big < 128 ? 1 : big < 16_384 ? 2 : big < 2_097_152 ? 3 : 4);
          const header = Uint8Array.from([0x30, ...varint(big)]);
          expect(header).toHaveLength(headerLength);
          const t = new MqttPacketSizeTracker(LIMIT);
          const verdicts = chunked(concat([...before.map(([f, n]) => packet(f, n)), header]), cuts).map((c) =>
            t.push(c),
          );
          const flagged = verdicts.filter((v) => v !== undefined);
          expect(flagged).toHaveLength(1);
          expect(flagged[0]).toMatch(/exceeds/);
        },
      ),
    );
  });

  it("flags a remaining length longer than four bytes", () => {
    const t = new MqttPacketSizeTracker(LIMIT);
    expect(t.push(Uint8Array.from([0x10, 0xff, 0xff, 0xff, 0xff]))).toMatch(/malformed/);
  });

  it("never throws on garbage", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        const t = new MqttPacketSizeTracker(LIMIT);
        const v = t.push(bytes);
        expect(v === undefined || typeof v === "string").toBe(true);
      }),
    );
  });
});
