import { describe, expect, it } from "vitest";
import { burst, DEFAULT_BURST_PATTERNS, IEC_60601_1_8_RANGES } from "../../core/burst-pattern.js";
import { renderPcm, renderWav } from "./wav-renderer.js";

/** Magnitude of one frequency in a block of samples (Goertzel: a single DFT bin). */
function magnitude(samples: Int16Array, rate: number, freq: number): number {
  const w = (2 * Math.PI * freq) / rate;
  let re = 0;
  let im = 0;
  for (let n = 0; n < samples.length; n++) {
    re += (samples[n] as number) * Math.cos(w * n);
    im -= (samples[n] as number) * Math.sin(w * n);
  }
  return Math.hypot(re, im) / samples.length;
}

describe("WAV renderer", () => {
  const rate = 22_050;
  const schedule = burst(DEFAULT_BURST_PATTERNS.high);
  const end = schedule.reduce((m, p) => Math.max(m, p.at_ms + p.on_ms), 0);

  it("writes a 16-bit mono PCM RIFF header with the right sizes and sample count", () => {
    const wav = renderWav(schedule, { sampleRate: rate });
    const samples = Math.round((end * rate) / 1000);
    expect(wav.toString("ascii", 0, 4)).toBe("RIFF");
    expect(wav.readUInt32LE(4)).toBe(wav.length - 8);
    expect(wav.toString("ascii", 8, 16)).toBe("WAVEfmt ");
    expect(wav.readUInt32LE(16)).toBe(16);
    expect(wav.readUInt16LE(20)).toBe(1); // PCM
    expect(wav.readUInt16LE(22)).toBe(1); // mono
    expect(wav.readUInt32LE(24)).toBe(rate);
    expect(wav.readUInt32LE(28)).toBe(rate * 2);
    expect(wav.readUInt16LE(32)).toBe(2);
    expect(wav.readUInt16LE(34)).toBe(16);
    expect(wav.toString("ascii", 36, 40)).toBe("data");
    expect(wav.readUInt32LE(40)).toBe(samples * 2);
    expect(wav.length).toBe(44 + samples * 2);
  });

  it("contains the fundamental and at least four harmonic components in 300–4000 Hz, and little else", () => {
    const pcm = renderPcm(schedule, { sampleRate: rate });
    const first = schedule[0] as { at_ms: number; on_ms: number; freq_hz: number };
    // The plateau of the first pulse, away from the rise and fall.
    const plateau = pcm.subarray(Math.round(0.03 * rate), Math.round(((first.on_ms - 30) / 1000) * rate));
    const f0 = first.freq_hz;
    const fundamental = magnitude(plateau, rate, f0);
    const [lo, hi] = IEC_60601_1_8_RANGES.harmonicBandHz;
    let strong = 0;
    for (let k = 1; k * f0 <= hi; k++) {
      if (k * f0 >= lo && magnitude(plateau, rate, k * f0) > fundamental / 10) strong++;
    }
    expect(strong).toBeGreaterThanOrEqual(IEC_60601_1_8_RANGES.minHarmonics);
    // Between harmonics there is (almost) nothing: a tone, not noise.
    expect(magnitude(plateau, rate, 1.5 * f0)).toBeLessThan(fundamental / 30);
    expect(magnitude(plateau, rate, 2.5 * f0)).toBeLessThan(fundamental / 30);
  });

  it("is silent between pulses, ramps up and down, and never clips", () => {
    const pcm = renderPcm(schedule, { sampleRate: rate, level: 0.9 });
    const gapStart = Math.round((((schedule[0]?.on_ms ?? 0) + 5) / 1000) * rate);
    const gapEnd = Math.round((((schedule[1]?.at_ms ?? 0) - 5) / 1000) * rate);
    expect(pcm.subarray(gapStart, gapEnd).every((s) => s === 0)).toBe(true);
    const peak = pcm.reduce((m, s) => Math.max(m, Math.abs(s)), 0);
    expect(peak).toBeGreaterThan(0.3 * 32767);
    expect(peak).toBeLessThanOrEqual(Math.ceil(0.9 * 32767));
    // First millisecond is quieter than the plateau: a rise, not a click.
    const head = pcm.subarray(0, Math.round(rate / 1000)).reduce((m, s) => Math.max(m, Math.abs(s)), 0);
    expect(head).toBeLessThan(peak / 4);
  });

  it("honours durationMs and drops harmonics above Nyquist", () => {
    const pcm = renderPcm([{ at_ms: 0, on_ms: 100, freq_hz: 1000 }], { sampleRate: 4_000, durationMs: 500 });
    expect(pcm.length).toBe(2_000);
    expect(magnitude(pcm.subarray(50, 350), 4_000, 1000)).toBeGreaterThan(1000);
  });
});
