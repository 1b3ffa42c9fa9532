import { vi } from "vitest";

const turn = () => new Promise<void>((r) => setImmediate(r));

/**
 * Waits until `cond` holds: for what real sockets, processes and servers do with no event to
 * await. Checks every 20 ms — or, under vitest's fake timers (where a timer would never fire), on
 * every event-loop turn. The deadline is kept with performance.now(), which no suite fakes.
 */
export async function waitFor(
  cond: () => boolean | Promise<boolean>,
  what: string | (() => string),
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await cond())) {
    if (performance.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${typeof what === "string" ? what : what()}`,
      );
    }
    await (vi.isFakeTimers() ? turn() : new Promise<void>((r) => setTimeout(r, 20)));
  }
}
