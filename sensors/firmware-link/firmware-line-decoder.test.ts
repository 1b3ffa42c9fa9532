import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeFirmwareLine, vitalsToSample } from "./firmware-line-decoder.js";

describe("decodeFirmwareLine", () => {
  it("decodes the board's hello, vitals and pong lines", () => {
    expect(
      decodeFirmwareLine(
        '{"type":"hello","proto":1,"node":"avr-328p","bed":"unassigned","fw":"vitals-avr/0.1.0"}',
      ),
    ).toEqual({
      kind: "hello",
      frame: { type: "hello", proto: 1, node: "avr-328p", bed: "unassigned", fw: "vitals-avr/0.1.0" },
    });
    const v = decodeFirmwareLine(
      '{"type":"vitals","seq":3,"t":4000,"hr":72.1,"spo2":96.6,"temp":36.62,"flags":["low_perfusion"]}',
    );
    expect(v).toMatchObject({ kind: "vitals", frame: { seq: 3, hr: 72.1, spo2: 96.6, temp: 36.62 } });
    expect(decodeFirmwareLine('{"type":"pong"}')).toEqual({ kind: "pong" });
  });

  it("discards boot noise, truncated frames, implausible values and frames the board never sends, saying why", () => {
    const cases: [string, RegExp][] = [
      ["\u0000\u00ff garbage", /bad_frame/],
      ['{"type":"vitals","seq":3,"t":4000,"hr":72.1', /bad_frame/],
      ['{"type":"vitals","seq":3,"t":4000,"hr":720,"spo2":null,"temp":null}', /bad_value/],
      ['{"type":"ping"}', /does not ping/],
      ['{"patient_id":"p","bed_no":"1","hr":70,"spo2":98,"temp":37}', /legacy/],
      ['{"type":"welcome","proto":1,"heartbeat_ms":1000}', /unknown_type/],
    ];
    for (const [line, why] of cases) {
      const d = decodeFirmwareLine(line);
      expect(d.kind, line).toBe("discarded");
      if (d.kind === "discarded") {
        expect(d.why).toMatch(why);
        expect(d.bytes).toBe(Buffer.byteLength(line));
      }
    }
  });

  it("never yields a frame from random text (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        const d = decodeFirmwareLine(s);
        // Random text that happens to be a valid frame is astronomically unlikely; anything else is discarded.
        expect(["discarded"]).toContain(d.kind);
      }),
      { numRuns: 500 },
    );
  });

  it("maps a vitals frame to a SensorSample stamped with the host clock", () => {
    const d = decodeFirmwareLine(
      '{"type":"vitals","seq":0,"t":1000,"hr":null,"spo2":null,"temp":null,"flags":["finger_out"]}',
    );
    if (d.kind !== "vitals") throw new Error("not vitals");
    expect(vitalsToSample(d.frame, "serial-firmware", 1_700_000_000_000)).toEqual({
      source: "serial-firmware",
      t: 1_700_000_000_000,
      values: { hr: null, spo2: null, temp: null },
      flags: ["finger_out"],
    });
  });
});
