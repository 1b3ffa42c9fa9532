import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RECONNECT_BASE_MS, RECONNECT_CAP_MS, reconnectDelay } from "./reconnect-backoff.js";

describe("reconnectDelay", () => {
  it("doubles from the base without jitter", () => {
    const mid = () => 0.5;
    expect([0, 1, 2, 3].map((a) => reconnectDelay(a, mid))).toEqual([
      RECONNECT_BASE_MS,
      RECONNECT_BASE_MS * 2,
      RECONNECT_BASE_MS * 4,
      RECONNECT_BASE_MS * 8,
    ]);
  });

  it("never exceeds the cap plus jitter, even after very many attempts", () => {
    fc.assert(
      fc.property(fc.nat(), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
        const d = reconnectDelay(attempt, () => r);
        expect(d).toBeGreaterThanOrEqual(Math.round(RECONNECT_BASE_MS * 0.8));
        expect(d).toBeLessThanOrEqual(RECONNECT_CAP_MS * 1.2);
      }),
    );
  });
});
