import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { burst, DEFAULT_BURST_PATTERNS } from "../../../core/burst-pattern.js";
import { BEL, ConsoleBellOutput } from "./console-bell-output.js";

/** Collects what the output writes, with the fake time of each write. */
function sink() {
  const writes: { at: number; text: string }[] = [];
  return { writes, stream: { write: (text: string) => writes.push({ at: Date.now(), text }) } };
}

describe("ConsoleBellOutput", () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it("rings BEL at each pulse's start and announces the priority once", () => {
    const { writes, stream } = sink();
    const out = new ConsoleBellOutput({ stream });
    const pulses = burst(DEFAULT_BURST_PATTERNS.high);
    out.start(pulses, "high");
    vi.advanceTimersByTime(10_000);
    expect(writes[0]?.text).toMatch(/^alarm sound: high priority/);
    expect(writes.slice(1)).toEqual(pulses.map((p) => ({ at: p.at_ms, text: BEL })));
    out.start(pulses, "high"); // the next burst of the same alarm: no second status line
    vi.advanceTimersByTime(10_000);
    expect(writes.filter((w) => w.text !== BEL)).toHaveLength(1);
  });

  it("stop cancels the bells still due and says so once", () => {
    const { writes, stream } = sink();
    const out = new ConsoleBellOutput({ stream });
    out.start(burst(DEFAULT_BURST_PATTERNS.medium), "medium"); // pulses at 0, 400, 800 ms
    vi.advanceTimersByTime(500);
    out.stop();
    out.stop();
    vi.advanceTimersByTime(10_000);
    expect(writes.map((w) => w.text)).toEqual([
      expect.stringMatching(/medium/),
      BEL,
      BEL,
      "alarm sound: off\n",
    ]);
  });

  it("a new priority replaces the old burst's pending bells", () => {
    const { writes, stream } = sink();
    const out = new ConsoleBellOutput({ stream });
    out.start(burst(DEFAULT_BURST_PATTERNS.low), "low"); // pulses at 0 and 400
    vi.advanceTimersByTime(100);
    out.start(burst(DEFAULT_BURST_PATTERNS.medium), "medium");
    vi.advanceTimersByTime(10_000);
    const bells = writes.filter((w) => w.text === BEL).map((w) => w.at);
    expect(bells).toEqual([0, 100, 500, 900]); // low's second pulse (400) never rang
  });

  it("without bell only the status lines are written", () => {
    const { writes, stream } = sink();
    const out = new ConsoleBellOutput({ stream, bell: false });
    out.start(burst(DEFAULT_BURST_PATTERNS.high), "high");
    vi.advanceTimersByTime(10_000);
    out.stop();
    expect(writes.map((w) => w.text)).toEqual([expect.stringMatching(/high/), "alarm sound: off\n"]);
  });
});
