import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_PROFILES } from "../../gateway/alarms/alarm-config.js";
import { PatientModel, randomBaseline } from "../../sensors/sim/patient-model.js";
import { seededRandom } from "../../sensors/sim/random.js";

function run(model: PatientModel, seconds: number, startS = 0) {
  const out = [];
  for (let s = startS + 1; s <= startS + seconds; s++) out.push(model.step(1, s));
  return out;
}

describe("PatientModel", () => {
  it("stays plausible and temporally smooth for any seed", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        const r = seededRandom(seed);
        const series = run(new PatientModel(randomBaseline(r), r), 600);
        for (const [i, v] of series.entries()) {
          expect(v.hr).toBeGreaterThanOrEqual(25);
          expect(v.spo2).toBeLessThanOrEqual(100);
          expect(v.temp).toBeGreaterThan(30);
          const prev = series[i - 1];
          if (!prev) continue;
          // A random walk, not independent draws: second-to-second changes are small.
          expect(Math.abs((v.hr as number) - (prev.hr as number))).toBeLessThanOrEqual(6);
          expect(Math.abs((v.spo2 as number) - (prev.spo2 as number))).toBeLessThanOrEqual(3);
          expect(Math.abs((v.temp as number) - (prev.temp as number))).toBeLessThanOrEqual(0.2);
        }
      }),
      { numRuns: 30 },
    );
  });

  it("a stable patient stays inside the adult alarm limits (a demo ward does not alarm by drifting)", () => {
    const adult = DEFAULT_PROFILES.adult as NonNullable<(typeof DEFAULT_PROFILES)["adult"]>;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        const r = seededRandom(seed);
        for (const v of run(new PatientModel(randomBaseline(r), r), 900)) {
          expect(v.temp as number).toBeGreaterThanOrEqual(adult.temp.low as number);
          expect(v.temp as number).toBeLessThanOrEqual(adult.temp.high as number);
          expect(v.hr as number).toBeGreaterThanOrEqual(adult.hr.low as number);
          expect(v.hr as number).toBeLessThanOrEqual(adult.hr.high as number);
          expect(v.spo2 as number).toBeGreaterThanOrEqual(adult.spo2.low as number);
        }
      }),
      { numRuns: 40 },
    );
  });

  it("is reproducible from its seed", () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    expect(run(new PatientModel(randomBaseline(a), a), 50)).toEqual(
      run(new PatientModel(randomBaseline(b), b), 50),
    );
  });

  it.each([
    ["desaturation", (v: { spo2: number | null }) => (v.spo2 as number) < 90],
    ["bradycardia", (v: { hr: number | null }) => (v.hr as number) < 55],
    ["tachycardia", (v: { hr: number | null }) => (v.hr as number) > 115],
    ["fever", (v: { temp: number | null }) => (v.temp as number) > 38.5],
  ])("drives a patient through %s and back", (episode, inEpisode) => {
    const r = seededRandom(3);
    const m = new PatientModel({ hr: 75, spo2: 97, temp: 36.8 }, r);
    run(m, 60);
    m.startEpisode(episode, 60);
    const during = run(m, 300, 60);
    expect(during.some(inEpisode as (v: unknown) => boolean)).toBe(true);
    const after = run(m, 200, 360);
    expect(inEpisode(after[after.length - 1] as never)).toBe(false);
    expect(m.episodeName).toBeUndefined();
  });

  it("reports no values and a finger_out flag while the finger is out", () => {
    const r = seededRandom(1);
    const m = new PatientModel({ hr: 75, spo2: 97, temp: 36.8 }, r);
    m.startEpisode("finger_out", 0);
    expect(m.step(1, 1)).toMatchObject({ hr: null, spo2: null, flags: ["finger_out"] });
    expect(() => m.startEpisode("nonsense", 0)).toThrow(RangeError);
  });
});
