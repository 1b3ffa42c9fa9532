/**
 * Numeric columns out of a small CSV text, as exported by PhysioNet (BIDMC: `Time [s], RESP, PLETH, …`
 * with spaces after the commas), Arduino loggers (CRLF) or a bare one-value-per-line dump.
 * Header names are trimmed. A file whose first line is numeric has no header: its columns are
 * named "1", "2", … Cells that are not numbers become NaN (the processor treats them as gaps).
 */
export interface CsvColumns {
  headers: string[];
  rows: number;
  column(name: string): Float64Array | undefined;
}

export function parseCsvColumns(text: string): CsvColumns {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  const first = lines[0] === undefined ? [] : splitCells(lines[0]);
  const hasHeader = first.some((cell) => cell !== "" && !Number.isFinite(Number(cell)));
  const headers = hasHeader ? first : first.map((_, i) => String(i + 1));
  const body = hasHeader ? lines.slice(1) : lines;
  const columns = headers.map(() => new Float64Array(body.length));
  body.forEach((line, r) => {
    const cells = splitCells(line);
    columns.forEach((col, c) => {
      const cell = cells[c];
      col[r] = cell === undefined || cell === "" ? Number.NaN : Number(cell);
    });
  });
  return {
    headers,
    rows: body.length,
    column: (name) => {
      const i = headers.indexOf(name.trim());
      return i < 0 ? undefined : columns[i];
    },
  };
}

function splitCells(line: string): string[] {
  return line.split(",").map((c) =>
    c
      .trim()
      .replace(/^"(.*)"$/, "$1")
      .trim(),
  );
}
