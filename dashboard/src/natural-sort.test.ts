import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareBedLabels } from "./natural-sort.js";

const sorted = (labels: string[]) => [...labels].sort(compareBedLabels);

describe("compareBedLabels", () => {
  it("orders digit runs by value", () => {
    expect(sorted(["Bed-10", "Bed-2", "Bed-1", "Bed-20", "Bed-3"])).toEqual([
      "Bed-1",
      "Bed-2",
      "Bed-3",
      "Bed-10",
      "Bed-20",
    ]);
  });

  it("orders several numeric fields and ignores letter case", () => {
    expect(sorted(["icu-b1", "ICU-A12", "ICU-A2", "Ward 3 Bed 10", "Ward 3 Bed 9", "Ward 10 Bed 1"])).toEqual(
      ["ICU-A2", "ICU-A12", "icu-b1", "Ward 3 Bed 9", "Ward 3 Bed 10", "Ward 10 Bed 1"],
    );
  });

  it("puts a prefix before its extensions and handles empty labels", () => {
    expect(sorted(["Bed-1a", "Bed-1", ""])).toEqual(["", "Bed-1", "Bed-1a"]);
  });

  it("is a total order: antisymmetric, reflexive-zero and transitive on arbitrary labels", () => {
    const label = fc.stringMatching(/^[A-Za-z0-9 -]{0,8}$/);
    fc.assert(
      fc.property(label, label, label, (a, b, c) => {
        expect(compareBedLabels(a, a)).toBe(0);
        expect(Math.sign(compareBedLabels(a, b)) + Math.sign(compareBedLabels(b, a))).toBe(0);
        if (compareBedLabels(a, b) <= 0 && compareBedLabels(b, c) <= 0) {
          expect(compareBedLabels(a, c)).toBeLessThanOrEqual(0);
        }
      }),
    );
  });
});
