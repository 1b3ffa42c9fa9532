import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { byParameter, VITAL_PARAMETERS } from "../../core/parameters.js";
import { type OutboxRow, pointToView, rowToPoint } from "./influx-points.js";
import { rowToView } from "./reading-columns.js";

const id = fc.string({ minLength: 1, maxLength: 16 }).filter((s) => s.trim() === s);
const value = fc.option(fc.double({ min: -50, max: 300, noNaN: true }), { nil: null });
const row: fc.Arbitrary<OutboxRow> = fc.record({
  id: fc.integer({ min: 1, max: 2 ** 40 }),
  node: id,
  seq: fc.integer({ min: 0, max: 2 ** 40 }),
  bed: id,
  patient: fc.option(id, { nil: null }),
  ward: fc.option(id, { nil: null }),
  t: fc.integer({ min: 0, max: 2 ** 42 }),
  received_at: fc.integer({ min: 0, max: 2 ** 42 }),
  ...byParameter(() => value),
  flags: fc.constantFrom("", "artifact", "finger_out,low_battery"),
  status: fc.constantFrom("NORMAL", "CRITICAL", "UNKNOWN"),
  reasons: fc.constantFrom("", '["SpO2 92 % < 95 %"]'),
});

/** What InfluxDB returns for a point: tags and fields as columns, time at ms resolution of the query. */
function asQueried(p: ReturnType<typeof rowToPoint>): Record<string, unknown> & { time: Date } {
  return { ...p.tags, ...p.fields, time: new Date(Math.floor(Number(p.timestamp) / 1000)) };
}

describe("InfluxDB point mapping", () => {
  it("round-trips a stored reading to the same ReadingView SQLite gives", () => {
    fc.assert(
      fc.property(row, (r) => {
        const { id: _id, ...sqliteRow } = r;
        expect(pointToView(asQueried(rowToPoint(r, "gw")))).toEqual(
          rowToView(sqliteRow as Parameters<typeof rowToView>[0]),
        );
      }),
    );
  });

  it("keeps readings of one node in the same millisecond apart (distinct timestamps)", () => {
    fc.assert(
      fc.property(row, fc.integer({ min: 1, max: 999 }), (r, k) => {
        const a = rowToPoint(r, "gw");
        const b = rowToPoint({ ...r, id: r.id + k }, "gw");
        expect(a.timestamp).not.toBe(b.timestamp);
        expect(Math.floor(Number(a.timestamp) / 1000)).toBe(r.received_at);
      }),
    );
  });

  it("writes null vitals as absent fields, never as zero", () => {
    const p = rowToPoint({ ...fc.sample(row, 1)[0], hr: null, spo2: 0 } as OutboxRow, "gw");
    expect(p.fields).not.toHaveProperty("hr");
    expect(p.fields?.spo2).toBe(0);
    for (const k of Object.keys(p.fields ?? {})) {
      expect([...VITAL_PARAMETERS, "seq", "t", "status", "flags", "reasons"]).toContain(k);
    }
  });
});
