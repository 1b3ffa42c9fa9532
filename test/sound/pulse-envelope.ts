import type { PinTransition } from "../support/emulators/avr/pin-transition-recorder.js";

/** One sounded pulse as seen on the pin: a run of edges with no silence longer than `silenceMs` inside. */
export interface PinPulse {
  /** First edge (the pulse's onset), emulated ms. */
  startMs: number;
  /** Last edge (the tone's final falling edge), emulated ms. */
  endMs: number;
  edges: number;
}

/**
 * Splits a pin's transitions into pulses: a tone is a run of edges every half period (≤ 3.4 ms at the
 * standard's lowest 150 Hz), pulses are separated by ≥ 50 ms of silence (the shortest spacing, high x).
 */
export function pulsesOnPin(
  transitions: readonly PinTransition[],
  fromMs: number,
  silenceMs = 20,
): PinPulse[] {
  const out: PinPulse[] = [];
  for (const t of transitions) {
    if (t.timeMs < fromMs) continue;
    const last = out.at(-1);
    if (last === undefined || t.timeMs - last.endMs > silenceMs)
      out.push({ startMs: t.timeMs, endMs: t.timeMs, edges: 1 });
    else {
      last.endMs = t.timeMs;
      last.edges++;
    }
  }
  return out;
}
