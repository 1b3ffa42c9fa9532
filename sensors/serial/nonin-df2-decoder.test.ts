import { describe, expect, it } from "vitest";
import { df2Checksum, NoninDf2Decoder } from "./nonin-df2-decoder.js";

// Real DF2 frames captured from a Nonin 9560, quoted in mattjlewis/NoninPulseOx
// src/main/java/com/diozero/pulseox/nonin/io/DataFormat2FrameSerialiser.java (comment "Example").
const CAPTURED = [
  "01804900CA",
  "0180464A11",
  "01804400C5",
  "01804300C4",
  "01814300C5",
  "0180434A0E",
  "0180436024",
  "0180439458",
  "01804300C4",
  "01804100C2",
  "01803E17D6",
  "01803C04C1",
  "018039601A",
  "0180366017",
  "0180356016",
  "01803400B5",
  "01803400B5",
  "01803400B5",
  "0180354A00",
  "0180366017",
  "0180376018",
  "01803A00BB",
  "01804000C1",
  "01804A00CB",
  "0180574A22",
  "01806900EA",
  "01807C4A47",
  "0180900011",
  "0180A10022",
  "0181AF0031",
].map((h) => Buffer.from(h, "hex"));

/** A DF2 packet of 25 frames carrying `hr`, `spo2` and a status byte for every frame. */
function packet(hr: number, spo2: number, status = 0x82): Buffer {
  const floats = new Array(25).fill(0);
  floats[0] = (hr >> 7) & 3;
  floats[1] = hr & 0x7f;
  floats[2] = spo2;
  return Buffer.concat(
    floats.map((f, k) => {
      const s = status | (k === 0 ? 1 : 0);
      return Buffer.from([1, s, 100, f, df2Checksum(1, s, 100, f)]);
    }),
  );
}

describe("NoninDf2Decoder", () => {
  it("accepts the captured 9560 frames: valid checksums, packet boundary at the SYNC frames", () => {
    const d = new NoninDf2Decoder();
    const frames = d.push(Buffer.concat(CAPTURED));
    expect(d.counters.checksumErrors).toBe(0);
    // Frames 0–3 precede the first SYNC frame; frames 4–28 form one full packet; frame 29 starts the next.
    expect(frames.filter((f) => f.kind === "discarded").map((f) => f.bytes.length)).toEqual([5, 5, 5, 5]);
    const readings = frames.filter((f) => f.kind === "reading");
    expect(readings).toHaveLength(1);
    // HR MSB/LSB in frames 0/1 of that packet: 0x00 and 0x4A → 74 bpm; SpO2 frame 2 → 0x60 = 96 %.
    expect(readings[0]).toMatchObject({ hr: 74, spo2: 96, flags: [] });
  });

  it("counts a corrupted frame as a checksum error and drops its whole packet", () => {
    const d = new NoninDf2Decoder();
    const good = packet(72, 97);
    const bad = Buffer.from(good);
    bad[3 * 5 + 2] = (bad[3 * 5 + 2] ?? 0) ^ 0x10; // flip a pleth bit in frame 3
    const frames = d.push(Buffer.concat([good, bad, good]));
    expect(d.counters.checksumErrors).toBe(1);
    expect(frames.filter((f) => f.kind === "reading")).toHaveLength(2);
  });

  it("decodes 9-bit heart rates, missing values and status flags", () => {
    const d = new NoninDf2Decoder();
    const frames = d.push(
      Buffer.concat([packet(300, 88, 0x80 | 0x20 | 0x04), packet(511, 127, 0x80 | 0x40)]),
    );
    expect(frames).toMatchObject([
      { kind: "reading", hr: 300, spo2: 88, flags: ["artifact", "low_perfusion"] },
      { kind: "reading", hr: null, spo2: null, flags: ["sensor_off"] },
    ]);
  });
});
