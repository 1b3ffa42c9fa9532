import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CR, FS, MllpDecoder, mllpFrame, VT } from "./mllp.js";

/** Splits a buffer at the given cut points. */
function chunks(buf: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(buf.subarray(prev, p));
    prev = p;
  }
  out.push(buf.subarray(prev));
  return out;
}

const hl7ish = fc.string({ unit: fc.constantFrom(..."MSH|^~\\&ABC123\r .é"), maxLength: 200 });

describe("MllpDecoder", () => {
  it("returns every framed message, whatever the chunking", () => {
    fc.assert(
      fc.property(fc.array(hl7ish, { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 20 }), (msgs, cuts) => {
        const wire = Buffer.concat(msgs.map(mllpFrame));
        const d = new MllpDecoder();
        const got = chunks(wire, cuts).flatMap((c) => d.push(c));
        expect(got).toEqual(msgs.map((text) => ({ kind: "message", text })));
      }),
    );
  });

  it("never makes a message out of bytes without a start block", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const noVt = Buffer.from(bytes.filter((b) => b !== VT));
        const got = new MllpDecoder().push(noVt);
        expect(got.every((e) => e.kind === "discarded")).toBe(true);
      }),
    );
  });

  it("recovers after garbage, an unterminated frame and an oversized frame", () => {
    const d = new MllpDecoder(16);
    const wire = Buffer.concat([
      Buffer.from("noise"),
      Buffer.from([VT]),
      Buffer.from("cut short"),
      mllpFrame("MSH|ok1"),
      mllpFrame("x".repeat(40)),
      Buffer.from([VT, 0x41, FS, 0x42]),
      mllpFrame("MSH|ok2"),
      Buffer.from([CR, 0x0a]),
    ]);
    const events = chunks(wire, [7, 11, 30, 31, 60]).flatMap((c) => d.push(c));
    expect(events.filter((e) => e.kind === "message")).toEqual([
      { kind: "message", text: "MSH|ok1" },
      { kind: "message", text: "MSH|ok2" },
    ]);
    expect(
      events.filter((e) => e.kind === "discarded").map((e) => (e.kind === "discarded" ? e.why : "")),
    ).toEqual(["outside_frame", "unterminated", "too_long", "bad_end"]);
  });
});
