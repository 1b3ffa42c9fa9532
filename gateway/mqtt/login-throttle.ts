/** Recent failure times per key, at most `keep` of them. */
class Failures {
  private readonly times = new Map<string, number[]>();

  constructor(private readonly windowMs: number) {}

  count(key: string, now: number): number {
    const t = this.times.get(key);
    if (!t) return 0;
    while (t.length && (t[0] as number) <= now - this.windowMs) t.shift();
    if (t.length === 0) this.times.delete(key);
    return t.length;
  }

  add(key: string, now: number, keep: number): void {
    if (this.times.size > 4096) this.prune(now);
    const t = this.times.get(key) ?? [];
    t.push(now);
    if (t.length > keep) t.shift();
    this.times.set(key, t);
  }

  private prune(now: number): void {
    for (const [k, t] of this.times) if ((t.at(-1) ?? 0) <= now - this.windowMs) this.times.delete(k);
  }
}

export interface LoginLimits {
  failedLoginsPerAddress: number;
  failedLoginsPerAccount: number;
  loginWindowMs: number;
}

/**
 * Limits password guessing on the MQTT broker, and the CPU it costs (each check is an scrypt):
 * an address with too many recent failures is refused without a check; so is an account with too
 * many, except from an address that has not failed recently — a node's own first try still gets
 * through while someone else hammers its username.
 */
export class LoginThrottle {
  private readonly byAddress: Failures;
  private readonly byAccount: Failures;

  constructor(private readonly limits: LoginLimits) {
    this.byAddress = new Failures(limits.loginWindowMs);
    this.byAccount = new Failures(limits.loginWindowMs);
  }

  /** Whether a password check may run for this login attempt. */
  allowed(account: string, address: string, now: number): boolean {
    const fromAddress = this.byAddress.count(address, now);
    if (fromAddress >= this.limits.failedLoginsPerAddress) return false;
    return fromAddress === 0 || this.byAccount.count(account, now) < this.limits.failedLoginsPerAccount;
  }

  failed(account: string, address: string, now: number): void {
    this.byAddress.add(address, now, this.limits.failedLoginsPerAddress);
    this.byAccount.add(account, now, this.limits.failedLoginsPerAccount);
  }
}
