/**
 * Delay before reconnect attempt `attempt` (0 = first retry): exponential from BASE, capped so a
 * central station is never blind for long, with ±20 % jitter so many screens do not reconnect in step.
 */
export const RECONNECT_BASE_MS = 500;
export const RECONNECT_CAP_MS = 8_000;

export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const exp = RECONNECT_BASE_MS * 2 ** Math.max(0, Math.min(attempt, 16));
  const capped = Math.min(RECONNECT_CAP_MS, exp);
  return Math.round(capped * (0.8 + 0.4 * random()));
}
