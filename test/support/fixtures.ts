import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type CsvColumns, parseCsvColumns } from "../../sensors/ppg/csv-columns.js";

/**
 * The recordings the tests use, inside the repository (test/fixtures; sources, licences and checksums
 * in test/fixtures/PROVENANCE.md). Found relative to this file, so a clone anywhere works.
 */
export const FIXTURES_DIR = fileURLToPath(new URL("../fixtures/", import.meta.url));

/** Path of a fixture in test/fixtures, e.g. "bidmc_01_Signals.csv" or "generated/…". */
export function fixturePath(name: string): string {
  const path = join(FIXTURES_DIR, name);
  if (!existsSync(path))
    throw new Error(`fixture ${name} is missing from ${FIXTURES_DIR} (see PROVENANCE.md)`);
  return path;
}

export function fixtureColumns(name: string): CsvColumns {
  return csvColumnsOf(fixturePath(name));
}

export function csvColumnsOf(path: string): CsvColumns {
  return parseCsvColumns(readFileSync(path, "utf8"));
}

export function requireColumn(csv: CsvColumns, name: string): Float64Array {
  const column = csv.column(name);
  if (!column) throw new Error(`no column ${name}; have ${csv.headers.join(", ")}`);
  return column;
}

/**
 * Real device captures whose sources state no licence, so they may not be copied into the
 * repository (PROVENANCE.md, "Captures kept outside the repository"). The tests use generated
 * stand-ins by default and run an extra case on these when VITALS_FIXTURES names a folder holding
 * them. The checksum pins the exact capture those extra assertions were written for.
 */
export const EXTERNAL_CAPTURES = {
  "cms50e_raw_frames_hex.txt": "87eb7b1be4eb95545271c7d3326fbd6d9042a7623d6ce03a49ef4c8ead45500c",
  "cms50e_ppg2.txt": "274536aff95690a27df3e3cb5b32b3e95a00b3c7009123b473902045cd3fd02f",
  "max30102_ExpectedGoodQualitySignals.csv":
    "fa581334f65e05be62f14605c283c6fc54d8b669d14479123fd16acf01d08a42",
} as const;

export type ExternalCapture = keyof typeof EXTERNAL_CAPTURES;

/**
 * Path of an external capture, or undefined when VITALS_FIXTURES is unset or does not hold it (the
 * test then skips its extra case). A file with the right name but other content is an error, not a skip.
 */
export function externalCapturePath(name: ExternalCapture): string | undefined {
  const dir = process.env.VITALS_FIXTURES;
  if (!dir) return undefined;
  const path = join(dir, name);
  if (!existsSync(path)) return undefined;
  const sha256 = createHash("sha256").update(readFileSync(path)).digest("hex");
  if (sha256 !== EXTERNAL_CAPTURES[name]) {
    throw new Error(
      `${path} has sha256 ${sha256}, not the capture the tests expect (${EXTERNAL_CAPTURES[name]})`,
    );
  }
  return path;
}

/** The name a test gives its extra case on an external capture, so the output says what ran. */
export function onExternalCapture(title: string, name: ExternalCapture): string {
  return `${title} [real capture ${name} from VITALS_FIXTURES]`;
}
