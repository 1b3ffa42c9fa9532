import type { Classification, Reading } from "../../core/reading.js";

/** The replaceable classification stage of the pipeline. Must be pure and fast (it runs per reading). */
export interface Classifier {
  readonly name: string;
  classify(reading: Reading): Classification;
}
