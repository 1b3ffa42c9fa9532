import { describe, expect, it } from "vitest";
import type { BedView } from "../../core/api-types.js";
import { clockOffset, freshnessOf, gatewayTime, STALE_AFTER_MS } from "./freshness.js";

function bed(over: Partial<BedView>): BedView {
  return {
    bed: "Bed-1",
    ward: null,
    patient: null,
    node: "n1",
    connected: true,
    status: "NORMAL",
    reasons: [],
    last_reading: null,
    last_reading_at: null,
    alarm: null,
    news2: null,
    stay: null,
    ...over,
  };
}

describe("freshnessOf", () => {
  const now = 1_700_000_000_000;

  it("is live up to and including the stale threshold, stale just after", () => {
    expect(freshnessOf(bed({ last_reading_at: now }), now)).toBe("live");
    expect(freshnessOf(bed({ last_reading_at: now - STALE_AFTER_MS }), now)).toBe("live");
    expect(freshnessOf(bed({ last_reading_at: now - STALE_AFTER_MS - 1 }), now)).toBe("stale");
  });

  it("reports offline when the node is not connected, however recent the reading", () => {
    expect(freshnessOf(bed({ connected: false, last_reading_at: now }), now)).toBe("offline");
  });

  it("is waiting for a connected bed that never sent a reading", () => {
    expect(freshnessOf(bed({ last_reading_at: null }), now)).toBe("waiting");
  });
});

describe("gateway clock", () => {
  it("corrects a browser clock that runs 30 s behind the gateway", () => {
    const offset = clockOffset(1_000_030_000, 1_000_000_000);
    expect(gatewayTime(1_000_005_000, offset)).toBe(1_000_035_000);
    // A reading received 2 s ago on the gateway clock is live, though 32 s old by the browser's clock.
    const b = bed({ last_reading_at: 1_000_033_000 });
    expect(freshnessOf(b, gatewayTime(1_000_005_000, offset))).toBe("live");
    expect(freshnessOf(b, 1_000_005_000 + 30_000 + 12_000)).toBe("stale");
  });
});
