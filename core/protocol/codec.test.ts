import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeGatewayLine, decodeNodeLine, encodeFrame, fastVitals, vitalsSchema } from "./codec.js";
import type { VitalsFrame } from "./frames.js";
import { PLAUSIBLE } from "./plausibility.js";

const vitalsArb = fc.record({
  type: fc.constant("vitals" as const),
  seq: fc.nat(),
  t: fc.nat(),
  hr: fc.option(fc.integer({ min: 0, max: 350 }), { nil: null }),
  spo2: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
  temp: fc.option(fc.double({ min: 10, max: 47, noNaN: true }), { nil: null }),
  flags: fc.option(fc.subarray(["finger_out", "sensor_off", "no_signal"]), { nil: undefined }),
});

describe("decodeNodeLine", () => {
  it("decodes hello with optional fields", () => {
    const d = decodeNodeLine(
      '{"type":"hello","proto":1,"node":"n-1","bed":"Bed 7","patient":"P7","ward":"ICU","fw":"1.2"}',
    );
    expect(d).toEqual({
      kind: "hello",
      frame: { type: "hello", proto: 1, node: "n-1", bed: "Bed 7", patient: "P7", ward: "ICU", fw: "1.2" },
    });
  });

  it("round-trips any valid vitals frame", () => {
    fc.assert(
      fc.property(vitalsArb, (f) => {
        const frame = Object.fromEntries(
          Object.entries(f).filter(([, v]) => v !== undefined),
        ) as unknown as VitalsFrame;
        const d = decodeNodeLine(encodeFrame(frame).trimEnd());
        expect(d).toEqual({ kind: "vitals", frame });
      }),
    );
  });

  it("accepts the original design's flat JSON without a type", () => {
    const d = decodeNodeLine('{"patient_id":"P7","bed_no":"Bed-7","hr":108,"temp":39.2,"spo2":96}');
    expect(d).toEqual({
      kind: "legacy",
      frame: { patient_id: "P7", bed_no: "Bed-7", hr: 108, temp: 39.2, spo2: 96 },
    });
  });

  it("accepts legacy numeric strings and numeric ids", () => {
    const d = decodeNodeLine('{"patient_id":7,"bed_no":7,"hr":"72","temp":"36.6","spo2":"98"}');
    expect(d).toEqual({
      kind: "legacy",
      frame: { patient_id: "7", bed_no: "7", hr: 72, temp: 36.6, spo2: 98 },
    });
  });

  it.each([
    ["not json", "{", "bad_frame"],
    ["array", "[1,2]", "bad_frame"],
    ["null", "null", "bad_frame"],
    ["no type", '{"hr":1}', "bad_frame"],
    ["unknown type", '{"type":"reboot"}', "unknown_type"],
    ["vitals missing seq", '{"type":"vitals","t":1,"hr":1,"spo2":1,"temp":36}', "bad_frame"],
    ["seq negative", '{"type":"vitals","seq":-1,"t":1,"hr":1,"spo2":1,"temp":36}', "bad_frame"],
    ["seq fractional", '{"type":"vitals","seq":1.5,"t":1,"hr":1,"spo2":1,"temp":36}', "bad_frame"],
    ["hr string", '{"type":"vitals","seq":1,"t":1,"hr":"70","spo2":98,"temp":36}', "bad_frame"],
    ["hr 900", '{"type":"vitals","seq":1,"t":1,"hr":900,"spo2":98,"temp":36}', "bad_value"],
    ["spo2 130", '{"type":"vitals","seq":1,"t":1,"hr":70,"spo2":130,"temp":36}', "bad_value"],
    ["temp 80", '{"type":"vitals","seq":1,"t":1,"hr":70,"spo2":98,"temp":80}', "bad_value"],
    [
      "dbp above sbp",
      '{"type":"vitals","seq":1,"t":1,"hr":70,"spo2":98,"temp":36,"sbp":80,"dbp":90}',
      "bad_value",
    ],
    ["legacy temp 80", '{"patient_id":"P1","bed_no":"B1","hr":70,"temp":80,"spo2":98}', "bad_value"],
    ["hello without node", '{"type":"hello","proto":1,"bed":"B"}', "bad_frame"],
    ["hello with control chars", '{"type":"hello","proto":1,"node":"a\\u0000","bed":"B"}', "bad_frame"],
    [
      "flag uppercase",
      '{"type":"vitals","seq":1,"t":1,"hr":70,"spo2":98,"temp":36,"flags":["BAD"]}',
      "bad_frame",
    ],
  ])("rejects %s as %s", (_name, line, code) => {
    const d = decodeNodeLine(line);
    expect(d.kind).toBe("rejected");
    if (d.kind === "rejected") {
      expect(d.code).toBe(code);
      expect(d.message.length).toBeGreaterThan(3);
    }
  });

  it("names the offending value and range in bad_value messages, and keeps the seq", () => {
    const d = decodeNodeLine('{"type":"vitals","seq":42,"t":1,"hr":900,"spo2":98,"temp":36}');
    expect(d).toMatchObject({ kind: "rejected", code: "bad_value", seq: 42 });
    if (d.kind === "rejected") expect(d.message).toContain("hr 900 bpm");
  });

  it("rejects every out-of-range value of every parameter", () => {
    for (const [p, [min, max]] of Object.entries(PLAUSIBLE)) {
      for (const v of [min - 0.5, max + 0.5]) {
        const d = decodeNodeLine(
          JSON.stringify({ type: "vitals", seq: 1, t: 1, hr: null, spo2: null, temp: null, [p]: v }),
        );
        expect(d, `${p}=${v}`).toMatchObject({ kind: "rejected", code: "bad_value" });
      }
      const ok = decodeNodeLine(
        JSON.stringify({ type: "vitals", seq: 1, t: 1, hr: null, spo2: null, temp: null, [p]: max }),
      );
      expect(ok.kind, `${p}=${max}`).toBe("vitals");
    }
  });

  it("never throws and never yields vitals from arbitrary strings", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        const d = decodeNodeLine(s);
        if (d.kind === "vitals") expect(JSON.parse(s).type).toBe("vitals");
      }),
    );
  });

  it("never throws on arbitrary JSON values", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const d = decodeNodeLine(JSON.stringify(v));
        expect(["hello", "vitals", "legacy", "ping", "pong", "rejected"]).toContain(d.kind);
      }),
    );
  });
});

