import { describe, expect, it } from "vitest";
import { soundConfigSchema } from "./sound-config.js";

describe("soundConfigSchema", () => {
  it("defaults to the console bell alone", () => {
    expect(soundConfigSchema.parse({})).toEqual({
      outputs: ["console"],
      console: { bell: true },
      audio: { volume: 0.8 },
    });
  });

  it("fills the piezo defaults: Firmata on an Uno, pin 3, square-wave tone", () => {
    const c = soundConfigSchema.parse({ outputs: ["piezo", "console"], piezo: { port: "/dev/ttyACM0" } });
    expect(c.piezo).toEqual({
      io: "firmata",
      port: "/dev/ttyACM0",
      baudRate: 57_600,
      pin: 3,
      board: "uno",
      drive: "tone",
      maxToneHz: 500,
    });
  });

  it.each([
    [{ outputs: [] }, "outputs"],
    [{ outputs: ["console", "console"] }, "outputs"],
    [{ outputs: ["siren"] }, "outputs.0"],
    [{ outputs: ["piezo"] }, "piezo"],
    [{ outputs: ["piezo"], piezo: { pin: 3 } }, "piezo.port"],
    [{ outputs: ["piezo"], piezo: { port: "/dev/ttyUSB0", pin: 1 } }, "piezo.pin"],
    [{ outputs: ["piezo"], piezo: { port: "/dev/ttyUSB0", pin: 20 } }, "piezo.pin"],
    [{ outputs: ["piezo"], piezo: { port: "/dev/ttyUSB0", pin: "GPIO18" } }, "piezo.pin"],
    [{ audio: { volume: 0 } }, "audio.volume"],
    [{ audio: { volume: 1.5 } }, "audio.volume"],
    [{ audio: { colume: 0.5 } }, "audio"],
    [{ outputs: ["console"], buzzer: true }, ""],
  ])("rejects %j (at %s)", (input, path) => {
    const r = soundConfigSchema.safeParse(input);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join("."))).toContain(path);
  });

  it("pi-io takes a GPIO name and needs no serial port", () => {
    const c = soundConfigSchema.parse({ outputs: ["piezo"], piezo: { io: "pi-io", pin: "GPIO18" } });
    expect(c.piezo).toMatchObject({ io: "pi-io", pin: "GPIO18" });
  });
});
