/**
 * SpO2 from the "ratio of ratios" R = (AC_red / DC_red) / (AC_ir / DC_ir).
 *
 * Calibration: SpO2 = -45.060·R² + 30.354·R + 94.845, the curve Maxim Integrated ships with the
 * MAXREFDES117# reference design (algorithm.h, Rev 01.00, 2016: "uch_spo2_table is approximated as
 * -45.060*ratioAverage*ratioAverage + 30.354*ratioAverage + 94.845") and that R. Fraczkiewicz's
 * algorithm_by_RF.cpp (github.com/aromring/MAX30102_by_RF) evaluates with RMS AC and mean DC, valid
 * for 0.02 < R < 1.84. It is a generic curve for the MAX3010x, not calibrated against a CO-oximeter
 * on our hardware: good for trends and education, not for diagnosis.
 *
 * The parabola peaks at R ≈ 0.337 (99.96 %); below that it would fall again, which no physiology
 * explains, so R below the vertex reads as the vertex value.
 */
export const SPO2_CURVE = { a: -45.06, b: 30.354, c: 94.845 } as const;
const SPO2_R_MIN = 0.02;
export const SPO2_R_MAX = 1.84;
const R_VERTEX = -SPO2_CURVE.b / (2 * SPO2_CURVE.a);

export interface ChannelLevels {
  /** RMS of the band-passed signal over the window. */
  ac: number;
  /** Mean of the raw signal over the window. */
  dc: number;
}

/** R, or null when a channel has no usable DC or AC (division by ~0, negative levels). */
export function ratioOfRatios(red: ChannelLevels, ir: ChannelLevels): number | null {
  if (!(red.dc > 0) || !(ir.dc > 0) || !(ir.ac > 0) || !(red.ac >= 0)) return null;
  const r = red.ac / red.dc / (ir.ac / ir.dc);
  return Number.isFinite(r) ? r : null;
}

/** SpO2 in % for a ratio R, or null outside the curve's range of validity. */
export function spo2FromRatio(r: number): number | null {
  if (!(r > SPO2_R_MIN && r < SPO2_R_MAX)) return null;
  const x = Math.max(r, R_VERTEX);
  const spo2 = (SPO2_CURVE.a * x + SPO2_CURVE.b) * x + SPO2_CURVE.c;
  return Math.min(100, Math.max(0, spo2));
}
