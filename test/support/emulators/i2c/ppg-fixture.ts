import { readFileSync } from "node:fs";
import type { PpgSample, PpgSource } from "./max30102-device.js";

/**
 * MAX30102 red/IR counts from a `Sample,RED,IR` CSV (as the aromring/MAX30102_by_RF Arduino sketch logs
 * them; e.g. the fixture generated/max30102_from_bidmc01_25hz.csv, 25 Hz — see test/fixtures/PROVENANCE.md),
 * replayed in a loop as a PpgSource.
 */
export function loadPpgCsv(path: string): PpgSample[] {
  const rows = readFileSync(path, "utf8").split(/\r?\n/).slice(1);
  const samples: PpgSample[] = [];
  for (const row of rows) {
    const [, red, ir] = row.split(",");
    if (red === undefined || ir === undefined) continue;
    const s = { red: Number(red), ir: Number(ir) };
    if (Number.isInteger(s.red) && Number.isInteger(s.ir)) samples.push(s);
  }
  if (samples.length === 0) throw new Error(`no Sample,RED,IR rows in ${path}`);
  return samples;
}

export function loopingSource(samples: readonly PpgSample[]): PpgSource {
  return (n) => samples[n % samples.length] as PpgSample;
}
