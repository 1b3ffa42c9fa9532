import type { VitalParameter } from "./frames.js";

/**
 * Physiologically possible ranges (inclusive). A value outside is a sensor or transmission fault,
 * rejected as `bad_value` and never classified. These are not alarm limits.
 * Sources: device specification ranges (Masimo Rad-8 PR 25–240 bpm, SpO2 0–100 %, PI 0.02–20 %),
 * widened where survival has been documented (core temperature 13.7–46.5 °C).
 */
export const PLAUSIBLE: Record<VitalParameter, readonly [min: number, max: number]> = {
  hr: [0, 350],
  spo2: [0, 100],
  temp: [10, 47],
  rr: [0, 150],
  sbp: [20, 300],
  dbp: [10, 250],
  pi: [0, 30],
  battery: [0, 100],
};

export const UNITS: Record<VitalParameter, string> = {
  hr: "bpm",
  spo2: "%",
  temp: "°C",
  rr: "breaths/min",
  sbp: "mmHg",
  dbp: "mmHg",
  pi: "%",
  battery: "%",
};
