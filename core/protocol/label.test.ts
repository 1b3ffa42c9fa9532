import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeNodeLine } from "./codec.js";
import { normalizeLabel } from "./label.js";

const label = (s: string) => {
  const r = normalizeLabel(s);
  return "label" in r ? r.label : `refused: ${r.error}`;
};

describe("normalizeLabel", () => {
  it.each([
    ["Bed-1", "Bed-1"],
    ["Bed-1 ", "Bed-1"],
    ["  Bed   1  ", "Bed 1"],
    ["Bed\u00a01", "Bed 1"],
    ["Bed\t1", "Bed 1"],
    ["Ｂｅｄ－１", "Bed-1"],
    ["ﬁ-Bett", "fi-Bett"],
    ["Кровать 3", "Кровать 3"],
    ["Κλίνη 2", "Κλίνη 2"],
    ["病床 12", "病床 12"],
    ["ICU ベッド 4", "ICU ベッド 4"],
    ["병상 5B", "병상 5B"],
  ])("%j → %j", (raw, want) => {
    expect(label(raw)).toBe(want);
  });

  it.each([
    ["Веd-1", /mixes Cyrillic and Latin/],
    ["Bеd-1", /mixes Latin and Cyrillic/],
    ["Bed-Α", /mixes Latin and Greek/],
    ["Bed-١", /mixes Latin and Arabic/],
    ["   ", /empty/],
    ["Bed\u00001", /letters, digits/],
    ["a".repeat(65), /longer than 64/],
  ])("refuses %j", (raw, why) => {
    expect(label(raw)).toMatch(why);
  });

  it("is idempotent and never lets two spellings of one label through as different labels", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        const r = normalizeLabel(s);
        if ("label" in r) expect(normalizeLabel(r.label)).toEqual(r);
      }),
    );
  });
});

describe("labels in frames", () => {
  it("decodes look-alike spellings of a bed to one label, and refuses mixed scripts", () => {
    const bed = (b: string) => {
      const d = decodeNodeLine(JSON.stringify({ type: "hello", proto: 1, node: "n", bed: b }));
      return d.kind === "hello" ? d.frame.bed : d.kind === "rejected" ? d.code : d.kind;
    };
    expect(bed("Bed-1 ")).toBe("Bed-1");
    expect(bed("Ｂｅｄ-1")).toBe("Bed-1");
    expect(bed("Веd-1")).toBe("bad_frame");
    const legacy = decodeNodeLine('{"patient_id":" P7 ","bed_no":"Bed-7  ","hr":70,"spo2":98,"temp":36.6}');
    expect(legacy).toMatchObject({ kind: "legacy", frame: { patient_id: "P7", bed_no: "Bed-7" } });
  });
});
