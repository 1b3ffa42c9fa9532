import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../../../core/logger.js";
import { AudioDeviceOutput } from "./audio-device-output.js";
import { ConsoleBellOutput } from "./console-bell-output.js";
import { createSoundOutputs } from "./create-sound-outputs.js";
import { PiezoOutput } from "./piezo-output.js";
import { soundConfigSchema } from "./sound-config.js";

/** A logger whose JSON lines the test can read. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger("info", { write: (s: string) => lines.push(JSON.parse(s)) });
  return { lines, logger };
}

describe("createSoundOutputs", () => {
  let bin: string;
  beforeEach(() => {
    bin = mkdtempSync(join(tmpdir(), "vitals-bin-"));
  });
  afterEach(() => rmSync(bin, { recursive: true, force: true }));

  it("builds the configured outputs in order", async () => {
    writeFileSync(join(bin, "aplay"), "#!/bin/sh\n");
    chmodSync(join(bin, "aplay"), 0o755);
    const writes: string[] = [];
    const pins: string[] = [];
    const config = soundConfigSchema.parse({
      outputs: ["piezo", "audio", "console"],
      piezo: { port: "/dev/ttyACM0", pin: 5 },
    });
    const outputs = await createSoundOutputs(config, {
      searchPath: bin,
      stream: { write: (s: string) => writes.push(s) },
      openPiezoBoard: async (c) => ({
        io: {
          MODES: { OUTPUT: 1 },
          pinMode: (pin: number | string, mode: number) => pins.push(`mode ${pin} ${mode}`),
          digitalWrite: (pin: number | string, v: 0 | 1) => pins.push(`write ${pin} ${v}`),
        },
        close: async () => {
          pins.push(`closed ${c.port}`);
        },
      }),
    });
    expect(outputs.map((o) => o.constructor)).toEqual([PiezoOutput, AudioDeviceOutput, ConsoleBellOutput]);
    expect(pins).toEqual(["mode 5 1", "write 5 0"]); // the configured pin, set as an output, silent
    for (const o of outputs) await o.close?.();
    expect(pins.at(-1)).toBe("closed /dev/ttyACM0");
  });

  it("an output that cannot be opened is logged and left out; with none left, the console bell sounds", async () => {
    const { lines, logger } = capturingLogger();
    const config = soundConfigSchema.parse({ outputs: ["audio", "piezo"], piezo: { port: "/dev/ttyNOPE" } });
    const outputs = await createSoundOutputs(config, {
      logger,
      searchPath: bin, // no player in it
      stream: { write: () => true },
      openPiezoBoard: async () => {
        throw new Error("cannot open /dev/ttyNOPE");
      },
    });
    expect(outputs.map((o) => o.name)).toEqual(["console"]);
    expect(lines.map((l) => l.msg)).toEqual([
      "no audio player found",
      "piezo board could not be opened",
      "no configured sound output could be opened; falling back to the console bell",
    ]);
  });

  it("the real Firmata opener reports a missing serial port instead of crashing or hanging", async () => {
    const { lines, logger } = capturingLogger();
    const config = soundConfigSchema.parse({
      outputs: ["piezo", "console"],
      piezo: { port: join(bin, "ttyACM9") },
    });
    const outputs = await createSoundOutputs(config, { logger, stream: { write: () => true } });
    expect(outputs.map((o) => o.name)).toEqual(["console"]);
    const failure = lines.find((l) => l.msg === "piezo board could not be opened");
    // The port's own open error, reported at once: not the board's 15 s "ready" time-out running out.
    expect((failure?.err as { message?: string } | undefined)?.message).toMatch(/cannot open.*ttyACM9/);
  });
});
