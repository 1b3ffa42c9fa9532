import type { VitalsFrame } from "../../core/protocol/frames.js";

/**
 * The one vitals-frame builder for tests: a plausible adult at rest, numbered `seq` with device time
 * one second per seq, and `over` replacing any field.
 */
export function vitals(seq: number, over: Partial<Omit<VitalsFrame, "type">> = {}): VitalsFrame {
  return { type: "vitals", seq, t: 1_700_000_000_000 + seq * 1000, hr: 72, spo2: 98, temp: 36.8, ...over };
}
