import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeAccutorrPatientData } from "../../test/support/emulators/serial/accutorr-emulator.js";
import { AccutorrDecoder, decodeAccutorrLine } from "./accutorr-decoder.js";

describe("Datascope ACCUTORR 3 PC interface", () => {
  it("decodes the service manual's example line (p. 1-53)", () => {
    expect(decodeAccutorrLine("P:--,85,120, 45, 80,000,010,000, 5")).toEqual({
      kind: "vitals",
      spo2: null,
      hr: 85,
      sbp: 120,
      map: 45,
      dbp: 80,
      status: [0, 10, 0],
      elapsedMin: 5,
    });
  });

  it("skips the banner, the prompt and other commands' answers", () => {
    const d = new AccutorrDecoder();
    const frames = d.push(
      new TextEncoder().encode("ACCUTORR PC Interface is ready\r\n>L:100,90,120,50,160,90,110,60,90,50\r\n"),
    );
    expect(frames.map((f) => (f.kind === "discarded" ? f.why : f.kind))).toEqual([
      "not a patient data line",
      "prompt",
      "not a patient data line",
    ]);
  });

  const state = fc.record({
    spo2: fc.option(fc.integer({ min: 0, max: 100 })),
    hr: fc.option(fc.integer({ min: 0, max: 300 })),
    sbp: fc.option(fc.integer({ min: 20, max: 300 })),
    map: fc.option(fc.integer({ min: 10, max: 300 })),
    dbp: fc.option(fc.integer({ min: 10, max: 250 })),
    status: fc.tuple(
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: 0, max: 255 }),
    ),
    elapsedMin: fc.option(fc.integer({ min: 0, max: 999 })),
  });

  it("round-trips any patient data line, however the stream is chunked", () => {
    fc.assert(
      fc.property(
        fc.array(state, { minLength: 1, maxLength: 5 }),
        fc.array(fc.integer({ min: 1, max: 7 })),
        (states, cuts) => {
          const bytes = Uint8Array.from(states.flatMap((s) => [...encodeAccutorrPatientData(s)]));
          const d = new AccutorrDecoder();
          const frames = [];
          let i = 0;
          for (let k = 0; i < bytes.length; k++) {
            const n = cuts.length ? (cuts[k % cuts.length] as number) : bytes.length;
            frames.push(...d.push(bytes.slice(i, i + n)));
            i += n;
          }
          expect(frames).toEqual(states.map((s) => ({ kind: "vitals", ...s })));
        },
      ),
    );
  });

  it("garbage never yields a value unless it is a well-formed P line", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        for (const f of new AccutorrDecoder().push(bytes)) {
          if (f.kind === "vitals") expect(f.sbp === null || (f.sbp >= 0 && f.sbp <= 999)).toBe(true);
        }
      }),
    );
  });
});
