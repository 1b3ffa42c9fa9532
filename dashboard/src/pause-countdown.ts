/** Audio pause time left on the gateway clock; 0 once it has run out (or there is no pause). */
export function pauseRemainingMs(pausedUntil: number | null | undefined, gatewayNow: number): number {
  if (typeof pausedUntil !== "number" || !Number.isFinite(pausedUntil)) return 0;
  return Math.max(0, pausedUntil - gatewayNow);
}

/**
 * "1:45" for a pause countdown. Rounded up, so the display never shows 0:00 while the pause still runs
 * and reaches 0:00 only when the gateway has ended it.
 */
export function formatCountdown(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}
