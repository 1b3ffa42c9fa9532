import five from "johnny-five";
import { describe, expect, it } from "vitest";
import { ThermometerDriver } from "../../sensors/i2c/thermometer-driver.js";
import type { SensorSample } from "../../sensors/sample.js";
import { Mcp9808Device } from "../support/emulators/i2c/mcp9808-device.js";
import { bootFirmataRig } from "./firmata-rig.js";

// Emulated time makes these deterministic; the wall-clock timeout only catches a hang, and must allow for
// the emulator running below real time when both cores are busy (0.46x seen under load).
describe("johnny-five's own components on StandardFirmata in avr8js", { timeout: 180_000 }, () => {
  it("Thermometer (MCP9808 controller) through the pass-through driver tracks the patient within ±0.1 °C", async () => {
    const sensor = new Mcp9808Device();
    sensor.temperatureC = 37.4;
    const rig = await bootFirmataRig([sensor]);
    const thermometer = new five.Thermometer({ controller: "MCP9808", board: rig.j5, freq: 20 });
    const samples: SensorSample[] = [];
    const driver = new ThermometerDriver({
      thermometer,
      name: "mcp9808",
      periodMs: 100,
      time: rig.board.time,
    });
    await driver.start((s) => samples.push(s));
    // johnny-five asks Firmata for continuous reads; the firmware polls the sensor every 19 ms itself.
    expect(await rig.board.runUntil(() => samples.length >= 3, 3000)).toBe(true);
    for (const s of samples) expect(Math.abs((s.values.temp as number) - 37.4)).toBeLessThanOrEqual(0.1);
    sensor.temperatureC = 38.9;
    samples.length = 0;
    await rig.board.runFor(1000);
    expect(samples.length).toBeGreaterThan(0);
    expect(Math.abs((samples.at(-1)?.values.temp as number) - 38.9)).toBeLessThanOrEqual(0.1);
    expect(samples.every((s) => s.source === "mcp9808")).toBe(true);
    await driver.stop();
  });

  it("Piezo on pin 3 toggles the pin through Firmata (recorded in emulated time)", async () => {
    const rig = await bootFirmataRig([]);
    const pin3 = rig.board.pins.watch(3);
    const piezo = new five.Piezo({ pin: 3, board: rig.j5 });
    // johnny-five's default Piezo is host-timed (a timer toggling digitalWrite), so run in real time.
    const running = rig.board.start({ realtime: true });
    piezo.frequency(250, 300);
    await new Promise((r) => setTimeout(r, 500));
    // johnny-five's timer tone ends on whichever level its last toggle left (lib/piezo.js DEFAULT.tone):
    // a buzzer output must end with noTone(), which writes LOW.
    piezo.noTone();
    await rig.board.stop();
    await running;
    // On a loaded machine the emulator lags real time: let it process the Firmata messages still queued.
    await rig.board.runUntil(() => pin3.at(-1)?.level === 0, 2_000);
    const highs = pin3.filter((t) => t.level === 1);
    console.info(
      `piezo: ${highs.length} pulses over ${((pin3.at(-1)?.timeMs ?? 0) - (pin3[0]?.timeMs ?? 0)).toFixed(0)} ms emulated`,
    );
    expect(highs.length).toBeGreaterThan(10);
    expect(pin3.at(-1)?.level).toBe(0); // silent after the tone
    for (let i = 1; i < pin3.length; i++) expect(pin3[i]?.level).not.toBe(pin3[i - 1]?.level);
  });
});
