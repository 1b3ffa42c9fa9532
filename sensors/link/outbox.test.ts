import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { vitals } from "../../test/support/frames.js";
import { backoffDelay } from "./backoff.js";
import { MemoryOutbox } from "./outbox.js";

describe("MemoryOutbox", () => {
  it("keeps frames until a cumulative ack covers them", () => {
    const o = new MemoryOutbox();
    for (let s = 1; s <= 5; s++) o.push(vitals(s));
    expect(o.pending(0, 2).map((f) => f.seq)).toEqual([1, 2]);
    expect(o.pending(3, 10).map((f) => f.seq)).toEqual([4, 5]);
    o.ack(3);
    expect(o.size).toBe(2);
    expect(o.lastSeq()).toBe(5);
    expect(() => o.push(vitals(5))).toThrow(RangeError);
  });

  it("drops the oldest when full and counts it", () => {
    const o = new MemoryOutbox(3);
    for (let s = 1; s <= 5; s++) o.push(vitals(s));
    expect(o.pending(0, 10).map((f) => f.seq)).toEqual([3, 4, 5]);
    expect(o.dropped).toBe(2);
  });

  it("starts a new boot: a new id, pending frames renumbered from 1, numbering after them", () => {
    const o = new MemoryOutbox();
    const first = o.boot;
    for (let s = 1; s <= 4; s++) o.push(vitals(s, { hr: 60 + s, spo2: null, temp: null }));
    o.ack(1);
    o.newBoot();
    expect(o.boot).not.toBe(first);
    expect(o.pending(0, 10).map((f) => [f.seq, f.hr])).toEqual([
      [1, 62],
      [2, 63],
      [3, 64],
    ]);
    expect(o.lastSeq()).toBe(3);
  });
});

describe("backoffDelay", () => {
  it("grows exponentially, is capped, and is jittered within [ceiling/2, ceiling]", () => {
    fc.assert(
      fc.property(fc.nat(100), fc.double({ min: 0, max: 0.999, noNaN: true }), (attempt, r) => {
        const ceiling = Math.min(10_000, 250 * 2 ** Math.min(attempt, 30));
        const d = backoffDelay(attempt, { initialMs: 250, maxMs: 10_000 }, () => r);
        expect(d).toBeGreaterThanOrEqual(ceiling / 2 - 1);
        expect(d).toBeLessThanOrEqual(ceiling);
      }),
    );
  });
});
