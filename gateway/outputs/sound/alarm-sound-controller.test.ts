import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  burst,
  burstLengthMs,
  DEFAULT_BURST_PATTERNS,
  IEC_60601_1_8_RANGES,
} from "../../../core/burst-pattern.js";
import { PRIORITIES, type Priority } from "../../alarms/types.js";
import { AlarmSoundController } from "./alarm-sound-controller.js";
import { BEL, ConsoleBellOutput } from "./console-bell-output.js";
import type { ScheduledPulse, SoundOutput } from "./sound-output.js";

type Call =
  | { at: number; op: "start"; priority: Priority; pulses: readonly ScheduledPulse[] }
  | { at: number; op: "stop" };

/** An output that only remembers what it was told, and when (fake time). */
class RecordingOutput implements SoundOutput {
  readonly calls: Call[] = [];
  constructor(readonly name = "recording") {}
  start(pulses: readonly ScheduledPulse[], priority: Priority): void {
    this.calls.push({ at: Date.now(), op: "start", priority, pulses });
  }
  stop(): void {
    this.calls.push({ at: Date.now(), op: "stop" });
  }
  starts(priority?: Priority): number[] {
    return this.calls.flatMap((c) =>
      c.op === "start" && (priority === undefined || c.priority === priority) ? [c.at] : [],
    );
  }
}

/** Start of one burst to the start of the next: burst length plus the inter-burst interval tb. */
const period = (p: Priority) =>
  burstLengthMs(DEFAULT_BURST_PATTERNS[p]) + (DEFAULT_BURST_PATTERNS[p].interBurstMs ?? 0);

describe("AlarmSoundController", () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it("plays the priority's IEC burst on every output at once and repeats it after tb", () => {
    const a = new RecordingOutput("a");
    const b = new RecordingOutput("b");
    const c = new AlarmSoundController({ outputs: [a, b] });
    c.set("medium");
    vi.advanceTimersByTime(3 * period("medium") - 1);
    for (const o of [a, b]) {
      expect(o.starts()).toEqual([0, period("medium"), 2 * period("medium")]);
      for (const call of o.calls)
        if (call.op === "start") expect(call.pulses).toEqual(burst(DEFAULT_BURST_PATTERNS.medium));
    }
    // Silence between bursts (end of the last pulse to the next start) is within the standard's tb range.
    const tb = period("medium") - burstLengthMs(DEFAULT_BURST_PATTERNS.medium);
    const [lo, hi] = IEC_60601_1_8_RANGES.interBurstMs.medium;
    expect(tb).toBeGreaterThanOrEqual(lo);
    expect(tb).toBeLessThanOrEqual(hi);
    expect(c.status()).toEqual({ playing: "medium", since: 0, bursts: 3, outputs: ["a", "b"] });
  });

  it("a higher priority interrupts a lower one mid-burst and restarts its own rhythm from there", () => {
    const o = new RecordingOutput();
    const c = new AlarmSoundController({ outputs: [o] });
    c.set("medium");
    vi.advanceTimersByTime(500); // inside the medium burst (1 s long)
    c.set("high");
    expect(o.calls.map((x) => x.op)).toEqual(["start", "stop", "start"]);
    expect(o.calls[2]).toMatchObject({ at: 500, priority: "high" });
    vi.advanceTimersByTime(period("medium") * 2);
    expect(o.starts("medium")).toEqual([0]); // the medium repetition was cancelled
    expect(o.starts("high")).toEqual([500, 500 + period("high"), 500 + 2 * period("high")]);
    expect(c.status()).toMatchObject({ playing: "high", since: 500 });
  });

  it("follows the gateway down as well: high acknowledged, low still audible", () => {
    const o = new RecordingOutput();
    const c = new AlarmSoundController({ outputs: [o] });
    c.set("high");
    vi.advanceTimersByTime(1_000);
    c.set("low");
    expect(o.calls.slice(1).map((x) => (x.op === "start" ? x.priority : x.op))).toEqual(["stop", "low"]);
    vi.advanceTimersByTime(period("low") - 1);
    expect(o.starts("low")).toEqual([1_000]);
    vi.advanceTimersByTime(1);
    expect(o.starts("low")).toEqual([1_000, 1_000 + period("low")]);
  });

  it("set(null) (paused or nothing audible) silences at once and nothing plays until the next set", () => {
    const o = new RecordingOutput();
    const c = new AlarmSoundController({ outputs: [o] });
    c.set("high");
    vi.advanceTimersByTime(200);
    c.set(null);
    expect(o.calls.at(-1)).toEqual({ at: 200, op: "stop" });
    vi.advanceTimersByTime(10 * period("high"));
    expect(o.starts()).toEqual([0]);
    expect(c.status()).toEqual({ playing: null, since: null, bursts: 0, outputs: ["recording"] });
    c.set(null); // already silent: no extra stop
    expect(o.calls.filter((x) => x.op === "stop")).toHaveLength(1);
    c.set("high"); // pause over: a fresh burst, not the remainder of the old one
    expect(o.calls.at(-1)).toMatchObject({ at: 10 * period("high") + 200, op: "start", priority: "high" });
  });

  it("repeating the current priority does not restart the burst", () => {
    const o = new RecordingOutput();
    const c = new AlarmSoundController({ outputs: [o] });
    c.set("high");
    vi.advanceTimersByTime(1_000);
    c.set("high");
    expect(o.calls).toHaveLength(1);
  });

  it("an output that throws does not silence the others", () => {
    const broken: SoundOutput = {
      name: "broken",
      start: () => {
        throw new Error("port closed");
      },
      stop: () => {
        throw new Error("port closed");
      },
    };
    const o = new RecordingOutput();
    const c = new AlarmSoundController({ outputs: [broken, o] });
    c.set("high");
    c.set("medium");
    c.set(null);
    expect(o.calls.map((x) => x.op)).toEqual(["start", "stop", "start", "stop"]);
  });

  it("never plays two patterns at once, whatever the sequence and timing of changes", () => {
    const step = fc.record({
      priority: fc.constantFrom<Priority | null>(null, ...PRIORITIES),
      afterMs: fc.integer({ min: 0, max: 25_000 }),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        vi.setSystemTime(0);
        vi.clearAllTimers();
        let asked: Priority | null = null; // what the gateway asked for last
        let sounding: Priority | null = null; // what the output was told to play and not yet to stop
        const checker: SoundOutput = {
          name: "checker",
          start(_pulses, priority) {
            expect(priority).toBe(asked);
            // A start of another priority without a stop in between would overlap two patterns.
            if (sounding !== null) expect(priority).toBe(sounding);
            sounding = priority;
          },
          stop() {
            sounding = null;
          },
        };
        const c = new AlarmSoundController({ outputs: [checker] });
        for (const s of steps) {
          asked = s.priority;
          c.set(s.priority);
          expect(sounding).toBe(asked);
          vi.advanceTimersByTime(s.afterMs);
        }
        expect(c.status().playing).toBe(asked);
      }),
      { numRuns: 200 },
    );
  });

  it("through the console bell: one BEL per pulse, one status line per change", () => {
    let text = "";
    const bell = new ConsoleBellOutput({ stream: { write: (s: string) => (text += s) } });
    const c = new AlarmSoundController({ outputs: [bell] });
    c.set("high");
    vi.advanceTimersByTime(2 * period("high") - 1);
    c.set(null);
    expect(text.split(BEL).length - 1).toBe(2 * DEFAULT_BURST_PATTERNS.high.pulses);
    expect(text.replaceAll(BEL, "")).toBe(
      "alarm sound: high priority (10 pulses per burst)\nalarm sound: off\n",
    );
  });
});
