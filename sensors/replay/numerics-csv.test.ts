import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { byParameter } from "../../core/parameters.js";
import { parseNumericsCsv } from "./numerics-csv.js";
import { recordingCsv } from "./recording-csv.js";
import { cellValue, REPLAY_KEYS } from "./replay-row.js";

const MIMIC = readFileSync(
  new URL("../../test/fixtures/mimic2wdb_s00001_numerics_per_minute.csv", import.meta.url),
  "utf8",
);

describe("parseNumericsCsv", () => {
  it("reads MIMIC per-minute numerics: Time_s in seconds, 0 and blank are not measured", () => {
    const p = parseNumericsCsv(MIMIC);
    expect(p.rows).toHaveLength(1936);
    expect(p.skipped).toEqual([]);
    expect(p.keys).toEqual(["hr", "spo2", "rr", "sbp", "dbp"]);
    expect(p.rows[0]).toEqual({ t: 0, values: { hr: null, spo2: null, rr: 23, sbp: null, dbp: null } });
    expect(p.rows[1]).toEqual({
      t: 60_000,
      values: { hr: 62.8, spo2: null, rr: 12.7, sbp: null, dbp: null },
    });
  });

  it("maps columns by flag and reads a time_ms column", () => {
    const p = parseNumericsCsv("time_ms,HR,T\n1000,70,36.6\n1500,x,37\n900,71,37\n", {
      map: { hr: "HR", temp: "T" },
    });
    expect(p.rows).toEqual([
      { t: 0, values: { hr: 70, temp: 36.6 } },
      { t: 500, values: { hr: null, temp: 37 } },
    ]);
    expect(p.skipped).toEqual([{ line: 4, why: "time goes backwards" }]);
  });

  it("refuses a mapping to a column that is not there, naming the columns", () => {
    expect(() => parseNumericsCsv("t,HR\n0,1\n", { map: { hr: "pulse" } })).toThrow(
      /no column "pulse".*t, HR/,
    );
  });

  it("garbage never yields a value: a cell is null unless it is a plain plausible number", () => {
    fc.assert(
      fc.property(fc.constantFrom(...REPLAY_KEYS), fc.string(), (key, cell) => {
        const v = cellValue(key, cell);
        if (v === null) return;
        expect(Number.isFinite(v)).toBe(true);
        expect(v).toBe(Number(cell.trim()));
        expect(/^[\s+\-0-9.eE]+$/.test(cell)).toBe(true);
      }),
    );
  });

  it("arbitrary text never throws anything but a RangeError, and every row's values are plausible numbers", () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom("t", ",", "\n", "1", "0", ".", "e", "-", "x", "h", "r", " ", "9"),
        }),
        (body) => {
          let p: ReturnType<typeof parseNumericsCsv>;
          try {
            p = parseNumericsCsv(`t,hr,spo2\n${body}`);
          } catch (e) {
            expect(e).toBeInstanceOf(RangeError);
            return;
          }
          let last = 0;
          for (const r of p.rows) {
            expect(r.t).toBeGreaterThanOrEqual(last);
            last = r.t;
            for (const v of Object.values(r.values)) if (v !== null) expect(Number.isFinite(v)).toBe(true);
          }
        },
      ),
    );
  });

  it("round-trips what vitals record writes", () => {
    const value = (k: (typeof REPLAY_KEYS)[number]) => {
      const [min, max] = byParameter((p) => p.plausible)[k];
      return fc.option(fc.integer({ min: Math.ceil(min), max: Math.floor(max) }), { nil: null });
    };
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            dt: fc.nat(100_000),
            hr: value("hr"),
            spo2: value("spo2"),
            temp: value("temp"),
            rr: value("rr"),
            sbp: value("sbp"),
            dbp: value("dbp"),
          }),
          { minLength: 1 },
        ),
        (items) => {
          let t = 1_700_000_000_000;
          const readings = items.map(({ dt, ...v }) => {
            t += dt;
            return { ...v, t };
          });
          const p = parseNumericsCsv(recordingCsv(readings));
          expect(p.rows.map((r) => r.values)).toEqual(readings.map(({ t: _t, ...v }) => v));
          expect(p.rows.map((r) => r.t)).toEqual(readings.map((r) => r.t - (readings[0]?.t ?? 0)));
        },
      ),
    );
  });
});
