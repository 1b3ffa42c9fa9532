import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { notificationsConfigSchema, retryDelayMs } from "../../gateway/notify/index.js";
import { parseRetryAfter } from "../../gateway/notify/notifier.js";

describe("notifications config schema", () => {
  it("embeds into a larger config with every default filled in", () => {
    const gateway = z.object({ notifications: notificationsConfigSchema.prefault({}) });
    const c = gateway.parse({}).notifications;
    expect(c).toMatchObject({
      enabled: false,
      minimisation: "bed_only",
      channels: {},
      rateLimit: { perPatientWindowMs: 60_000 },
      retry: { maxAttempts: 8 },
    });
  });

  it("reports every problem: unknown keys, a Twilio channel without sender, a bad channel name", () => {
    const r = notificationsConfigSchema.safeParse({
      colour: "red",
      channels: {
        "bad name": { type: "ntfy" },
        sms: { type: "twilio", accountSid: "AC1", authToken: { env: "T" } },
      },
    });
    expect(r.success).toBe(false);
    const text = JSON.stringify(r.error?.issues);
    expect(text).toContain("colour");
    expect(text).toContain("twilio needs `from` or `messagingServiceSid`");
    expect(text).toContain("bad name");
  });

  it("refuses an unknown channel type and an env reference that is not a variable name", () => {
    expect(notificationsConfigSchema.safeParse({ channels: { x: { type: "pigeon" } } }).success).toBe(false);
    const bad = { channels: { n: { type: "ntfy", token: { env: "$(cat /etc/shadow)" } } } };
    expect(notificationsConfigSchema.safeParse(bad).success).toBe(false);
    expect(notificationsConfigSchema.safeParse({ timeZone: "Mars/Olympus_Mons" }).success).toBe(false);
    expect(notificationsConfigSchema.parse({ timeZone: "Europe/Berlin" }).timeZone).toBe("Europe/Berlin");
  });
});

describe("retry delays", () => {
  const policyArb = fc.record({
    maxAttempts: fc.integer({ min: 1, max: 20 }),
    baseDelayMs: fc.integer({ min: 1, max: 10_000 }),
    maxDelayMs: fc.integer({ min: 1, max: 1_000_000 }),
    jitter: fc.double({ min: 0, max: 1, noNaN: true }),
    maxRetryAfterMs: fc.integer({ min: 1, max: 10_000_000 }),
  });

  it("stay within [cap·(1−jitter), cap] and never exceed maxDelayMs", () => {
    fc.assert(
      fc.property(
        policyArb,
        fc.integer({ min: 1, max: 60 }),
        fc.double({ min: 0, max: 0.9999, noNaN: true }),
        (p, n, r) => {
          const d = retryDelayMs(n, p, () => r);
          const cap = Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** (n - 1));
          return d <= Math.ceil(cap) && d >= Math.floor(cap * (1 - p.jitter)) && d >= 0;
        },
      ),
    );
  });

  it("grow with the attempt number until the cap (without jitter)", () => {
    fc.assert(
      fc.property(policyArb, fc.integer({ min: 1, max: 40 }), (p, n) => {
        const q = { ...p, jitter: 0 };
        return retryDelayMs(n + 1, q, Math.random) >= retryDelayMs(n, q, Math.random);
      }),
    );
  });
});

describe("Retry-After parsing", () => {
  const now = Date.UTC(2026, 10, 21, 19, 0, 0);
  it("reads delta-seconds and HTTP dates", () => {
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("Sat, 21 Nov 2026 19:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Sat, 21 Nov 2026 18:00:00 GMT", now)).toBe(0);
  });

  it("garbage never yields a negative or non-finite delay", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const v = parseRetryAfter(s, now);
        return v === undefined || (Number.isFinite(v) && v >= 0);
      }),
    );
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter("-5", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
