import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { burst, burstLengthMs, DEFAULT_BURST_PATTERNS } from "../../core/burst-pattern.js";
import type { Priority } from "../../gateway/alarms/types.js";
import { AlarmSoundController } from "../../gateway/outputs/sound/alarm-sound-controller.js";
import { createSoundOutputs } from "../../gateway/outputs/sound/create-sound-outputs.js";
import { type PiezoIo, PiezoOutput } from "../../gateway/outputs/sound/piezo-output.js";
import { soundConfigSchema } from "../../gateway/outputs/sound/sound-config.js";
import { bootFirmataRig, type FirmataRig } from "../emulator/firmata-rig.js";
import type { PinTransition } from "../support/emulators/avr/pin-transition-recorder.js";
import { type PinPulse, pulsesOnPin } from "./pulse-envelope.js";

/**
 * Tolerance on every pulse edge, onset and length, in emulated time. Each edge is one 3-byte Firmata
 * message at 57 600 baud (0.52 ms) that the emulator starts feeding at its next 1 ms slice: 0.5–1.6 ms
 * late, measured. A tone's final half period is silent by construction (≤ 1.25 ms at 400 Hz). So a
 * pulse reads up to ~3 ms off; 5 ms is well inside the standard's own ranges (td 75–200 ms high).
 */
const TOL_MS = 5;

const PIN = 3;
let rig: FirmataRig;
let pin: PinTransition[];
let io: PiezoIo;
const deviations: number[] = [];

/** Runs the controller for `ms` of emulated time and returns the pulses seen on the pin meanwhile. */
async function sound(controller: AlarmSoundController, priority: Priority, ms: number): Promise<PinPulse[]> {
  const t0 = rig.board.timeMs;
  controller.set(priority);
  await rig.board.runFor(ms);
  controller.set(null);
  await rig.board.runFor(50); // let the final "low" reach the pin
  return pulsesOnPin(pin, t0).map((p) => ({ ...p, startMs: p.startMs - t0, endMs: p.endMs - t0 }));
}

/** Each pulse starts and lasts as scheduled, within TOL_MS, and its tone has the expected pitch. */
function expectPulses(seen: PinPulse[], priority: Priority, bursts: number, toneHz: number) {
  const pattern = DEFAULT_BURST_PATTERNS[priority];
  const period = burstLengthMs(pattern) + (pattern.interBurstMs ?? 0);
  const expected = Array.from({ length: bursts }, (_, b) =>
    burst(pattern).map((p) => ({ ...p, at_ms: p.at_ms + b * period })),
  ).flat();
  expect(seen).toHaveLength(expected.length);
  expected.forEach((want, i) => {
    const got = seen[i] as PinPulse;
    const onset = got.startMs - want.at_ms;
    const length = got.endMs - got.startMs - want.on_ms;
    deviations.push(onset, length);
    expect(Math.abs(onset)).toBeLessThanOrEqual(TOL_MS);
    expect(Math.abs(length)).toBeLessThanOrEqual(TOL_MS);
    // Two edges per period of the square wave: the pitch, within 5 %.
    const hz = (got.edges - 1) / 2 / ((got.endMs - got.startMs) / 1000);
    expect(Math.abs(hz - toneHz) / toneHz).toBeLessThanOrEqual(0.05);
  });
  expect(pin.at(-1)?.level).toBe(0); // silent, not stuck high, after set(null)
}

