import { describe, expect, it } from "vitest";
import type { News2Summary } from "../../core/api-types.js";
import { news2Badge, news2PartRows } from "./news2-badge.js";

function summary(over: Partial<News2Summary> = {}): News2Summary {
  return {
    total: 3,
    band: "low",
    red_score: false,
    complete: false,
    missing: ["air_or_oxygen", "consciousness"],
    scale: 1,
    parts: {
      temp: { value: 38.04, score: 1, source: "measured" },
      rr: { value: 22, score: 2, source: "entered" },
      spo2: { value: 97, score: 0, source: "measured" },
      air_or_oxygen: { value: null, score: null, source: "missing" },
      sbp: { value: 120, score: 0, source: "entered" },
      hr: { value: 72.4, score: 0, source: "measured" },
      consciousness: { value: null, score: null, source: "missing" },
    },
    ...over,
  };
}

describe("news2Badge", () => {
  it("shows the total with a band word and flags an incomplete score", () => {
    const b = news2Badge(summary());
    expect(b).toMatchObject({ score: "3", band: "low", bandLabel: "LOW", incomplete: true });
    expect(b.title).toContain("air or oxygen, consciousness missing");
  });

  it("has a word for every band, and none for an unknown score", () => {
    expect(news2Badge(summary({ band: "high", total: 8, complete: true, missing: [] }))).toMatchObject({
      bandLabel: "HIGH",
      incomplete: false,
    });
    expect(news2Badge(summary({ band: "low-medium", red_score: true })).title).toContain("scores 3");
    expect(news2Badge(null)).toMatchObject({ score: "—", band: "unknown", incomplete: false });
  });
});

describe("news2PartRows", () => {
  it("lists the parts in RCP chart order with value, score and source", () => {
    const rows = news2PartRows(summary());
    expect(rows.map((r) => r.parameter)).toEqual([
      "rr",
      "spo2",
      "air_or_oxygen",
      "sbp",
      "hr",
      "consciousness",
      "temp",
    ]);
    expect(rows[0]).toEqual({
      parameter: "rr",
      name: "respiration rate",
      value: "22",
      score: "2",
      source: "entered",
      sourceLabel: "entered",
    });
    expect(rows[2]).toMatchObject({ value: "—", score: "—", source: "missing" });
    expect(rows[6]).toMatchObject({ value: "38.0", source: "measured" });
    const oxygen = news2PartRows(
      summary({ parts: { air_or_oxygen: { value: true, score: 2, source: "entered" } } }),
    );
    expect(oxygen).toEqual([
      {
        parameter: "air_or_oxygen",
        name: "air or oxygen",
        value: "oxygen",
        score: "2",
        source: "entered",
        sourceLabel: "entered",
      },
    ]);
  });

  it('labels an rr a node derived from the PPG "from PPG"', () => {
    const rows = news2PartRows(
      summary({ parts: { rr: { value: 18, score: 0, source: "measured", from: "ppg" } } }),
    );
    expect(rows[0]).toMatchObject({ parameter: "rr", source: "measured", sourceLabel: "from PPG" });
  });
});
