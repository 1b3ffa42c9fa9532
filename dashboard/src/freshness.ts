import type { BedView } from "../../core/api-types.js";

/** A bed whose last reading is older than this is STALE: its numbers must not look current. */
export const STALE_AFTER_MS = 10_000;

/**
 * live: connected and a reading within STALE_AFTER_MS; stale: connected but silent too long;
 * offline: no open connection for the bed (its numbers are history); waiting: connected, no reading yet.
 */
export type Freshness = "live" | "stale" | "offline" | "waiting";

export function freshnessOf(bed: BedView, gatewayNow: number): Freshness {
  if (!bed.connected) return "offline";
  if (bed.last_reading_at === null) return "waiting";
  return gatewayNow - bed.last_reading_at > STALE_AFTER_MS ? "stale" : "live";
}

/**
 * The browser's clock may differ from the gateway's; ages are computed on the gateway's clock.
 * offset = gateway now − browser now, taken from the `now` of each live message.
 */
export function clockOffset(gatewayNow: number, browserNow: number): number {
  return gatewayNow - browserNow;
}

export function gatewayTime(browserNow: number, offsetMs: number): number {
  return browserNow + offsetMs;
}
