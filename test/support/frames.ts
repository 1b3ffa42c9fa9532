import type { VitalsFrame } from "../../core/protocol/frames.js";

/**
 * Device time of seq 0: recent, so a gateway on the system clock does not flag the readings
 * `clock_skew` (more than 7 days old, or more than 5 minutes ahead), for any seq below ~250 000.
 */
const BASE_T = Date.now() - 3 * 24 * 3_600_000;

/**
 * The one vitals-frame builder for tests: a plausible adult at rest, numbered `seq` with device time
 * one second per seq, and `over` replacing any field.
 */
export function vitals(seq: number, over: Partial<Omit<VitalsFrame, "type">> = {}): VitalsFrame {
  return { type: "vitals", seq, t: BASE_T + seq * 1000, hr: 72, spo2: 98, temp: 36.8, ...over };
}
