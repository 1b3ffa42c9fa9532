/** A scheduled callback; cancel() is idempotent and safe after it has fired. */
export interface Timer {
  cancel(): void;
}

/**
 * The one time source, injected wherever code reads the time or waits: the host's clock and timers in
 * production, a fake the test moves by hand (test/support/fake-time.ts), or an emulated board's clock
 * (the AVR emulator's EmulatedTime), so tests are deterministic and never assert wall-clock durations.
 */
export interface TimeSource {
  /** Milliseconds: epoch ms for the system time source, emulated or fake ms otherwise. */
  now(): number;
  /** Calls `fn` once after `ms` milliseconds unless cancelled first. */
  after(ms: number, fn: () => void): Timer;
  /** Calls `fn` every `ms` milliseconds until cancelled. */
  every(ms: number, fn: () => void): Timer;
}

/**
 * The host's clock and timers. The timers are unref'd: a pending timer never keeps the process alive
 * (servers, sockets and the CLI's own wait do). Globals are looked up at call time, so vitest's fake
 * timers drive it too.
 */
export const systemTime: TimeSource = {
  now: () => Date.now(),
  after(ms, fn) {
    const handle = setTimeout(fn, ms);
    handle.unref();
    return { cancel: () => clearTimeout(handle) };
  },
  every(ms, fn) {
    const handle = setInterval(fn, ms);
    handle.unref();
    return { cancel: () => clearInterval(handle) };
  },
};
