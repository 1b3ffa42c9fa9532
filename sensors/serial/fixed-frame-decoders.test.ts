import { describe, expect, it } from "vitest";
import { BciDecoder, decodeBciPacket } from "./bci-decoder.js";
import { Cms50LegacyDecoder, decodeCms50LegacyPacket } from "./cms50-legacy-decoder.js";
import { decodeNoninDf8Frame, NoninDf8Decoder } from "./nonin-df8-decoder.js";

// Hand-assembled packets from the documented layouts (see each decoder's header for sources).
describe("Contec legacy 5-byte packet", () => {
  it("reassembles a pulse rate above 127 from bit 6 of byte 2", () => {
    // byte0: sync + signal 8; byte2: PR bit 7 (0x40) + bar 3; byte3: 0x0A → 128 + 10 = 138 bpm
    expect(decodeCms50LegacyPacket(Uint8Array.of(0x88, 0x40, 0x43, 0x0a, 0x5e))).toEqual({
      kind: "reading",
      hr: 138,
      spo2: 94,
      pi: null,
      pleth: 0x40,
      flags: [],
    });
  });
  it("maps invalid codes to null and status bits to flags", () => {
    expect(decodeCms50LegacyPacket(Uint8Array.of(0x90, 0, 0x70, 0x7f, 0x7f))).toMatchObject({
      hr: null,
      spo2: null,
      flags: ["finger_out", "probe_error", "searching"],
    });
  });
  it("locks on only after five well-formed packets in a row, and again after a gap", () => {
    const p = Uint8Array.of(0x88, 0x40, 0x03, 0x48, 0x61); // 72 bpm, 97 %
    const d = new Cms50LegacyDecoder();
    const stream = Buffer.concat(Array.from({ length: 8 }, () => p));
    expect(d.push(stream).filter((f) => f.kind === "reading")).toHaveLength(8 - 4 - 1);
    // One stray byte breaks the run: the packet it follows is unconfirmed (it could be a splice)
    // and the next four are not trusted; of six more packets only the fifth is reported (the
    // sixth waits for its successor).
    const after = d.push(Buffer.concat([Uint8Array.of(0x05), ...Array.from({ length: 6 }, () => p)]));
    expect(after.filter((f) => f.kind === "reading")).toHaveLength(1);
    expect(after.some((f) => f.kind === "discarded" && f.why === "unconfirmed")).toBe(true);
  });
});

describe("Berry BCI packet", () => {
  it("reads probe-unplugged and no-finger bits where BCI puts them", () => {
    // byte2 0x50: PR bit 7 (0x40) + no finger (0x10); PR 0x80|0x7F = 255 = invalid
    expect(decodeBciPacket(Uint8Array.of(0xa0, 0, 0x50, 0x7f, 0x7f))).toMatchObject({
      hr: null,
      spo2: null,
      flags: ["finger_out", "sensor_off"],
    });
    expect(new BciDecoder().push(Uint8Array.of(0x00, 0x00))).toMatchObject([
      { kind: "discarded", why: "no_sync" },
    ]);
  });
});

describe("Nonin Data Format 8", () => {
  it("reads a 9-bit heart rate and the status bits", () => {
    // STATUS 0x80 | ARTF 0x04 | HR bits 8..7 = 0b10; HR LSB 0x05 → 256 + 5 = 261
    expect(decodeNoninDf8Frame(Uint8Array.of(0x86, 0x05, 0x5a, 0x01))).toEqual({
      kind: "reading",
      hr: 261,
      spo2: 90,
      pi: null,
      flags: ["artifact", "low_battery"],
    });
    expect(decodeNoninDf8Frame(Uint8Array.of(0xc3, 0x7f, 0x7f, 0x00))).toMatchObject({
      hr: null,
      spo2: null,
      flags: ["sensor_off"],
    });
  });
  it("needs four frames in a row and the start of a fifth before trusting values", () => {
    const f = Uint8Array.of(0x80, 0x3c, 0x62, 0x00);
    const d = new NoninDf8Decoder();
    expect(d.push(Buffer.concat([f, f, f, f])).filter((x) => x.kind === "reading")).toHaveLength(0);
    expect(d.push(Uint8Array.of(0x80)).filter((x) => x.kind === "reading")).toMatchObject([
      { hr: 60, spo2: 98 },
    ]);
  });
});
