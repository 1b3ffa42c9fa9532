import type { Classification, Reading } from "../../core/reading.js";
import type { GatewayConfig } from "../config.js";
import type { Classifier } from "./classifier.js";

type Rules = GatewayConfig["classification"];

/**
 * The original design's rule: CRITICAL when SpO2 < 95 %, temperature > 38.0 °C, or heart rate < 60
 * or > 100 bpm; otherwise NORMAL. Boundary values themselves (95, 38.0, 60, 100) are NORMAL.
 * A reading with no value to judge is UNKNOWN.
 */
export class OriginalPresetClassifier implements Classifier {
  readonly name = "original";

  constructor(private readonly rules: Rules) {}

  classify(reading: Reading): Classification {
    const { hr, spo2, temp } = reading.values;
    const reasons: string[] = [];
    const r = this.rules;
    if (typeof spo2 === "number" && spo2 < r.spo2Below) reasons.push(`SpO2 ${spo2} % < ${r.spo2Below} %`);
    if (typeof temp === "number" && temp > r.tempAbove) reasons.push(`Temp ${temp} °C > ${r.tempAbove} °C`);
    if (typeof hr === "number" && hr < r.hrBelow) reasons.push(`HR ${hr} bpm < ${r.hrBelow} bpm`);
    if (typeof hr === "number" && hr > r.hrAbove) reasons.push(`HR ${hr} bpm > ${r.hrAbove} bpm`);
    if (reasons.length > 0) return { status: "CRITICAL", reasons };
    const any = typeof hr === "number" || typeof spo2 === "number" || typeof temp === "number";
    return { status: any ? "NORMAL" : "UNKNOWN", reasons };
  }
}
