import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { parseCsvColumns } from "../../sensors/ppg/csv-columns.js";
import { PpgProcessor, type PpgWindow } from "../../sensors/ppg/ppg-processor.js";
import { renderPpgReport } from "../../sensors/ppg/report/ppg-report.js";

interface PpgCliOptions {
  file: string;
  column?: string;
  rate: string;
  red?: string;
  ir?: string;
  report?: string;
  ecg?: string;
  breaths?: string;
}

/** `vitals ppg`: heart rate, SpO2 and signal quality from a recorded PPG, one JSON line per second. */
export function register(program: Command): void {
  program
    .command("ppg")
    .description(
      "Heart rate (and SpO2 with red+IR) from a recorded PPG CSV: one JSON line per 1 s step, 8 s window",
    )
    .requiredOption("--file <path>", "CSV file (header row optional; headerless columns are named 1, 2, …)")
    .option("--column <name>", "column holding the pulse waveform (the IR column when --red/--ir are given)")
    .requiredOption("--rate <hz>", "sampling rate in Hz (10..10000)")
    .option("--red <name>", "red LED column (with --ir: SpO2 by ratio of ratios)")
    .option("--ir <name>", "infrared LED column (with --red)")
    .option("--report <path>", "also write an HTML report (pulse and beats, HR, RR, quality, Bland–Altman)")
    .option("--ecg <name>", "column of a simultaneous ECG: reference HR for the report")
    .option(
      "--breaths <path>",
      "CSV of breath times as sample numbers at --rate (first column; BIDMC *_Breaths.csv): reference RR for the report",
    )
    .action(function (this: Command, options: PpgCliOptions) {
      const fail = (message: string): never =>
        this.error(`error: ${message}`, { exitCode: 2, code: "vitals.ppg" });
      const rate = Number(options.rate);
      if (!/^\s*[0-9.eE+]+\s*$/.test(options.rate) || !(rate >= 10 && rate <= 10_000)) {
        fail(`--rate must be a number of Hz between 10 and 10000, got "${options.rate}"`);
      }
      if ((options.red === undefined) !== (options.ir === undefined))
        fail("--red and --ir must be given together");
      if (
        options.ir !== undefined &&
        options.column !== undefined &&
        options.column.trim() !== options.ir.trim()
      ) {
        fail(
          "with --red/--ir the heart rate is measured on IR: leave out --column or set it to the --ir column",
        );
      }
      const pulseName = options.ir ?? options.column;
      if (pulseName === undefined) fail("--column (or --red with --ir) is required");

      let text = "";
      try {
        text = readFileSync(options.file, "utf8");
      } catch (e) {
        fail(`cannot read ${options.file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
      }
      const csv = parseCsvColumns(text);
      const pick = (name: string): Float64Array =>
        csv.column(name) ??
        fail(`no column "${name}" in ${options.file}; columns: ${csv.headers.join(", ")}`);
      const pulse = pick(pulseName as string);
      const red = options.red === undefined ? undefined : pick(options.red);
      if (csv.rows === 0) fail(`${options.file} holds no samples`);

      const processor = new PpgProcessor({ sampleRateHz: rate, withRed: red !== undefined });
      const windows = processor.push(pulse, red);
      if (windows.length === 0) {
        process.stderr.write(
          `note: ${(csv.rows / rate).toFixed(2)} s of signal is shorter than the 4 s the first window needs\n`,
        );
      }
      for (const w of windows) process.stdout.write(`${formatWindow(w)}\n`);
      if (options.report !== undefined) {
        const ecg = options.ecg === undefined ? undefined : pick(options.ecg);
        let breaths: number[] | undefined;
        if (options.breaths !== undefined) {
          let breathText = "";
          try {
            breathText = readFileSync(options.breaths, "utf8");
          } catch (e) {
            fail(`cannot read ${options.breaths}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
          }
          const b = parseCsvColumns(breathText);
          const first = b.headers[0];
          breaths = Array.from(first === undefined ? [] : (b.column(first) ?? [])).filter(Number.isFinite);
        }
        const html = renderPpgReport({
          title: `vitals ppg: ${options.file} (${pulseName}, ${rate} Hz)`,
          sampleRateHz: rate,
          pulse,
          windows,
          ...(ecg ? { ecg } : {}),
          ...(breaths ? { breaths } : {}),
        });
        try {
          writeFileSync(options.report, html);
        } catch (e) {
          fail(`cannot write ${options.report}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
        }
        process.stderr.write(`report written to ${options.report}\n`);
      }
    });
}

function formatWindow(w: PpgWindow): string {
  return JSON.stringify({
    t: Number(w.t.toFixed(3)),
    hr: w.hr === null ? null : Number(w.hr.toFixed(1)),
    spo2: w.spo2 === null ? null : Number(w.spo2.toFixed(1)),
    rr: w.rr === null ? null : Number(w.rr.toFixed(1)),
    // Protocol v1's rr_src: this rr was derived from the PPG (docs/protocol.md).
    ...(w.rr === null ? {} : { rr_src: "ppg" }),
    quality: Number(w.quality.toFixed(2)),
    flags: w.flags,
  });
}
