import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Cms50CommandDecoder, cms50CommandBytes, decodeCms50Realtime } from "./cms50-command-decoder.js";
import type { OximeterReading } from "./oximeter-frame.js";

// Real capture: /work/shared/fixtures/cms50e_raw_frames_hex.txt, from titinho11/CMS50E-raw-ppg-data
// (file "data", commit a037b30c), recorded by the repo author from a Contec CMS50E over USB serial.
// 922 bytes = 102 live packets of 9 bytes + a truncated 4-byte tail.
const FIXTURE = "/work/shared/fixtures/cms50e_raw_frames_hex.txt";
const capture = Buffer.from(readFileSync(FIXTURE, "latin1").trim(), "hex");

const readings = (frames: ReturnType<Cms50CommandDecoder["push"]>) =>
  frames.filter((f): f is OximeterReading => f.kind === "reading");

describe("Cms50CommandDecoder on the real CMS50E capture", () => {
  it("decodes every complete packet after the 3-packet lock to PR 60, SpO2 99, no PI", () => {
    expect(capture.length).toBe(922);
    const d = new Cms50CommandDecoder();
    const got = readings(d.push(capture));
    expect(got).toHaveLength(102 - 2);
    for (const r of got) {
      expect(r.hr).toBe(60);
      expect(r.spo2).toBe(99);
      expect(r.pi).toBeNull(); // d2 bit 4 set and PI bytes 0xFFFF in the capture
      expect(r.flags).toEqual([]);
    }
    // The pleth swings with the pulse (0x88..0xCD with bit 7 stripped) and is not constant.
    const pleth = got.map((r) => r.pleth ?? -1);
    expect(Math.min(...pleth)).toBe(0x08);
    expect(Math.max(...pleth)).toBe(0x4d);
    // The 4-byte tail is held back, not decoded and not yet discarded.
    expect(d.counters.discardedBytes).toBe(2 * 9);
  });

  it("gives the same readings whatever the chunking", () => {
    const whole = readings(new Cms50CommandDecoder().push(capture));
    const d = new Cms50CommandDecoder();
    const pieces = [];
    for (let i = 0; i < capture.length; i += 7) pieces.push(...readings(d.push(capture.subarray(i, i + 7))));
    expect(pieces).toEqual(whole);
  });

  it("resynchronises after garbage and after a packet cut short (cable pulled)", () => {
    const d = new Cms50CommandDecoder();
    const garbage = Buffer.from([0xff, 0x01, 0xe0, 0x84, 0x13, 0x55, 0x80, 0x02]);
    const cut = capture.subarray(0, 5); // half a packet, then the stream starts over
    const frames = d.push(Buffer.concat([garbage, capture.subarray(0, 90), cut, capture.subarray(9, 90)]));
    const got = readings(frames);
    expect(got.length).toBeGreaterThan(0);
    expect(got.every((r) => r.hr === 60 && r.spo2 === 99)).toBe(true);
    expect(frames.some((f) => f.kind === "discarded" && f.why === "truncated")).toBe(true);
    expect(frames.some((f) => f.kind === "discarded" && f.why === "no_sync")).toBe(true);
  });
});

describe("decodeCms50Realtime flags", () => {
  it("finger out (0xE1 high byte, as captured by headrotor/contec_data) gives finger_out and no values", () => {
    // d0 = 0x80|0x05 via high bit 0, d3/d4 = invalid 0xFF/0x7F
    const p = Uint8Array.of(0x01, 0xe1 | 0x08, 0x85, 0x80, 0x80, 0xff, 0xff, 0xff, 0xff);
    const r = decodeCms50Realtime(p);
    expect(r).toMatchObject({ kind: "reading", hr: null, spo2: null, pi: null, flags: ["finger_out"] });
  });
  it("rejects an SpO2 field above 100 that is not the invalid code", () => {
    expect(decodeCms50Realtime(Uint8Array.of(0x01, 0x80, 0x84, 0x90, 0x92, 0xbc, 0xe5, 0xff, 0xff))).toEqual({
      bad: "SpO2 101",
    });
  });
});

describe("cms50CommandBytes", () => {
  it("frames a command as 7D 81 <cmd> and six 0x80 pads", () => {
    expect([...cms50CommandBytes(0xa1)]).toEqual([0x7d, 0x81, 0xa1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80]);
  });
});
