import type { PinTransition } from "../support/emulators/avr/pin-transition-recorder.js";

export interface TonePulse {
  startMs: number;
  endMs: number;
  freqHz: number;
}

/** Tone pulses on a pin: runs of edges closer than `gapMs`, with the frequency of the toggling inside. */
export function tonePulses(edges: readonly PinTransition[], gapMs = 10): TonePulse[] {
  const pulses: TonePulse[] = [];
  let first = 0;
  for (let i = 1; i <= edges.length; i++) {
    const prev = edges[i - 1] as PinTransition;
    const next = edges[i];
    if (next && next.timeMs - prev.timeMs < gapMs) continue;
    const run = edges.slice(first, i);
    const start = run[0] as PinTransition;
    const halfPeriodMs = run.length > 1 ? (prev.timeMs - start.timeMs) / (run.length - 1) : 0;
    // The tone sounds from the first edge until half a period after the last.
    pulses.push({
      startMs: start.timeMs,
      endMs: prev.timeMs + halfPeriodMs,
      freqHz: 1000 / (2 * halfPeriodMs),
    });
    first = i;
  }
  return pulses;
}
