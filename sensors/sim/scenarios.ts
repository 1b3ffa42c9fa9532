/** Where a patient's vital signs are heading at a given moment of an episode. */
export interface Targets {
  hr?: number;
  spo2?: number;
  temp?: number;
  flags?: string[];
}

/** An episode: targets as a function of seconds since it started; undefined once it is over. */
export type Episode = (s: number) => Targets | undefined;

const ramp = (from: number, to: number, s: number, start: number, end: number): number =>
  s <= start ? from : s >= end ? to : from + ((to - from) * (s - start)) / (end - start);

/** Episodes named after the condition they simulate; each drives the patient out of and back into range. */
export const EPISODES: Record<string, (baseline: Required<Omit<Targets, "flags">>) => Episode> = {
  desaturation: (b) => (s) =>
    s > 150 ? undefined : { spo2: s < 90 ? ramp(b.spo2, 84, s, 0, 30) : ramp(84, b.spo2, s, 90, 150) },
  fever: (b) => (s) =>
    s > 300 ? undefined : { temp: s < 200 ? ramp(b.temp, 39.4, s, 0, 90) : ramp(39.4, b.temp, s, 200, 300) },
  bradycardia: (b) => (s) =>
    s > 120 ? undefined : { hr: s < 80 ? ramp(b.hr, 46, s, 0, 20) : ramp(46, b.hr, s, 80, 120) },
  tachycardia: (b) => (s) =>
    s > 150 ? undefined : { hr: s < 100 ? ramp(b.hr, 132, s, 0, 30) : ramp(132, b.hr, s, 100, 150) },
  finger_out: () => (s) => (s > 20 ? undefined : { flags: ["finger_out"] }),
};

export const SCENARIOS = ["ward", "stable", "desaturation", "fever", "bradycardia", "tachycardia"] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

/**
 * How episodes are scheduled: "stable" never starts one; a named condition starts that episode for
 * every patient at once (staggered a little); "ward" starts random episodes now and then, so about
 * one patient in five is critical at any time, like a busy ward in a demo.
 */
export function nextEpisode(
  scenario: ScenarioName,
  random: () => number,
  elapsedS: number,
  patientIndex: number,
): { name: string; startInS: number } | undefined {
  if (scenario === "stable") return undefined;
  if (scenario === "ward") {
    const names = Object.keys(EPISODES);
    const name = names[Math.floor(random() * names.length)] as string;
    return { name, startInS: elapsedS === 0 ? 5 + random() * 60 : 30 + random() * 240 };
  }
  return elapsedS === 0 ? { name: scenario, startInS: 2 + (patientIndex % 5) } : undefined;
}
