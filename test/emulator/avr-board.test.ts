import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AvrBoard } from "../support/emulators/avr/avr-board.js";
import { STANDARD_FIRMATA_HEX } from "./firmata-rig.js";

describe("AvrBoard running the packaged StandardFirmata", () => {
  it("boots, blinks its version on pin 13 with exact delay() timing, then reports its version on the UART", async () => {
    const board = new AvrBoard({ hex: readFileSync(STANDARD_FIRMATA_HEX, "utf8") });
    const led = board.pins.watch(13);
    const rx: number[] = [];
    board.serial.on("data", (chunk: Buffer) => rx.push(...chunk));
    const stats = await board.runFor(2500);
    console.info(
      `boot: ${stats.cycles} cycles in ${stats.wallMs.toFixed(0)} ms = ${stats.emulatedMHz.toFixed(1)} emulated MHz`,
    );

    // Firmata's blinkVersion(): major (2) then minor (4) strobes, each 40 ms on after 210 ms off.
    const highs = led.filter((t) => t.level === 1);
    expect(highs).toHaveLength(6);
    for (let i = 0; i < led.length - 1; i += 2) {
      expect(led[i]?.level).toBe(1);
      const widthMs = (led[i + 1]?.timeMs ?? 0) - (led[i]?.timeMs ?? 0);
      expect(widthMs).toBeGreaterThan(39.9);
      expect(widthMs).toBeLessThan(40.2);
    }
    const gapMs = (highs[1]?.timeMs ?? 0) - (highs[0]?.timeMs ?? 0);
    expect(gapMs).toBeCloseTo(250, 0);

    // REPORT_VERSION 2.4, then the firmware name as a 7-bit-encoded sysex string.
    expect(rx.slice(0, 3)).toEqual([0xf9, 0x02, 0x04]);
    const name = Buffer.from(rx.slice(7, -1).filter((_, i) => i % 2 === 0)).toString("latin1");
    expect(name).toBe("StandardFirmata.ino");
    // The firmware was silent until the blinks were done (~2 s emulated).
    expect(board.timeMs).toBeGreaterThanOrEqual(2500);
  });

  it("feeds host bytes through the USART at the firmware's baud rate: a version query is answered", async () => {
    const board = new AvrBoard({ hex: readFileSync(STANDARD_FIRMATA_HEX, "utf8") });
    const rx: number[] = [];
    board.serial.on("data", (chunk: Buffer) => rx.push(...chunk));
    board.serial.write(Buffer.from([0xf9])); // queued: the receiver is not enabled yet
    await board.runFor(2500);
    const boot = rx.length;
    expect(board.usart.baudRate).toBeGreaterThan(57_000);
    rx.length = 0;
    board.serial.write(Buffer.from([0xf9]));
    await board.runFor(5);
    expect(rx).toEqual([0xf9, 0x02, 0x04]);
    expect(boot).toBeGreaterThan(3);
  });

  it("host timers on the emulated clock fire at emulated times, between slices", async () => {
    const board = new AvrBoard({ hex: readFileSync(STANDARD_FIRMATA_HEX, "utf8") });
    const fired: number[] = [];
    const every = board.time.every(10, () => fired.push(board.timeMs));
    board.time.after(25, () => fired.push(-board.timeMs));
    await board.runFor(45);
    every.cancel();
    await board.runFor(30);
    // An instruction can take up to 4 cycles, so a deadline may be overshot by a fraction of a microsecond.
    expect(fired).toHaveLength(5);
    for (const [i, want] of [10, 20, -25, 30, 40].entries()) expect(fired[i]).toBeCloseTo(want, 3);
  });
});
