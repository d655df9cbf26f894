/**
 * Password hashing with scrypt (Node's built-in crypto): memory-hard, so guessing stolen hashes
 * on GPUs is expensive, and it needs no native package. The stored form carries its own
 * parameters (`scrypt$N$r$p$salt$hash`, base64url) so they can be raised later without
 * invalidating existing hashes.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * N = 2^16, r = 8, p = 1: 64 MiB and roughly 100-200 ms per hash. OWASP suggests N = 2^17; one
 * step lower halves the memory each concurrent login holds. Stored hashes name their own
 * parameters, so raising these later keeps old passwords working.
 */
const DEFAULT_PARAMS = { N: 2 ** 16, r: 8, p: 1 };
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

/** Passwords longer than this are refused (hashing cost grows with length). */
export const MAX_PASSWORD_LENGTH = 1024;
/** Shortest password accepted. */
export const MIN_PASSWORD_LENGTH = 8;

function derive(password: string, salt: Buffer, params: typeof DEFAULT_PARAMS): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, DEFAULT_PARAMS);
  const { N, r, p } = DEFAULT_PARAMS;
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** False for a wrong password and for a stored value that is not a hash this module made. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0)) return false;
  if (password.length > MAX_PASSWORD_LENGTH) return false;
  const expected = Buffer.from(parts[5]!, 'base64url');
  const key = await derive(password, Buffer.from(parts[4]!, 'base64url'), { N, r, p });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Why a new password is refused, or null. */
export function weakPasswordReason(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return `a password needs at least ${MIN_PASSWORD_LENGTH} characters`;
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    return `a password may have at most ${MAX_PASSWORD_LENGTH} characters`;
  }
  return null;
}
