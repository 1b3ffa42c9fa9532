import type { ScheduledPulse } from "../../core/burst-pattern.js";

/**
 * Renders a pulse schedule to 16-bit mono PCM / WAV. IEC 60601-1-8 Table 4 wants at least four harmonic
 * components in 300–4000 Hz so the signal is locatable and survives masking: each pulse is the fundamental
 * plus integer harmonics, shaped by a linear rise and fall envelope.
 */
export interface RenderOptions {
  /** Default 22 050 Hz: Nyquist above the 4 kHz band the standard cares about. */
  sampleRate?: number;
  /** Relative amplitude of harmonic k+1 (index 0 = fundamental). Harmonics above Nyquist are dropped. */
  harmonics?: readonly number[];
  riseMs?: number;
  fallMs?: number;
  /** Peak level, 0–1 of full scale. */
  level?: number;
  /** Total length; default: the end of the last pulse. */
  durationMs?: number;
}

/** Fundamental and four harmonics (2f..5f): with f0 = 400–800 Hz all five lie in 300–4000 Hz. */
const DEFAULT_HARMONICS: readonly number[] = [1, 0.6, 0.45, 0.35, 0.3];

export function renderPcm(schedule: readonly ScheduledPulse[], options: RenderOptions = {}): Int16Array {
  const rate = options.sampleRate ?? 22_050;
  const harmonics = options.harmonics ?? DEFAULT_HARMONICS;
  const level = options.level ?? 0.8;
  const end = options.durationMs ?? schedule.reduce((m, p) => Math.max(m, p.at_ms + p.on_ms), 0);
  const total = Math.round((end * rate) / 1000);
  const out = new Int16Array(total);
  for (const pulse of schedule) {
    const first = Math.round((pulse.at_ms * rate) / 1000);
    const count = Math.round((pulse.on_ms * rate) / 1000);
    const rise = Math.max(1, Math.round(((options.riseMs ?? pulse.on_ms * 0.15) * rate) / 1000));
    const fall = Math.max(1, Math.round(((options.fallMs ?? pulse.on_ms * 0.15) * rate) / 1000));
    // Normalise by the amplitude sum of the harmonics actually rendered so the peak never clips.
    let norm = 0;
    for (let k = 0; k < harmonics.length; k++)
      if (pulse.freq_hz * (k + 1) < rate / 2) norm += Math.abs(harmonics[k] as number);
    if (norm === 0) continue;
    const gain = (level * 32767) / norm;
    for (let n = 0; n < count; n++) {
      const i = first + n;
      if (i >= total) break;
      const envelope = Math.min(1, n / rise, (count - 1 - n) / fall);
      const t = n / rate;
      let s = 0;
      for (let k = 0; k < harmonics.length; k++) {
        const f = pulse.freq_hz * (k + 1);
        if (f >= rate / 2) break;
        s += (harmonics[k] as number) * Math.sin(2 * Math.PI * f * t);
      }
      out[i] = Math.max(-32768, Math.min(32767, Math.round((out[i] as number) + s * envelope * gain)));
    }
  }
  return out;
}

/** A canonical 44-byte-header RIFF/WAVE file: PCM, 16-bit, mono. */
function encodeWav(samples: Int16Array, sampleRate: number): Buffer {
  const dataBytes = samples.length * 2;
  const buf = Buffer.alloc(44 + dataBytes);
  buf.write("RIFF", 0, "ascii");
  buf.writeUInt32LE(36 + dataBytes, 4);
  buf.write("WAVE", 8, "ascii");
  buf.write("fmt ", 12, "ascii");
  buf.writeUInt32LE(16, 16); // fmt chunk size
  buf.writeUInt16LE(1, 20); // PCM
  buf.writeUInt16LE(1, 22); // mono
  buf.writeUInt32LE(sampleRate, 24);
  buf.writeUInt32LE(sampleRate * 2, 28); // byte rate
  buf.writeUInt16LE(2, 32); // block align
  buf.writeUInt16LE(16, 34); // bits per sample
  buf.write("data", 36, "ascii");
  buf.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < samples.length; i++) buf.writeInt16LE(samples[i] as number, 44 + i * 2);
  return buf;
}

export function renderWav(schedule: readonly ScheduledPulse[], options: RenderOptions = {}): Buffer {
  const rate = options.sampleRate ?? 22_050;
  return encodeWav(renderPcm(schedule, { ...options, sampleRate: rate }), rate);
}
