import { readFileSync } from "node:fs";
import { type CsvColumns, parseCsvColumns } from "../../sensors/ppg/csv-columns.js";
import { fixturePath } from "../support/fixtures.js";

export { FIXTURES_DIR, fixturePath } from "../support/fixtures.js";

export function fixtureColumns(name: string): CsvColumns {
  return parseCsvColumns(readFileSync(fixturePath(name), "utf8"));
}

export function requireColumn(csv: CsvColumns, name: string): Float64Array {
  const column = csv.column(name);
  if (!column) throw new Error(`no column ${name}; have ${csv.headers.join(", ")}`);
  return column;
}
