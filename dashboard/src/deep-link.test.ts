import { describe, expect, it } from "vitest";
import { bedFromHash, hashForBed } from "./deep-link.js";

describe("#bed= deep links", () => {
  it("round-trips bed labels, including ones that need escaping", () => {
    for (const bed of ["12", "Bed-3", "ICU 3/B", "Zimmer ü"]) expect(bedFromHash(hashForBed(bed))).toBe(bed);
  });
  it("ignores other hashes and broken escapes", () => {
    for (const h of ["", "#", "#bed=", "#foo=1", "#bed=%E0%A4%A", `#bed=${"x".repeat(65)}`])
      expect(bedFromHash(h)).toBeNull();
  });
});
