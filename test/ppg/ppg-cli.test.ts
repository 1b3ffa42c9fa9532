import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { externalCapturePath, fixturePath, onExternalCapture } from "../support/fixtures.js";

const run = promisify(execFile);
const REAL_MAX30102 = externalCapturePath("max30102_ExpectedGoodQualitySignals.csv");
const BIN = join(import.meta.dirname, "../../bin/vitals.js");

async function vitals(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, "ppg", ...args]);
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const dir = mkdtempSync(join(tmpdir(), "vitals-ppg-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("vitals ppg", () => {
  // BIDMC record 03, first 8 s (PhysioNet BIDMC 1.0.0, ODC-By): header with leading spaces.
  it("prints one JSON line per second with t, hr, spo2, quality", async () => {
    const r = await vitals(
      "--file",
      fixturePath("bidmc_03_Signals_first8s.csv"),
      "--column",
      "PLETH",
      "--rate",
      "125",
    );
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.t)).toEqual([4, 5, 6, 7]);
    for (const l of lines) {
      expect(Object.keys(l)).toEqual(["t", "hr", "spo2", "rr", "quality", "flags"]);
      expect(l.hr).toBeGreaterThan(60);
      expect(l.hr).toBeLessThan(90);
      expect(l.spo2).toBeNull();
      expect(l.quality).toBeGreaterThanOrEqual(0.5);
    }
  });

  // MAX30102-format red/IR counts at 25 Hz with CRLF lines, generated from BIDMC 01 with the R of 97 %
  // SpO2 (test/fixtures/PROVENANCE.md).
  it("adds SpO2 with --red and --ir", async () => {
    const r = await vitals(
      "--file",
      fixturePath("generated/max30102_from_bidmc01_25hz.csv"),
      "--red",
      "RED",
      "--ir",
      "IR",
      "--rate",
      "25",
    );
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.t)).toEqual([4, 5, 6, 7, 8]);
    for (const l of lines) expect(Math.abs(l.spo2 - 97)).toBeLessThanOrEqual(0.1);
  });

  // aromring/MAX30102_by_RF ExpectedGoodQualitySignals.csv: the real 4 s capture, no licence.
  it.skipIf(REAL_MAX30102 === undefined)(
    onExternalCapture("adds SpO2 with --red and --ir", "max30102_ExpectedGoodQualitySignals.csv"),
    async () => {
      const r = await vitals("--file", REAL_MAX30102 as string, "--red", "RED", "--ir", "IR", "--rate", "25");
      expect(r.code).toBe(0);
      const [line] = r.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      expect(line.t).toBe(4);
      expect(line.spo2).toBeGreaterThan(90);
    },
  );

  it("writes null values and no_signal for a flat recording", async () => {
    const file = join(dir, "flat.csv");
    writeFileSync(
      file,
      `Time [s], PLETH\r\n${Array.from({ length: 250 }, (_, i) => `${i / 25}, 0.5`).join("\r\n")}\r\n`,
    );
    const r = await vitals("--file", file, "--column", "PLETH", "--rate", "25");
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(7);
    for (const l of lines)
      expect(l).toMatchObject({ hr: null, spo2: null, flags: expect.arrayContaining(["no_signal"]) });
  });

  // BIDMC record 01 (PhysioNet BIDMC 1.0.0, ODC-By): PLETH, ECG lead II and manual breath annotations.
  it("adds rr with rr_src ppg once 32 s have passed, and writes an HTML report with --report", async () => {
    const report = join(dir, "report.html");
    const r = await vitals(
      "--file",
      fixturePath("bidmc_01_Signals.csv"),
      "--column",
      "PLETH",
      "--rate",
      "125",
      "--ecg",
      "II",
      "--breaths",
      fixturePath("bidmc_01_Breaths.csv"),
      "--report",
      report,
    );
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.t < 32).every((l) => l.rr === null && l.rr_src === undefined)).toBe(true);
    const withRr = lines.filter((l) => l.rr !== null);
    expect(withRr.length).toBeGreaterThan(200);
    for (const l of withRr) expect(l.rr_src).toBe("ppg");
    const html = readFileSync(report, "utf8");
    expect(html).toContain("not a medical device");
    for (const title of [
      "detected beats",
      "Heart rate",
      "Respiratory rate",
      "Signal quality",
      "Bland–Altman: heart rate",
      "Bland–Altman: respiratory rate",
    ])
      expect(html).toContain(title);
    expect(html.match(/<svg /g)?.length).toBe(6);
    expect(r.stderr).toContain(`report written to ${report}`);
  });

  it.each([
    [["--file", "/nonexistent/x.csv", "--column", "PLETH", "--rate", "125"], /cannot read .*ENOENT/],
    [["--file", "BIDMC", "--column", "NOPE", "--rate", "125"], /no column "NOPE".*PLETH/],
    [["--file", "BIDMC", "--column", "PLETH", "--rate", "fast"], /--rate must be a number/],
    [["--file", "BIDMC", "--column", "PLETH", "--rate", "2"], /--rate must be a number/],
    [["--file", "BIDMC", "--rate", "125"], /--column .* is required/],
    [["--file", "BIDMC", "--red", "PLETH", "--rate", "125"], /--red and --ir must be given together/],
    [["--file", "BIDMC", "--column", "PLETH"], /required option '--rate/],
  ])("fails clearly with a non-zero exit: %j", async (args, message) => {
    const bidmc = fixturePath("bidmc_03_Signals_first8s.csv");
    const r = await vitals(...args.map((a) => (a === "BIDMC" ? bidmc : a)));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe("");
  });
});
