import { SPO2_CURVE } from "../../sensors/ppg/spo2.js";
import type { PpgSample, PpgSource } from "../support/emulators/i2c/max30102-device.js";

export interface SyntheticPatient {
  /** Heart rate the pulse repeats at, /min. */
  bpm: number;
  /** Ratio of ratios R the red channel is built with (SpO2 follows from Maxim's curve). */
  ratio: number;
  /** Output rate of the emulated sensor, Hz. */
  rateHz: number;
  irDc?: number;
  redDc?: number;
  /** Pulse amplitude relative to the IR DC (perfusion). */
  perfusion?: number;
}

/** The SpO2 a perfect device would compute for this patient: Maxim's curve at R (docs/sensors.md). */
export function expectedSpo2(ratio: number): number {
  const x = Math.max(ratio, -SPO2_CURVE.b / (2 * SPO2_CURVE.a));
  return (SPO2_CURVE.a * x + SPO2_CURVE.b) * x + SPO2_CURVE.c;
}

/**
 * A finger PPG with a known rate and R: each beat is a systolic Gaussian plus a smaller, later dicrotic
 * one (the shape that tempts naive detectors into double counting), riding on a DC with slow
 * respiratory drift. Red carries the same pulse scaled so (AC/DC)red / (AC/DC)ir = R exactly.
 */
export function syntheticPpg(p: SyntheticPatient): PpgSource {
  const irDc = p.irDc ?? 120_000;
  const redDc = p.redDc ?? 100_000;
  const perfusion = p.perfusion ?? 0.01;
  const period = 60 / p.bpm;
  const pulse = (t: number): number => {
    const phase = (t % period) / period; // 0..1 within a beat
    const g = (mu: number, sigma: number) => Math.exp(-0.5 * ((phase - mu) / sigma) ** 2);
    return g(0.2, 0.07) + 0.35 * g(0.55, 0.08);
  };
  return (n: number): PpgSample => {
    const t = n / p.rateHz;
    const breathing = 1 + 0.002 * Math.sin(2 * Math.PI * 0.25 * t);
    const ac = pulse(t);
    return {
      ir: Math.round(irDc * breathing * (1 + perfusion * ac)),
      red: Math.round(redDc * breathing * (1 + perfusion * p.ratio * ac)),
    };
  };
}
