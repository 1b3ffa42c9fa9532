import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCsvColumns } from "./csv-columns.js";

describe("parseCsvColumns", () => {
  it("reads BIDMC-style headers with spaces after the commas, and CRLF lines", () => {
    const csv = parseCsvColumns("Time [s], RESP, PLETH, V\r\n0,0.35,0.43,0.52\r\n0.008,0.36,0.44,0.51\r\n");
    expect(csv.headers).toEqual(["Time [s]", "RESP", "PLETH", "V"]);
    expect(csv.rows).toBe(2);
    expect(Array.from(csv.column("PLETH") ?? [])).toEqual([0.43, 0.44]);
    expect(Array.from(csv.column(" PLETH ") ?? [])).toEqual([0.43, 0.44]);
    expect(csv.column("II")).toBeUndefined();
  });

  it("names the columns of a headerless file 1, 2, …", () => {
    const csv = parseCsvColumns("73\r\n74\r\n\r\n75\r\n");
    expect(csv.headers).toEqual(["1"]);
    expect(Array.from(csv.column("1") ?? [])).toEqual([73, 74, 75]);
  });

  it("turns garbage, empty and missing cells into NaN gaps", () => {
    const csv = parseCsvColumns("a,b\n1,x\n,2\n3\n");
    expect(Array.from(csv.column("a") ?? [])).toEqual([1, Number.NaN, 3]);
    expect(Array.from(csv.column("b") ?? [])).toEqual([Number.NaN, 2, Number.NaN]);
  });

  it("never throws and every column has one value per row, whatever the text", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom("1", "2", ",", ".", "\n", "\r", " ", "a", "-", "e", '"') }),
        (text) => {
          const csv = parseCsvColumns(text);
          for (const h of csv.headers) expect(csv.column(h)?.length).toBe(csv.rows);
        },
      ),
    );
    // Found by the property above: a quoted header with a space inside the quotes.
    const csv = parseCsvColumns('"" "\n1');
    for (const h of csv.headers) expect(csv.column(h)?.length).toBe(1);
  });
});
