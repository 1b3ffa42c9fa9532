/**
 * Prints the evaluation table of docs/sensors.md: `node --import tsx test/ppg/print-evaluation-table.ts`.
 * Paste the output between the evaluation-table markers there; test/ppg/evaluation.test.ts fails
 * until the doc matches.
 */
import { evaluationTable } from "./evaluation-table.js";

console.log(evaluationTable());
