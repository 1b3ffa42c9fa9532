import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SeqRanges } from "./seq-ranges.js";

const wellFormed = (r: [number, number][]) =>
  r.every(([lo, hi], i) => lo <= hi && (i === 0 || lo > (r[i - 1] as [number, number])[1] + 1));

describe("SeqRanges", () => {
  it("holds exactly the seqs added, as sorted, disjoint, non-adjacent ranges (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 300 }), (seqs) => {
        const r = new SeqRanges([], 10_000);
        const model = new Set<number>();
        for (const s of seqs) {
          expect(r.has(s)).toBe(model.has(s));
          if (!model.has(s)) {
            r.add(s);
            model.add(s);
          }
        }
        for (let s = -1; s <= 201; s++) expect(r.has(s)).toBe(model.has(s));
        expect(r.max).toBe(model.size ? Math.max(...model) : undefined);
        expect(wellFormed(r.toJSON())).toBe(true);
        // Persisted and restored: the same set.
        expect(SeqRanges.fromJSON(JSON.stringify(r.toJSON())).toJSON()).toEqual(r.toJSON());
      }),
    );
  });

  it("past its cap closes the oldest gaps only, and counts them", () => {
    const r = new SeqRanges([], 3);
    for (const s of [1, 3, 5, 7, 9]) r.add(s);
    expect(r.toJSON()).toEqual([
      [1, 5],
      [7, 7],
      [9, 9],
    ]);
    expect(r.forgotten).toBe(2);
    expect(r.has(8)).toBe(false);
  });

  it("restores unordered or overlapping stored ranges (a migrated database) into canonical form", () => {
    expect(
      new SeqRanges([
        [10, 12],
        [1, 3],
        [4, 6],
        [11, 20],
      ]).toJSON(),
    ).toEqual([
      [1, 6],
      [10, 20],
    ]);
    expect(() => new SeqRanges([[5, 2]])).toThrow(RangeError);
  });
});
