import { Duplex } from "node:stream";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeGatewayLine, encodeFrame, type VitalsFrame } from "../../core/protocol/index.js";
import { FakeTime } from "../../test/support/fake-time.js";
import { vitals } from "../../test/support/frames.js";
import type { SensorSample } from "../sample.js";
import { createSerialFirmwareDriver } from "./serial-firmware-driver.js";

/** The host side of a fake serial line: what the driver writes is collected, `feed` plays the board. */
class FakeBoard extends Duplex {
  readonly written: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.written.push(chunk.toString("utf8"));
    cb();
  }
  override _read(): void {}
  feed(text: string | Buffer): void {
    this.push(typeof text === "string" ? Buffer.from(text) : text);
  }
  /** Host lines decoded with the gateway codec, as the board would read them. */
  get commands() {
    return this.written
      .join("")
      .split("\n")
      .filter((l) => l)
      .map((l) => decodeGatewayLine(l));
  }
}

const HELLO = encodeFrame({
  type: "hello",
  proto: 1,
  node: "avr-328p",
  bed: "unassigned",
  fw: "vitals-avr/0.1.0",
});
const vitalsLine = (seq: number, extra: Partial<VitalsFrame> = {}) =>
  encodeFrame(vitals(seq, { t: 1000 * (seq + 1), hr: 70 + seq, spo2: 97, temp: 36.6, ...extra }));
const tick = () => new Promise((r) => setImmediate(r));

async function started() {
  const board = new FakeBoard();
  const samples: SensorSample[] = [];
  const driver = createSerialFirmwareDriver({ stream: board }, { time: new FakeTime(5_000) });
  await driver.start((s) => samples.push(s));
  return { board, samples, driver };
}

describe("SerialFirmwareDriver", () => {
  it("hands each vitals frame on once, acks it, and acks resends without repeating them", async () => {
    const { board, samples, driver } = await started();
    board.feed(
      HELLO +
        vitalsLine(0) +
        vitalsLine(1, { flags: ["no_signal"], hr: null }) +
        vitalsLine(0) +
        vitalsLine(2),
    );
    await tick();
    expect(samples.map((s) => s.values.hr)).toEqual([70, null, 72]);
    expect(samples[1]?.flags).toEqual(["no_signal"]);
    expect(samples[0]?.t).toBe(5_000); // host clock, not the board's uptime
    expect(board.commands).toEqual(
      [0, 1, 0, 2].map((seq) => ({ kind: "frame", frame: { type: "ack", seq } })),
    );
    expect(driver.counters).toEqual({ frames: 3, duplicates: 1, discarded: 0, hellos: 1 });
    expect(driver.hello?.fw).toBe("vitals-avr/0.1.0");
    await driver.stop();
  });

  it("starts seqs afresh after the board reboots (hello) and re-sends the alarm it was playing", async () => {
    const { board, samples, driver } = await started();
    board.feed(HELLO + vitalsLine(0));
    await tick();
    driver.setAlarm("high");
    board.feed(HELLO + vitalsLine(0)); // reset: seq 0 again is a new frame, and the buzzer forgot its alarm
    await tick();
    expect(samples).toHaveLength(2);
    const sent = board.commands.map((c) => (c.kind === "frame" ? c.frame : c));
    expect(sent).toEqual([
      { type: "ack", seq: 0 },
      { type: "alarm", priority: "high" },
      { type: "alarm", priority: "high" },
      { type: "ack", seq: 0 },
    ]);
    await driver.stop();
  });

  it("never wedges on a glitched board seq: a jump, 2^53−1 and a wrap to 0 are new frames, acked", async () => {
    // The board's seqs are local to its serial link; the node agent numbers what the gateway sees.
    const { board, samples, driver } = await started();
    const glitched = [1, 4_000_000_000, Number.MAX_SAFE_INTEGER, 0, 2];
    board.feed(HELLO + glitched.map((seq, i) => vitalsLine(seq, { t: 1000 * (i + 1), hr: 80 + i })).join(""));
    await tick();
    expect(samples.map((s) => s.values.hr)).toEqual([80, 81, 82, 83, 84]);
    expect(
      board.commands.map((c) => (c.kind === "frame" && c.frame.type === "ack" ? c.frame.seq : c)),
    ).toEqual(glitched);
    board.feed(vitalsLine(3, { hr: 90 }));
    await tick();
    expect(samples.at(-1)?.values.hr).toBe(90);
    await driver.stop();
  });

  it("skips garbage, overlong lines and floods of junk, and keeps reading", async () => {
    const { board, samples, driver } = await started();
    board.feed(Buffer.from([0x00, 0xff, 0x0a]));
    board.feed(`${"x".repeat(5000)}\n`);
    board.feed('{"type":"vitals","seq":1\n');
    for (let i = 0; i < 200; i++) board.feed("noise\n");
    board.feed(vitalsLine(4));
    await tick();
    expect(samples).toHaveLength(1);
    expect(driver.counters.discarded).toBe(203);
    await driver.stop();
  });

  it("gives the same samples and acks however the bytes are chunked (property)", async () => {
    const stream =
      HELLO + vitalsLine(0) + "junk\n" + vitalsLine(1) + vitalsLine(0) + vitalsLine(2, { temp: null });
    const bytes = Buffer.from(stream);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 30 }),
        async (cuts) => {
          const { board, samples, driver } = await started();
          let at = 0;
          for (const n of cuts) {
            if (at >= bytes.length) break;
            board.feed(bytes.subarray(at, at + n));
            at += n;
          }
          if (at < bytes.length) board.feed(bytes.subarray(at));
          await tick();
          expect(samples.map((s) => [s.values.hr, s.values.temp])).toEqual([
            [70, 36.6],
            [71, 36.6],
            [72, null],
          ]);
          expect(board.commands).toHaveLength(4);
          await driver.stop();
        },
      ),
      { numRuns: 50 },
    );
  });

  it("needs exactly one of path and stream; keeps retrying a port that cannot be opened yet", async () => {
    expect(() => createSerialFirmwareDriver({})).toThrow(/exactly one/);
    const board = new FakeBoard();
    let attempts = 0;
    const samples: SensorSample[] = [];
    const driver = createSerialFirmwareDriver(
      { path: "/dev/ttyACM9", reconnect: { initialMs: 5, maxMs: 20 } },
      {
        openPort: () =>
          ++attempts < 3 ? Promise.reject(new Error("No such file or directory")) : Promise.resolve(board),
      },
    );
    await driver.start((s) => samples.push(s));
    expect(driver.connected).toBe(false);
    expect(driver.lastError?.message).toMatch(/cannot open \/dev\/ttyACM9: No such file/);
    await expect.poll(() => driver.connected, { timeout: 2000 }).toBe(true);
    expect(attempts).toBe(3);
    board.feed(HELLO + vitalsLine(0));
    await tick();
    expect(samples).toHaveLength(1);
    await driver.stop();
  });
});
