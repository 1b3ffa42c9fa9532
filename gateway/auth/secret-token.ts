import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * A new high-entropy secret: a short prefix saying what it is (`vt_` API token, `vn_` node credential,
 * `vs_` session) and 256 random bits, base64url. The prefix lets secret scanners and people tell them apart.
 */
export function newSecret(prefix: "vt" | "vn" | "vs"): string {
  return `${prefix}_${randomBytes(32).toString("base64url")}`;
}

/** What is stored instead of a secret. The secret has 256 random bits, so a plain hash is enough. */
export function secretHash(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** Compares two strings in constant time (for the shared node token). */
export function sameSecret(a: string, b: string): boolean {
  const x = createHash("sha256").update(a, "utf8").digest();
  const y = createHash("sha256").update(b, "utf8").digest();
  return timingSafeEqual(x, y);
}
