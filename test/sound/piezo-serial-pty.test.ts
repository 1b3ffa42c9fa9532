import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SerialPort } from "serialport";
import { afterEach, describe, expect, it } from "vitest";
import { burst, DEFAULT_BURST_PATTERNS } from "../../core/burst-pattern.js";
import { AlarmSoundController } from "../../gateway/outputs/sound/alarm-sound-controller.js";
import { createSoundOutputs } from "../../gateway/outputs/sound/create-sound-outputs.js";
import { openPiezoBoard, type PiezoBoard } from "../../gateway/outputs/sound/piezo-board.js";
import { soundConfigSchema } from "../../gateway/outputs/sound/sound-config.js";
import type { SoundOutput } from "../../gateway/outputs/sound/sound-output.js";
import { STANDARD_FIRMATA_HEX } from "../emulator/firmata-rig.js";
import { SocatPtyPair } from "../serial/socat-pty-pair.js";
import { AvrBoard } from "../support/emulators/avr/avr-board.js";
import { FakeTime } from "../support/fake-time.js";
import { haveTool } from "../support/require-tool.js";

/**
 * The production path end to end: createSoundOutputs opens a real serial port (a socat pseudo-terminal)
 * with serialport + firmata.js + johnny-five, and on its other end StandardFirmata runs in avr8js in real
 * time. The sound path runs on fake time the test moves edge by edge, so what is asserted is exact
 * however loaded the host: each edge is written at its scheduled time and reaches the emulated pin, in
 * order. (Real host timers and a real-time emulator jitter by tens of ms on a busy machine; the envelope
 * in emulated time is checked by piezo-firmata.test.ts.)
 */
describe.skipIf(!haveTool("socat", "socat"))(
  "piezo over a real serial port (socat pty ↔ emulated Uno)",
  () => {
    const cleanups: (() => Promise<void> | void)[] = [];
    afterEach(async () => {
      for (const c of cleanups.reverse()) await c();
      cleanups.length = 0;
    });

    it("opens the board from the config, sets pin 3 as output and sounds each pulse of a burst", async () => {
      const dir = mkdtempSync(join(tmpdir(), "vitals-piezo-pty-"));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      const pair = new SocatPtyPair(dir);
      await pair.start();
      cleanups.push(() => pair.stop());
      const board = new AvrBoard({ hex: readFileSync(STANDARD_FIRMATA_HEX, "utf8") });
      const pin = board.pins.watch(3);
      // The Uno's USB-serial chip: bytes between the device end of the pty and the emulated UART.
      const device = new SerialPort({ path: pair.devicePath, baudRate: 57_600 });
      await new Promise<void>((resolve, reject) => device.once("open", resolve).once("error", reject));
      cleanups.push(() => new Promise<void>((r) => device.close(() => r())));
      device.on("data", (b: Buffer) => board.serial.write(b));
      board.serial.on("data", (b: Buffer) => device.write(b));

      const config = soundConfigSchema.parse({
        outputs: ["piezo"],
        piezo: { port: pair.hostPath, pin: 3, drive: "level" },
      });
      // The real board opener, with every pin write recorded at the fake time it was made.
      const time = new FakeTime(0);
      const writes: { atMs: number; level: 0 | 1 }[] = [];
      const recordingOpener = async (...args: Parameters<typeof openPiezoBoard>): Promise<PiezoBoard> => {
        const { io, close } = await openPiezoBoard(...args);
        return {
          close,
          io: {
            MODES: io.MODES,
            pinMode: (p, mode) => io.pinMode(p, mode),
            digitalWrite: (p, level) => {
              writes.push({ atMs: time.now(), level });
              return io.digitalWrite(p, level);
            },
          },
        };
      };
      const opening = createSoundOutputs(config, { time, openPiezoBoard: recordingOpener });
      const running = board.start({ realtime: true }); // power on after the port is open: the boot banner is heard
      cleanups.push(async () => {
        await board.stop();
        await running;
      });
      const outputs: SoundOutput[] = await opening;
      expect(outputs.map((o) => o.name)).toEqual(["piezo"]);
      const sound = new AlarmSoundController({ outputs, time });
      cleanups.push(() => sound.close());

      const t0 = board.timeMs;
      const edges = () => pin.filter((t) => t.timeMs >= t0);
      writes.length = 0; // the output's initial "off"
      const want = burst(DEFAULT_BURST_PATTERNS.medium);
      const schedule = want.flatMap((p) => [
        { atMs: p.at_ms, level: 1 as const },
        { atMs: p.at_ms + p.on_ms, level: 0 as const },
      ]);
      sound.set("medium");
      // Move time to each edge in turn; the edge must come out of the pin before the next one is due,
      // and no other edge with it.
      for (const [i, edge] of schedule.entries()) {
        time.advanceTo(edge.atMs);
        await expect.poll(() => edges().length, { timeout: 10_000 }).toBe(i + 1);
        expect(edges().at(-1)?.level).toBe(edge.level);
      }
      sound.set(null);
      expect(writes).toEqual(schedule);
      expect(edges().map((e) => e.level)).toEqual(want.flatMap(() => [1, 0]));
    });
  },
);