describe("decodeGatewayLine", () => {
  it("decodes welcome, ack, error, ping", () => {
    expect(decodeGatewayLine('{"type":"welcome","proto":1,"heartbeat_ms":5000,"last_seq":3}')).toMatchObject({
      kind: "frame",
    });
    expect(decodeGatewayLine('{"type":"ack","seq":9}')).toEqual({
      kind: "frame",
      frame: { type: "ack", seq: 9 },
    });
    expect(decodeGatewayLine('{"type":"error","code":"bad_value","message":"x","seq":2}')).toMatchObject({
      kind: "frame",
    });
    expect(decodeGatewayLine('{"type":"error","code":"made_up","message":"x"}').kind).toBe("rejected");
    expect(decodeGatewayLine("garbage").kind).toBe("rejected");
    expect(decodeGatewayLine('{"type":"alarm","priority":"high"}')).toEqual({
      kind: "frame",
      frame: { type: "alarm", priority: "high" },
    });
    expect(decodeGatewayLine('{"type":"alarm","priority":"loud"}').kind).toBe("rejected");
  });
});

describe("fastVitals (the hand-checked common case)", () => {
  const value = fc.oneof(
    fc.constant(null),
    fc.double(),
    fc.integer(),
    fc.string({ maxLength: 3 }),
    fc.constant(undefined),
    fc.boolean(),
  );
  const candidate = fc.record(
    {
      type: fc.constant("vitals"),
      seq: fc.oneof(fc.nat(), fc.integer(), fc.double(), fc.string({ maxLength: 2 })),
      t: fc.oneof(fc.nat(), fc.double(), fc.constant(null)),
      hr: value,
      spo2: value,
      temp: value,
      rr: value,
      pi: value,
      flags: fc.oneof(
        fc.constant(undefined),
        fc.array(fc.oneof(fc.constantFrom("finger_out", "artifact"), fc.string({ maxLength: 40 })), {
          maxLength: 20,
        }),
      ),
      extra: fc.jsonValue(),
    },
    { requiredKeys: ["type"] },
  );

  it("never accepts what the schema rejects, and gives the schema's result when it accepts", () => {
    fc.assert(
      fc.property(candidate, (raw) => {
        const o = JSON.parse(JSON.stringify(raw)) as Record<string, unknown>;
        const fast = fastVitals(o);
        const ref = vitalsSchema.safeParse(o);
        if (fast !== undefined) {
          expect(ref.success).toBe(true);
          expect(fast).toEqual(ref.data);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("takes the common shape", () => {
    expect(
      fastVitals({ type: "vitals", seq: 1, t: 2, hr: 70, spo2: null, temp: 36.6, flags: ["artifact"] }),
    ).toEqual({
      type: "vitals",
      seq: 1,
      t: 2,
      hr: 70,
      spo2: null,
      temp: 36.6,
      flags: ["artifact"],
    });
  });
});

describe("rr_src (where a node's rr comes from)", () => {
  const line = (extra: Record<string, unknown>) =>
    JSON.stringify({ type: "vitals", seq: 1, t: 2, hr: 70, spo2: 97, temp: null, rr: 14, ...extra });

  it('decodes rr_src "ppg" on both the fast path and the schema path', () => {
    const fast = decodeNodeLine(line({ rr_src: "ppg" }));
    expect(fast).toMatchObject({ kind: "vitals", frame: { rr: 14, rr_src: "ppg" } });
    expect(vitalsSchema.parse(JSON.parse(line({ rr_src: "ppg" })))).toMatchObject({ rr_src: "ppg" });
  });

  it("rejects an unknown source, and round-trips through the encoder", () => {
    expect(decodeNodeLine(line({ rr_src: "guess" })).kind).toBe("rejected");
    expect(fastVitals(JSON.parse(line({ rr_src: "guess" })))).toBeUndefined();
    const frame = {
      type: "vitals",
      seq: 3,
      t: 4,
      hr: null,
      spo2: null,
      temp: null,
      rr: 12,
      rr_src: "ppg",
    } as const;
    expect(decodeNodeLine(encodeFrame(frame).trimEnd())).toEqual({ kind: "vitals", frame });
  });
});
