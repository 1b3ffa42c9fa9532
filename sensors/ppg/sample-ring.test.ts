import { describe, expect, it } from "vitest";
import { SampleRing } from "./sample-ring.js";

describe("SampleRing", () => {
  it("keeps the newest samples, oldest first, across wrap-around", () => {
    const r = new SampleRing(4);
    expect(Array.from(r.last(4))).toEqual([]);
    for (const v of [1, 2, 3]) r.push(v);
    expect(Array.from(r.last(10))).toEqual([1, 2, 3]);
    for (const v of [4, 5, 6]) r.push(v);
    expect(r.length).toBe(4);
    expect(Array.from(r.last(4))).toEqual([3, 4, 5, 6]);
    expect(Array.from(r.last(2))).toEqual([5, 6]);
  });
});
