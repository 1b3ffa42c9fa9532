import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LineSplitter, type SplitEvent } from "./line-splitter.js";

function feed(splitter: LineSplitter, chunks: Buffer[]): SplitEvent[] {
  return chunks.flatMap((c) => [...splitter.push(c)]);
}

/** Cuts a buffer at the given fractional positions. */
function cut(buf: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => Math.floor(c * buf.length)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(buf.subarray(prev, p));
    prev = p;
  }
  out.push(buf.subarray(prev));
  return out;
}

describe("LineSplitter", () => {
  it("splits lines, strips CR, skips empty lines", () => {
    const ev = feed(new LineSplitter(), [Buffer.from("a\r\n\nb\nc")]);
    expect(ev).toEqual([
      { kind: "line", line: "a" },
      { kind: "line", line: "b" },
    ]);
  });

  it("yields the same lines however the stream is chunked (including inside UTF-8 characters)", () => {
    const line = fc
      .string({ unit: "grapheme", minLength: 1, maxLength: 60 })
      .filter((s) => !s.includes("\n") && !s.includes("\r"));
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 20 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 30 }),
        (lines, cuts) => {
          const buf = Buffer.from(lines.map((l) => `${l}\n`).join(""));
          const got = feed(new LineSplitter(), cut(buf, cuts));
          expect(got).toEqual(lines.map((l) => ({ kind: "line", line: l })));
        },
      ),
    );
  });

  it("reports an oversize line once, discards it, and recovers at the next newline", () => {
    const s = new LineSplitter(10);
    const ev = feed(s, [Buffer.from("x".repeat(6)), Buffer.from("x".repeat(30)), Buffer.from("yy\nok\n")]);
    expect(ev).toEqual([
      { kind: "too_long", bytes: 36 },
      { kind: "line", line: "ok" },
    ]);
  });

  it("accepts a line of exactly the limit, rejects one byte more", () => {
    const s = new LineSplitter(8);
    const ev = feed(s, [Buffer.from(`${"a".repeat(8)}\n${"b".repeat(8)}\r\n${"c".repeat(9)}\n`)]);
    expect(ev).toEqual([
      { kind: "line", line: "a".repeat(8) },
      { kind: "line", line: "b".repeat(8) },
      { kind: "too_long", bytes: 9 },
    ]);
  });

  it("never buffers more than the limit under a flood without newlines", () => {
    const s = new LineSplitter(4096);
    for (let i = 0; i < 1000; i++) [...s.push(Buffer.alloc(1024, 0x41))];
    expect(s.buffered).toBeLessThanOrEqual(4097);
  });
});
