/**
 * Prints the results table of docs/sensors.md: `npx tsx test/ppg/print-accuracy-table.ts`.
 * The same scoring as heart-rate-accuracy.test.ts, over every PPG recording in test/fixtures, plus
 * the unlicensed real captures kept outside the repository when VITALS_FIXTURES holds them.
 */
import { median } from "../../sensors/ppg/heart-rate.js";
import { PpgProcessor, type PpgWindow } from "../../sensors/ppg/ppg-processor.js";
import { detectRPeaks } from "../../sensors/ppg/reference/r-peak-detector.js";
import {
  csvColumnsOf,
  type ExternalCapture,
  externalCapturePath,
  fixtureColumns,
  requireColumn,
} from "../support/fixtures.js";
import { referenceHeartRate, scoreAgainstEcg } from "./heart-rate-accuracy.js";

const pct = (a: number, b: number) => (b === 0 ? "—" : `${((100 * a) / b).toFixed(0)} %`);
const num = (v: number | null | undefined, digits = 1) =>
  v === null || v === undefined ? "—" : v.toFixed(digits);
const range = (v: number[]) =>
  v.length === 0 ? "—" : `${Math.min(...v).toFixed(1)}–${Math.max(...v).toFixed(1)}`;

console.log(
  "| recording | signal | duration | windows | HR MAE vs ECG (max) | windows with output | median quality | HR median (range) | SpO2 median (range) |",
);
console.log("|---|---|---|---|---|---|---|---|---|");

for (const [file, label] of [
  ["bidmc_01_Signals.csv", "BIDMC 01"],
  ["bidmc_03_Signals_first8s.csv", "BIDMC 03, first 8 s"],
] as const) {
  const csv = fixtureColumns(file);
  const pleth = requireColumn(csv, "PLETH");
  const s = scoreAgainstEcg(pleth, requireColumn(csv, "II"), { sampleRateHz: 125 });
  const hrs = s.pairs.flatMap((p) => (p.hr === null ? [] : [p.hr]));
  console.log(
    `| ${label} (\`${file}\`) | PLETH, 125 Hz | ${s.durationSeconds.toFixed(1)} s | ${s.windows} | ` +
      `**${num(s.mae, 2)} bpm** (${num(s.maxError, 1)}) | ${pct(s.withOutput, s.windows)} | ${num(s.medianQuality, 2)} | ` +
      `${num(hrs.length ? median(hrs) : null)} (${range(hrs)}) | — |`,
  );
}

{
  // BIDMC 01 averaged 5:1 to 25 Hz, the rate a MAX30102 firmware runs at; the ECG stays at 125 Hz.
  const csv = fixtureColumns("bidmc_01_Signals.csv");
  const pleth = requireColumn(csv, "PLETH");
  const at25 = Float64Array.from({ length: Math.floor(pleth.length / 5) }, (_, i) => {
    let sum = 0;
    for (let k = 0; k < 5; k++) sum += pleth[5 * i + k] as number;
    return sum / 5;
  });
  const s = scoreAgainstEcg(at25, requireColumn(csv, "II"), { sampleRateHz: 25 }, 125);
  const hrs = s.pairs.flatMap((p) => (p.hr === null ? [] : [p.hr]));
  console.log(
    `| BIDMC 01 decimated 5:1 | PLETH, 25 Hz | ${s.durationSeconds.toFixed(1)} s | ${s.windows} | ` +
      `**${num(s.mae, 2)} bpm** (${num(s.maxError, 1)}) | ${pct(s.withOutput, s.windows)} | ${num(s.medianQuality, 2)} | ` +
      `${num(hrs.length ? median(hrs) : null)} (${range(hrs)}) | — |`,
  );
}

