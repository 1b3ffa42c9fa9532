/**
 * Where a driver gets its time and its polling ticks. In production it is the host's clock and timers;
 * in emulator tests it is the emulated board's clock, so a driver polls the emulated sensor at the same
 * emulated rate however fast or slow the emulation runs, and the test is deterministic.
 */
export interface Scheduler {
  /** Milliseconds (epoch ms for the system scheduler, emulated ms for an emulator). */
  now(): number;
  /** Call `fn` every `ms` milliseconds until the returned cancel function is called. */
  every(ms: number, fn: () => void): () => void;
  /** Call `fn` once after `ms` milliseconds unless cancelled. */
  after(ms: number, fn: () => void): () => void;
}

export const systemScheduler: Scheduler = {
  now: () => Date.now(),
  every(ms, fn) {
    const handle = setInterval(fn, ms);
    return () => clearInterval(handle);
  },
  after(ms, fn) {
    const handle = setTimeout(fn, ms);
    return () => clearTimeout(handle);
  },
};
