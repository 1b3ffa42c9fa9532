import { randomBytes, scrypt, scryptSync, timingSafeEqual } from "node:crypto";

const N = 16_384;
const R = 8;
const P = 1;
const KEY_BYTES = 32;

/** An scrypt hash for the config file: `scrypt$N$r$p$<salt>$<key>` (base64). */
export function hashPassword(password: string, salt: Buffer = randomBytes(16)): string {
  const key = scryptSync(password, salt, KEY_BYTES, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString("base64")}$${key.toString("base64")}`;
}

interface ParsedHash {
  n: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

function parseHash(hash: string): ParsedHash | undefined {
  const parts = hash.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return undefined;
  const [n, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  // Parameters come from the config file; cap them so a typo cannot tie up the thread pool for minutes.
  if (!(n >= 2 && n <= 1 << 20 && r >= 1 && r <= 32 && p >= 1 && p <= 16)) return undefined;
  const key = Buffer.from(parts[5] as string, "base64");
  if (key.length === 0) return undefined;
  return { n, r, p, salt: Buffer.from(parts[4] as string, "base64"), key };
}

/**
 * A hash no password matches, with the cost parameters of `like` (default: hashPassword's), so
 * that checking an unknown user takes as long as checking a known one.
 */
export function dummyHash(like?: string): string {
  const h = (like && parseHash(like)) || { n: N, r: R, p: P, key: Buffer.alloc(KEY_BYTES) };
  const salt = randomBytes(16).toString("base64");
  return `scrypt$${h.n}$${h.r}$${h.p}$${salt}$${Buffer.alloc(h.key.length).toString("base64")}`;
}

/**
 * Checks a password against a hash made by hashPassword, in constant time. scrypt runs on libuv's
 * thread pool, never on the event loop: a flood of wrong passwords must not delay acknowledgements.
 */
export function verifyPassword(password: string | Buffer, hash: string): Promise<boolean> {
  const h = parseHash(hash);
  if (!h) return Promise.resolve(false);
  return new Promise((resolve) => {
    scrypt(
      password,
      h.salt,
      h.key.length,
      { N: h.n, r: h.r, p: h.p, maxmem: 256 * h.n * h.r + 1024 * 1024 },
      (err, got) => resolve(!err && timingSafeEqual(got, h.key)),
    );
  });
}

/** Compares two secrets in constant time (for passwords taken from the environment). */
export function sameSecret(a: string | Buffer, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