{
  // Generated from the first 8 s of BIDMC 01 (test/fixtures/generate.ts): the ECG is the reference.
  const file = "generated/max30102_from_bidmc01_25hz.csv";
  const csv = fixtureColumns(file);
  const windows = new PpgProcessor({ sampleRateHz: 25, withRed: true }).push(
    requireColumn(csv, "IR"),
    requireColumn(csv, "RED"),
  );
  const rPeaks = detectRPeaks(requireColumn(fixtureColumns("bidmc_01_Signals.csv"), "II"), 125);
  const errors = windows.flatMap((w) => {
    const ref = referenceHeartRate(rPeaks, Math.round((w.t - w.span) * 125), Math.round(w.t * 125), 125);
    return w.hr === null || ref === null ? [] : [Math.abs(w.hr - ref)];
  });
  const hrs = windows.flatMap((w) => (w.hr === null ? [] : [w.hr]));
  const spo2 = windows.flatMap((w) => (w.spo2 === null ? [] : [w.spo2]));
  console.log(
    `| \`${file}\` | MAX30102 format IR + red, 25 Hz | ${(csv.rows / 25).toFixed(1)} s | ${windows.length} | ` +
      `**${num(errors.reduce((a, b) => a + b, 0) / errors.length, 2)} bpm** (${num(Math.max(...errors), 1)}) | ` +
      `${pct(hrs.length, windows.length)} | ${num(median(windows.map((w) => w.quality)), 2)} | ` +
      `${num(median(hrs))} (${range(hrs)}) | ${num(median(spo2))} (${range(spo2)}) |`,
  );
}

function unreferenced(file: string, signal: string, fs: number, windows: PpgWindow[], samples: number) {
  const hrs = windows.flatMap((w) => (w.hr === null ? [] : [w.hr]));
  const spo2 = windows.flatMap((w) => (w.spo2 === null ? [] : [w.spo2]));
  const q = windows.length ? median(windows.map((w) => w.quality)) : null;
  console.log(
    `| \`${file}\` | ${signal} | ${(samples / fs).toFixed(1)} s | ${windows.length} | no reference | ` +
      `${pct(hrs.length, windows.length)} | ${num(q, 2)} | ${num(hrs.length ? median(hrs) : null)} (${range(hrs)}) | ` +
      `${num(spo2.length ? median(spo2) : null)} (${range(spo2)}) |`,
  );
}

/** An unlicensed real capture, printed only when VITALS_FIXTURES holds it. */
function external(name: ExternalCapture, print: (path: string) => void) {
  const path = externalCapturePath(name);
  if (path) print(path);
  else console.error(`(${name}: not in the repository; set VITALS_FIXTURES to its folder to include it)`);
}

external("max30102_ExpectedGoodQualitySignals.csv", (path) => {
  const csv = csvColumnsOf(path);
  const ir = requireColumn(csv, "IR");
  const w = new PpgProcessor({ sampleRateHz: 25, withRed: true }).push(ir, requireColumn(csv, "RED"));
  unreferenced("max30102_ExpectedGoodQualitySignals.csv", "MAX30102 IR + red, 25 Hz", 25, w, ir.length);
});
{
  const file = "muse2_headband_ppg_62s.csv";
  const csv = fixtureColumns(file);
  const time = requireColumn(csv, "timestamps_unix_s");
  const fs = (time.length - 1) / ((time[time.length - 1] as number) - (time[0] as number));
  const ir = requireColumn(csv, "ppg_2");
  const both = new PpgProcessor({ sampleRateHz: fs, withRed: true }).push(ir, requireColumn(csv, "ppg_3"));
  unreferenced(file, `Muse 2 ppg_2 (IR?) + ppg_3 (red?), ${fs.toFixed(1)} Hz`, fs, both, ir.length);
  const ambient = new PpgProcessor({ sampleRateHz: fs }).push(requireColumn(csv, "ppg_1"));
  unreferenced(file, "Muse 2 ppg_1 (ambient?): negative control", fs, ambient, ir.length);
}
{
  const file = "generated/cms50_pleth_from_bidmc01.txt";
  const x = requireColumn(fixtureColumns(file), "1");
  unreferenced(file, "CMS50 pleth, 60 Hz", 60, new PpgProcessor({ sampleRateHz: 60 }).push(x), x.length);
}
external("cms50e_ppg2.txt", (path) => {
  const x = requireColumn(csvColumnsOf(path), "1");
  const w = new PpgProcessor({ sampleRateHz: 60 }).push(x);
  unreferenced("cms50e_ppg2.txt", "CMS50E pleth, 60 Hz", 60, w, x.length);
});
