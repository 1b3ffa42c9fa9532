import type { NotificationsConfig } from "./config.js";

export type RetryPolicy = NotificationsConfig["retry"];

/**
 * Delay before attempt `failedAttempts + 1`: capped exponential growth, part of it randomised so that
 * many deliveries failing together (a provider outage) do not come back in lock-step. A provider's
 * Retry-After wins over the schedule (capped by maxRetryAfterMs).
 */
export function retryDelayMs(
  failedAttempts: number,
  policy: RetryPolicy,
  random: () => number,
  retryAfterMs?: number,
): number {
  if (retryAfterMs !== undefined) return Math.min(Math.max(0, retryAfterMs), policy.maxRetryAfterMs);
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1));
  return Math.round(exp * (1 - policy.jitter * random()));
}
