import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";

/** scrypt cost: 32 MiB and ~0.1 s per hash on a Raspberry Pi 4 class CPU. Stored with each hash. */
const N = 1 << 15;
const R = 8;
const P = 1;
const KEY_BYTES = 32;

function scryptAsync(password: string, salt: Buffer, len: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, len, opts, (e, key) => (e ? reject(e) : resolve(key))),
  );
}

const maxmem = (n: number, r: number) => 256 * n * r + 1024 * 1024;

/** `scrypt$N$r$p$<salt>$<key>` (base64), made off the event loop's thread (libuv pool). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, KEY_BYTES, { N, r: R, p: P, maxmem: maxmem(N, R) });
  return `scrypt$${N}$${R}$${P}$${salt.toString("base64")}$${key.toString("base64")}`;
}

/** Checks a password against hashPassword's output, comparing in constant time. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const parts = hash.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [n, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (!(n >= 2 && n <= 1 << 20 && r >= 1 && r <= 32 && p >= 1 && p <= 16)) return false;
  const salt = Buffer.from(parts[4] as string, "base64");
  const want = Buffer.from(parts[5] as string, "base64");
  if (want.length === 0) return false;
  const got = await scryptAsync(password, salt, want.length, { N: n, r, p, maxmem: maxmem(n, r) });
  return timingSafeEqual(got, want);
}

/** A well-formed hash no password matches (random salt and key): verifying against it costs a real check. */
const NOTHING = `scrypt$${N}$${R}$${P}$${randomBytes(16).toString("base64")}$${randomBytes(KEY_BYTES).toString("base64")}`;

/**
 * Spends a verification's work on a hash of nothing, so a sign-in for an unknown user takes as long
 * as one with a wrong password (no user enumeration by timing).
 */
export async function verifyNothing(password: string): Promise<false> {
  await verifyPassword(password, NOTHING);
  return false;
}

/** Passwords: 10–256 characters. Length beats composition rules (NIST SP 800-63B). */
export function passwordProblem(password: string): string | undefined {
  if (password.length < 10) return "a password needs at least 10 characters";
  if (password.length > 256) return "a password may have at most 256 characters";
  return undefined;
}
