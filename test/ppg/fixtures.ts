import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type CsvColumns, parseCsvColumns } from "../../sensors/ppg/csv-columns.js";

/** Real recordings, read-only; see PROVENANCE.md there for sources and licences. */
export const FIXTURES_DIR = process.env.VITALS_FIXTURES ?? "/work/shared/fixtures";

export function fixturePath(name: string): string {
  const path = join(FIXTURES_DIR, name);
  if (!existsSync(path)) {
    throw new Error(`fixture ${name} is missing from ${FIXTURES_DIR} (set VITALS_FIXTURES to its folder)`);
  }
  return path;
}

export function fixtureColumns(name: string): CsvColumns {
  return parseCsvColumns(readFileSync(fixturePath(name), "utf8"));
}

export function requireColumn(csv: CsvColumns, name: string): Float64Array {
  const column = csv.column(name);
  if (!column) throw new Error(`no column ${name}; have ${csv.headers.join(", ")}`);
  return column;
}
