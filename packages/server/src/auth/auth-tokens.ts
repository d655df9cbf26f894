/**
 * The secrets Heron hands out and how it recognises them again.
 *
 * - API keys: `heron_` + 32 random bytes (base64url). Only their SHA-256 is stored: a key has
 *   256 bits of entropy, so a fast hash is enough (a slow one is for guessable passwords) and a
 *   lookup by hash is one index seek.
 * - Session cookies: `<random id>.<HMAC-SHA256(HERON_SECRET, id)>`. The signature lets a forged
 *   or mangled cookie be refused without a database read; the id's SHA-256 is what the sessions
 *   table holds, so logout and user deletion end a session at once.
 * - CSRF tokens: HMAC(HERON_SECRET, "csrf:" + session id), so the double-submit token is bound
 *   to the session and needs no storage.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const API_KEY_PREFIX = 'heron_';

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

function hmac(secret: string, value: string): string {
  return createHmac('sha256', secret).update(value).digest('base64url');
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface NewApiKey {
  /** Shown to the user once. */
  token: string;
  /** What the database keeps. */
  tokenHash: string;
  /** The first characters, stored so lists can tell keys apart. */
  displayPrefix: string;
}

export function newApiKey(): NewApiKey {
  const token = API_KEY_PREFIX + randomBytes(32).toString('base64url');
  return {
    token,
    tokenHash: sha256(token),
    displayPrefix: token.slice(0, API_KEY_PREFIX.length + 6),
  };
}

export interface NewSession {
  /** The cookie value. */
  cookie: string;
  /** What the sessions table keeps. */
  idHash: string;
}

export function newSession(secret: string): NewSession {
  const id = randomBytes(32).toString('base64url');
  return { cookie: `${id}.${hmac(secret, id)}`, idHash: sha256(id) };
}

/** The session id's hash when the cookie's signature is right, else null. */
export function verifySessionCookie(secret: string, cookie: string): string | null {
  const dot = cookie.indexOf('.');
  if (dot <= 0) return null;
  const id = cookie.slice(0, dot);
  return sameText(cookie.slice(dot + 1), hmac(secret, id)) ? sha256(id) : null;
}

export function csrfTokenFor(secret: string, sessionIdHash: string): string {
  return hmac(secret, `csrf:${sessionIdHash}`);
}

export function csrfTokenMatches(secret: string, sessionIdHash: string, given: string): boolean {
  return sameText(given, csrfTokenFor(secret, sessionIdHash));
}
