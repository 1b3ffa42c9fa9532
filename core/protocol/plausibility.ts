import { byParameter, type VitalParameter } from "../parameters.js";

/**
 * Physiologically possible ranges (inclusive), per parameter. A value outside is a sensor or
 * transmission fault, rejected as `bad_value` and never classified. These are not alarm limits.
 * Declared, with their sources, in core/parameters.ts.
 */
export const PLAUSIBLE: Record<VitalParameter, readonly [min: number, max: number]> = byParameter(
  (p) => p.plausible,
);

/** Units as the protocol documents them and `bad_value` messages print them. */
export const UNITS: Record<VitalParameter, string> = byParameter((p) => p.unit);
