/**
 * @module server/users/password
 * Password hashing for the users file. Passwords are stored only as salted scrypt hashes
 * (`scrypt$N$r$p$salt$hash`, base64 salt and hash), the way /etc/master.passwd keeps crypt
 * strings: the file can be read by anyone who gets it without revealing a password.
 * Verification is constant-time, and an unknown user costs the same scrypt run as a known one,
 * so timing does not tell which names exist.
 */
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";

/** scrypt cost: N=2^14, r=8, p=1 (about 16 MB and 30-60 ms per check; OWASP's minimum is N=2^17/r=8 for
 * interactive use at higher cost; a classroom laptop serving 40 logins favours this). */
const N = 16384;
const R = 8;
const P = 1;
const KEYLEN = 32;
const SALT_LEN = 16;
/** Refuse stored parameters that would make one check hog the machine (a hostile users file). */
const MAX_N = 1 << 20;

function scryptAsync(pw: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(pw.normalize("NFC"), salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** Hashes a password with a fresh random salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LEN);
  const hash = await scryptAsync(password, salt, KEYLEN, { N, r: R, p: P, maxmem: 64 * 1024 * 1024 });
  return `scrypt$${N}$${R}$${P}$${salt.toString("base64")}$${hash.toString("base64")}`;
}

interface ParsedHash {
  n: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

/** Splits a stored hash; undefined when it is not one this module writes. */
export function parseHash(stored: string): ParsedHash | undefined {
  const m = /^scrypt\$(\d{1,8})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9+/=]{4,})\$([A-Za-z0-9+/=]{4,})$/.exec(
    stored,
  );
  if (!m) return undefined;
  const n = Number(m[1]);
  const r = Number(m[2]);
  const p = Number(m[3]);
  // N must be a power of two above 1; bound the cost a stored hash may demand.
  if (n < 2 || n > MAX_N || (n & (n - 1)) !== 0 || r < 1 || r > 32 || p < 1 || p > 16) return undefined;
  const salt = Buffer.from(m[4]!, "base64");
  const hash = Buffer.from(m[5]!, "base64");
  if (hash.length < 16 || hash.length > 64) return undefined;
  return { n, r, p, salt, hash };
}

/** True when `stored` has the shape of a hash this module can check. */
export function isPasswordHash(stored: string): boolean {
  return parseHash(stored) !== undefined;
}

// A throwaway hash to check against when the user does not exist (same cost, same timing).
let dummy: Promise<string> | undefined;

/**
 * Checks a password against a stored hash in constant time. With `stored` undefined (no such
 * user, or a user without a password) it still runs scrypt once and returns false.
 */
export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  const parsed = stored === undefined ? undefined : parseHash(stored);
  if (!parsed) {
    dummy ??= hashPassword("routelab-dummy");
    const d = parseHash(await dummy)!;
    await scryptAsync(password, d.salt, d.hash.length, { N: d.n, r: d.r, p: d.p, maxmem: 64 * 1024 * 1024 });
    return false;
  }
  const maxmem = Math.max(64 * 1024 * 1024, 256 * parsed.n * parsed.r);
  const got = await scryptAsync(password, parsed.salt, parsed.hash.length, {
    N: parsed.n,
    r: parsed.r,
    p: parsed.p,
    maxmem,
  });
  return timingSafeEqual(got, parsed.hash);
}

/** A random password people can read aloud and type: 4 groups of 4 from an unambiguous alphabet. */
export function randomPassword(): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyz23456789"; // no i, l, o, 0, 1
  const limit = 256 - (256 % alphabet.length); // rejection sampling: every symbol equally likely
  let s = "";
  let count = 0;
  while (count < 16) {
    for (const b of randomBytes(32)) {
      if (b >= limit || count === 16) continue;
      s += alphabet[b % alphabet.length];
      count++;
      if (count % 4 === 0 && count < 16) s += "-";
    }
  }
  return s;
}
