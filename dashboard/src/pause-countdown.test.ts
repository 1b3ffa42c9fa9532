import { describe, expect, it } from "vitest";
import { formatCountdown, pauseRemainingMs } from "./pause-countdown.js";

describe("audio pause countdown", () => {
  it("counts down on the gateway clock and stops at zero", () => {
    expect(pauseRemainingMs(10_000 + 120_000, 10_000)).toBe(120_000);
    expect(pauseRemainingMs(10_000, 15_000)).toBe(0);
    expect(pauseRemainingMs(null, 15_000)).toBe(0);
    expect(pauseRemainingMs(Number.NaN, 15_000)).toBe(0);
  });

  it("shows m:ss rounded up, so 0:00 appears only once the pause is over", () => {
    expect(formatCountdown(120_000)).toBe("2:00");
    expect(formatCountdown(105_000)).toBe("1:45");
    expect(formatCountdown(59_001)).toBe("1:00");
    expect(formatCountdown(1)).toBe("0:01");
    expect(formatCountdown(0)).toBe("0:00");
    expect(formatCountdown(-5)).toBe("0:00");
    expect(formatCountdown(900_000)).toBe("15:00");
  });
});
