import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Webhook signing: HMAC-SHA256 over `${timestamp}.${body}` with the shared secret, hex, sent as
 * `v1=<hex>`; the timestamp is Unix seconds in its own header. Signing the timestamp lets a receiver
 * reject replays older than its tolerance window. See docs/notifications.md.
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

export interface VerifyWebhookInput {
  secret: string;
  body: string;
  timestamp: string | undefined;
  signature: string | undefined;
  /** Receiver's time, Unix seconds. */
  nowSeconds: number;
  toleranceSeconds?: number;
}

export type VerifyResult = { ok: true } | { ok: false; why: "missing" | "stale" | "mismatch" };

/** What a receiver does: the reference implementation the docs point to and the tests use. */
export function verifyWebhook(i: VerifyWebhookInput): VerifyResult {
  if (!i.timestamp || !i.signature || !/^\d+$/.test(i.timestamp)) return { ok: false, why: "missing" };
  const ts = Number(i.timestamp);
  if (Math.abs(i.nowSeconds - ts) > (i.toleranceSeconds ?? 300)) return { ok: false, why: "stale" };
  const expected = Buffer.from(signWebhook(i.secret, ts, i.body));
  const got = Buffer.from(i.signature);
  if (got.length !== expected.length || !timingSafeEqual(got, expected))
    return { ok: false, why: "mismatch" };
  return { ok: true };
}
