/** Capped exponential backoff with jitter ("full jitter" on the upper half), so a ward of nodes does not reconnect in lockstep. */
export function backoffDelay(
  attempt: number,
  opts: { initialMs: number; maxMs: number },
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(opts.maxMs, opts.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
