import type { AlarmPriority } from "../../core/api-types.js";
import { TONE_PATTERNS, toneBurst } from "./alarm-tones.js";

/**
 * Plays the ward's loudest audible priority through Web Audio, burst after burst, until it changes.
 * Browsers only start audio after a user gesture, so `enable()` must be called from a click.
 */
export class AlarmSound {
  private ctx: AudioContext | null = null;
  private priority: AlarmPriority | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private nodes: OscillatorNode[] = [];

  get enabled(): boolean {
    return this.ctx !== null;
  }

  enable(): void {
    this.ctx ??= new AudioContext();
    void this.ctx.resume();
    this.restart();
  }

  disable(): void {
    this.silence();
    void this.ctx?.close();
    this.ctx = null;
  }

  play(priority: AlarmPriority | null): void {
    if (priority === this.priority) return;
    this.priority = priority;
    this.restart();
  }

  private restart(): void {
    this.silence();
    if (this.ctx && this.priority) this.burst(this.ctx, this.priority);
  }

  private silence(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const n of this.nodes) n.stop();
    this.nodes = [];
  }

  private burst(ctx: AudioContext, priority: AlarmPriority): void {
    const p = TONE_PATTERNS[priority];
    const { pulses, periodMs } = toneBurst(priority);
    const t0 = ctx.currentTime + 0.05;
    this.nodes = pulses.map((pulse) => {
      const start = t0 + pulse.atMs / 1000;
      const end = start + pulse.onMs / 1000;
      const gain = ctx.createGain();
      gain.gain.setValueAtTime(0, start);
      gain.gain.linearRampToValueAtTime(0.2, start + p.riseMs / 1000);
      gain.gain.setValueAtTime(0.2, end - p.fallMs / 1000);
      gain.gain.linearRampToValueAtTime(0, end);
      gain.connect(ctx.destination);
      // A square wave carries the harmonics IEC 60601-1-8 asks for (at least four in 300–4000 Hz).
      const osc = ctx.createOscillator();
      osc.type = "square";
      osc.frequency.value = pulse.freqHz;
      osc.connect(gain);
      osc.start(start);
      osc.stop(end);
      return osc;
    });
    this.timer = setTimeout(() => this.burst(ctx, priority), periodMs);
  }
}
