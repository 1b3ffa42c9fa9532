import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PpgProcessor } from "./ppg-processor.js";
import { type BeatFeatures, dominantRate, estimateRespiratoryRate } from "./respiratory-rate.js";

/** Beats at `hr` whose baseline, height and timing are modulated at `rr` breaths/min (depths given). */
function modulatedBeats(
  hr: number,
  rr: number,
  seconds: number,
  fs: number,
  depth = { iv: 0.05, av: 0.2, fv: 0.04 },
) {
  const beats: BeatFeatures[] = [];
  let t = 0.5;
  while (t < seconds) {
    const phase = (2 * Math.PI * rr * t) / 60;
    beats.push({
      at: t * fs,
      amplitude: 1 + depth.av * Math.sin(phase),
      intensity: 1000 * (1 + depth.iv * Math.sin(phase + 1)),
    });
    t += (60 / hr) * (1 + depth.fv * Math.sin(phase + 2));
  }
  return beats;
}

describe("estimateRespiratoryRate", () => {
  it("recovers the breathing rate that modulates the beats, 6–30 breaths/min at 50–150 bpm", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 50, max: 150, noNaN: true }),
        fc.double({ min: 6, max: 30, noNaN: true }),
        (hr, rr) => {
          fc.pre(rr < hr / 3);
          const est = estimateRespiratoryRate(modulatedBeats(hr, rr, 32, 100), 32 * 100, 100);
          expect(est.rr).not.toBeNull();
          expect(Math.abs((est.rr as number) - rr)).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it("withholds the rate when the three modulations disagree", () => {
    const a = modulatedBeats(80, 12, 32, 100);
    const b = modulatedBeats(80, 24, 32, 100);
    // Height follows one rate, baseline another, timing a third (b's timing comes with b's beats).
    const mixed = b.map((beat, i) => ({
      ...beat,
      amplitude: (a[Math.min(i, a.length - 1)] as BeatFeatures).amplitude,
      intensity: 1000 * (1 + 0.05 * Math.sin((2 * Math.PI * 33 * beat.at) / 100 / 60)),
    }));
    const est = estimateRespiratoryRate(mixed, 3200, 100);
    expect(est.rr).toBeNull();
  });

  it("says nothing with too few beats or beats covering too little of the window", () => {
    expect(estimateRespiratoryRate(modulatedBeats(80, 12, 5, 100), 3200, 100).rr).toBeNull();
    const beats = modulatedBeats(80, 12, 32, 100).filter((b) => b.at < 1200 || b.at > 2400);
    expect(estimateRespiratoryRate(beats, 3200, 100).rr).toBeNull();
  });

  it("finds no peak in a constant series", () => {
    expect(
      dominantRate([0, 100, 200, 300, 400, 500, 600, 700, 800], [1, 1, 1, 1, 1, 1, 1, 1, 1], 100, 40),
    ).toBeNull();
  });
});

describe("PpgProcessor respiratory rate", () => {
  it("reports the breathing rate of an amplitude- and baseline-modulated pulse train after 32 s", () => {
    const fs = 50;
    const x = Float64Array.from({ length: 60 * fs }, (_, i) => {
      const t = i / fs;
      const breath = Math.sin((2 * Math.PI * 15 * t) / 60);
      const phi = (t * 75) / 60 + 0.02 * breath;
      const d = (phi % 1) - 0.2;
      return 50_000 * (1 + 0.01 * breath + 0.02 * (1 + 0.2 * breath) * Math.exp(-((d / 0.1) ** 2)));
    });
    const windows = new PpgProcessor({ sampleRateHz: fs }).push(x);
    for (const w of windows.filter((w) => w.t < 32)) expect(w.rr).toBeNull();
    const late = windows.filter((w) => w.t >= 32);
    expect(late.length).toBeGreaterThan(20);
    for (const w of late) {
      expect(w.rrSpan).toBe(32);
      expect(w.rr).not.toBeNull();
      expect(Math.abs((w.rr as number) - 15)).toBeLessThanOrEqual(1);
    }
  });
});
