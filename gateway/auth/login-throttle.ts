interface Strikes {
  failures: number;
  lockedUntil: number;
  lastAt: number;
}

export interface ThrottleLimits {
  maxFailures: number;
  maxFailuresPerAddress: number;
  lockoutMs: number;
}

/** At most this many names/addresses are tracked; the stalest go first (a spray cannot exhaust memory). */
const MAX_TRACKED = 10_000;

/**
 * Failed sign-ins per user name and per address, with lockout. Kept by name whether or not the user
 * exists, so a lockout says nothing about which names are real. Time comes from the caller's clock.
 */
export class LoginThrottle {
  private readonly byName = new Map<string, Strikes>();
  private readonly byAddress = new Map<string, Strikes>();

  constructor(private readonly limits: ThrottleLimits) {}

  /** When the sign-in may be tried again (epoch ms), or undefined if it may be tried now. */
  lockedUntil(name: string, address: string, now: number): number | undefined {
    const until = Math.max(
      this.byName.get(name.toLowerCase())?.lockedUntil ?? 0,
      this.byAddress.get(address)?.lockedUntil ?? 0,
    );
    return until > now ? until : undefined;
  }

  failed(name: string, address: string, now: number): void {
    this.strike(this.byName, name.toLowerCase(), this.limits.maxFailures, now);
    this.strike(this.byAddress, address, this.limits.maxFailuresPerAddress, now);
  }

  succeeded(name: string, address: string): void {
    this.byName.delete(name.toLowerCase());
    this.byAddress.delete(address);
  }

  private strike(map: Map<string, Strikes>, key: string, max: number, now: number): void {
    const s = map.get(key) ?? { failures: 0, lockedUntil: 0, lastAt: now };
    // A lockout that has run out starts a fresh count.
    if (s.lockedUntil !== 0 && s.lockedUntil <= now) {
      s.failures = 0;
      s.lockedUntil = 0;
    }
    s.failures++;
    s.lastAt = now;
    if (s.failures >= max) s.lockedUntil = now + this.limits.lockoutMs;
    map.delete(key);
    map.set(key, s);
    if (map.size > MAX_TRACKED) map.delete(map.keys().next().value as string);
  }
}
