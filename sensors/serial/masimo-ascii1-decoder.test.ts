import { describe, expect, it } from "vitest";
import { MasimoAscii1Decoder, parseMasimoLine } from "./masimo-ascii1-decoder.js";

// Line formats as printed by the devices, quoted in remkolems/masimo-datacapture masimo-capture.py
// (Rad-8 ASCII 1 and Radical-7) and in the Rad-8 operator's manual.
const RAD8 =
  "10/08/05 16:40:35 SN=0000071931 SPO2=098% BPM=123 PI=00.55 SPCO=--.-% SPMET=--.-% DESAT=-- PIDELTA=+-- ALARM=0000 EXC=000000";
const RAD8_NO_SENSOR =
  "03/19/16 13:37:12 SN=0000093112 SPO2=---% BPM=---% DESAT=-- PIDELTA=+-- ALARM=0000 EXC=000001";
const RADICAL7 =
  "05/15/07 08:12:21 SN=0000070986 SPO2=---% BPM=--- PI=--.--% SPCO=--.-% SPMET=--.-% DESAT=-- PIDELTA=+-- PVI=--- ALARM=0000 EXC=000028";

describe("parseMasimoLine", () => {
  it("reads SpO2, pulse rate and PI", () => {
    expect(parseMasimoLine(RAD8)).toEqual({ kind: "reading", hr: 123, spo2: 98, pi: 0.55, flags: [] });
  });
  it("turns dashes into nulls and exception bits into flags", () => {
    expect(parseMasimoLine(RAD8_NO_SENSOR)).toEqual({
      kind: "reading",
      hr: null,
      spo2: null,
      pi: null,
      flags: ["sensor_off"],
    });
    // 0x028 = pulse search (0x008) + sensor off patient (0x020)
    expect(parseMasimoLine(RADICAL7)).toMatchObject({
      hr: null,
      spo2: null,
      flags: ["finger_out", "searching"],
    });
  });
  it("rejects lines cut short or with a value that does not have the device's width", () => {
    expect(parseMasimoLine(RAD8.slice(0, 60))).toHaveProperty("bad");
    expect(parseMasimoLine(RAD8.replace("EXC=000000", "EXC=0000"))).toHaveProperty("bad");
    expect(parseMasimoLine(RAD8.replace("BPM=123", "BPM=12"))).toHaveProperty("bad");
    expect(parseMasimoLine(RAD8.replace("SPO2=098%", "SPO2=198%"))).toHaveProperty("bad");
    expect(parseMasimoLine(`x${RAD8}`)).toHaveProperty("bad");
  });
});

describe("MasimoAscii1Decoder", () => {
  it("splits CR LF lines across chunks and reports junk lines as discarded", () => {
    const d = new MasimoAscii1Decoder();
    const bytes = Buffer.from(`garbage\r\n${RAD8}\r\n${RAD8_NO_SENSOR}\r\n`, "latin1");
    const frames = [...d.push(bytes.subarray(0, 40)), ...d.push(bytes.subarray(40))];
    expect(frames.map((f) => f.kind)).toEqual(["discarded", "reading", "reading"]);
    expect(d.counters).toMatchObject({ readings: 2, discardedBytes: 7 });
  });
  it("never buffers more than a line's worth of a stream without newlines", () => {
    const d = new MasimoAscii1Decoder();
    const frames = d.push(new Uint8Array(5000).fill(0x41));
    expect(frames.every((f) => f.kind === "discarded" && f.why === "oversize")).toBe(true);
    expect(frames.length).toBeGreaterThanOrEqual(9);
    expect(d.push(Buffer.from(`\n${RAD8}\n`)).map((f) => f.kind)).toEqual(["discarded", "reading"]);
  });
});