describe("PiezoOutput on StandardFirmata in avr8js through johnny-five (emulated time)", () => {
  beforeAll(async () => {
    rig = await bootFirmataRig([]);
    pin = rig.board.pins.watch(PIN);
    io = rig.j5.io as unknown as PiezoIo;
  });
  afterAll(() => {
    const worst = Math.max(...deviations.map(Math.abs));
    console.info(
      `piezo pulse edges: worst deviation ${worst.toFixed(2)} ms over ${deviations.length / 2} pulses`,
    );
  });

  const controllerWith = (piezo: PiezoOutput) =>
    new AlarmSoundController({ outputs: [piezo], time: rig.board.time });

  it("high priority: 10 pulses, 3+2 / 3+2, 150 ms each at 500 Hz", async () => {
    const c = controllerWith(new PiezoOutput({ io, pin: PIN, time: rig.board.time }));
    const seen = await sound(c, "high", burstLengthMs(DEFAULT_BURST_PATTERNS.high) + 100);
    expectPulses(seen, "high", 1, 500);
    // The rhythm, read off the pin: gaps after pulses 3 and 8 are one missing pulse slot, after 5 the half-burst gap.
    const gaps = seen.slice(1).map((p, i) => p.startMs - (seen[i] as PinPulse).endMs);
    const { spacingMs: x, pulseMs: td, halfBurstGapMs } = DEFAULT_BURST_PATTERNS.high;
    [x, x, 2 * x + td, x, halfBurstGapMs, x, x, 2 * x + td, x].forEach((want, i) => {
      expect(Math.abs((gaps[i] as number) - want)).toBeLessThanOrEqual(TOL_MS);
    });
  });

  it("medium priority: 3 pulses, repeated after the inter-burst interval", async () => {
    const c = controllerWith(new PiezoOutput({ io, pin: PIN, time: rig.board.time }));
    const p = DEFAULT_BURST_PATTERNS.medium;
    const seen = await sound(c, "medium", 2 * burstLengthMs(p) + (p.interBurstMs ?? 0) + 100);
    expectPulses(seen, "medium", 2, 500);
  });

  it("low priority: 2 pulses at 400 Hz", async () => {
    const c = controllerWith(new PiezoOutput({ io, pin: PIN, time: rig.board.time }));
    const seen = await sound(c, "low", burstLengthMs(DEFAULT_BURST_PATTERNS.low) + 100);
    expectPulses(seen, "low", 1, 400);
  });

  it("a high alarm cuts a medium pulse short and starts its own burst at once", async () => {
    const c = controllerWith(new PiezoOutput({ io, pin: PIN, time: rig.board.time }));
    const t0 = rig.board.timeMs;
    c.set("medium");
    await rig.board.runFor(500); // medium's 2nd pulse sounds from 400 to 600 ms
    c.set("high");
    await rig.board.runFor(burstLengthMs(DEFAULT_BURST_PATTERNS.high) + 100);
    c.set(null);
    await rig.board.runFor(50);
    const seen = pulsesOnPin(pin, t0);
    // medium pulse 1 (full), pulse 2 and high pulse 1 run together at 500 ms (no silence between),
    // then the remaining 9 high pulses, on the high schedule counted from the switch.
    expect(seen).toHaveLength(1 + 1 + 9);
    const switchAt = t0 + 500;
    const high = burst(DEFAULT_BURST_PATTERNS.high);
    expect(Math.abs((seen[1] as PinPulse).endMs - (switchAt + (high[0]?.on_ms ?? 0)))).toBeLessThanOrEqual(
      TOL_MS,
    );
    high.slice(1).forEach((want, i) => {
      expect(Math.abs((seen[i + 2] as PinPulse).startMs - (switchAt + want.at_ms))).toBeLessThanOrEqual(
        TOL_MS,
      );
    });
  });

  it("an active buzzer from the config ('level' drive): one high level per pulse", async () => {
    const config = soundConfigSchema.parse({
      outputs: ["piezo"],
      piezo: { port: "/dev/emulated", pin: PIN, drive: "level" },
    });
    const outputs = await createSoundOutputs(config, {
      time: rig.board.time,
      openPiezoBoard: async () => ({ io, close: async () => {} }),
    });
    expect(outputs.map((o) => o.name)).toEqual(["piezo"]);
    const c = new AlarmSoundController({ outputs, time: rig.board.time });
    const t0 = rig.board.timeMs;
    c.set("medium");
    await rig.board.runFor(burstLengthMs(DEFAULT_BURST_PATTERNS.medium) + 100);
    c.set(null);
    await rig.board.runFor(50);
    const edges = pin.filter((t) => t.timeMs >= t0);
    const want = burst(DEFAULT_BURST_PATTERNS.medium);
    expect(edges.map((e) => e.level)).toEqual(want.flatMap(() => [1, 0]));
    want.forEach((p, i) => {
      const rise = edges[2 * i] as PinTransition;
      const fall = edges[2 * i + 1] as PinTransition;
      expect(Math.abs(rise.timeMs - t0 - p.at_ms)).toBeLessThanOrEqual(TOL_MS);
      expect(Math.abs(fall.timeMs - rise.timeMs - p.on_ms)).toBeLessThanOrEqual(TOL_MS);
    });
    await c.close();
  });
});
