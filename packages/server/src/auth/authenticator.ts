/**
 * Turns the credentials of a request (HTTP headers or gRPC metadata) into a principal: who is
 * calling and with which role. Accepted, in this order:
 *
 * 1. `Authorization: Bearer <token>` — an API key, or HERON_ADMIN_SECRET;
 * 2. `api_key: <token>` — what some Phoenix client versions send instead;
 * 3. the `heron_session` cookie set by POST /v1/auth/login (browsers).
 *
 * A credential that is present but wrong (unknown, revoked or expired key, forged or ended
 * session) is an error, never a fall-through to the next kind.
 */
import { timingSafeEqual } from 'node:crypto';
import type { AuthStore, UserRow } from '../store/auth-store.js';
import { sha256, verifySessionCookie } from './auth-tokens.js';
import type { Role } from './route-access.js';

export const SESSION_COOKIE = 'heron_session';
export const CSRF_COOKIE = 'heron_csrf';
export const CSRF_HEADER = 'x-heron-csrf';

export interface Principal {
  kind: 'admin-secret' | 'api-key' | 'session';
  role: Role;
  /** The signed-in user, or a user key's owner; null for the admin secret and system keys. */
  user: UserRow | null;
  apiKeyId: number | null;
  /** The session's id hash when authenticated by cookie. */
  sessionIdHash: string | null;
  /** Only password change, logout and "who am I" until the initial password is changed. */
  mustChangePassword: boolean;
}

export type Authentication =
  | { outcome: 'ok'; principal: Principal }
  | { outcome: 'missing' }
  | { outcome: 'invalid'; reason: string };

/** The header values the authenticator reads; names lower-case. */
export type CredentialHeaders = Record<string, string | string[] | undefined>;

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** name → value of a Cookie header (first occurrence wins). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (cookies.has(name)) continue;
    try {
      cookies.set(name, decodeURIComponent(part.slice(eq + 1).trim()));
    } catch {
      // a malformed value is as good as none
    }
  }
  return cookies;
}

export class Authenticator {
  constructor(
    private readonly store: AuthStore,
    private readonly secret: string,
    private readonly adminSecret: string | undefined,
  ) {}

  async authenticate(headers: CredentialHeaders): Promise<Authentication> {
    const authorization = firstValue(headers['authorization'])?.trim();
    if (authorization !== undefined && authorization !== '') {
      const bearer = /^Bearer\s+(\S+)$/i.exec(authorization);
      if (!bearer) {
        return { outcome: 'invalid', reason: 'the Authorization header must be "Bearer <key>"' };
      }
      return this.token(bearer[1]!);
    }
    const apiKey = firstValue(headers['api_key'])?.trim();
    if (apiKey !== undefined && apiKey !== '') return this.token(apiKey);
    const cookie = parseCookies(firstValue(headers['cookie'])).get(SESSION_COOKIE);
    if (cookie !== undefined && cookie !== '') return this.session(cookie);
    return { outcome: 'missing' };
  }

  private async token(token: string): Promise<Authentication> {
    if (this.adminSecret !== undefined && sameText(token, this.adminSecret)) {
      return {
        outcome: 'ok',
        principal: {
          kind: 'admin-secret',
          role: 'admin',
          user: null,
          apiKeyId: null,
          sessionIdHash: null,
          mustChangePassword: false,
        },
      };
    }
    const match = await this.store.findApiKey(sha256(token));
    if (match === null) return { outcome: 'invalid', reason: 'unknown API key' };
    const { key, owner } = match;
    if (key.revokedAt !== null) return { outcome: 'invalid', reason: 'this API key was revoked' };
    if (key.expiresAt !== null && Date.parse(key.expiresAt) <= Date.now()) {
      return { outcome: 'invalid', reason: 'this API key has expired' };
    }
    const role = key.kind === 'system' ? key.role : owner?.role;
    if (role === null || role === undefined) {
      return { outcome: 'invalid', reason: 'the owner of this API key no longer exists' };
    }
    return {
      outcome: 'ok',
      principal: {
        kind: 'api-key',
        role,
        user: owner,
        apiKeyId: key.rowid,
        sessionIdHash: null,
        mustChangePassword: false,
      },
    };
  }

  private async session(cookie: string): Promise<Authentication> {
    const idHash = verifySessionCookie(this.secret, cookie);
    if (idHash === null) return { outcome: 'invalid', reason: 'the session cookie is not valid' };
    const session = await this.store.findSession(idHash, new Date().toISOString());
    if (session === null) {
      return { outcome: 'invalid', reason: 'the session has ended; log in again' };
    }
    return {
      outcome: 'ok',
      principal: {
        kind: 'session',
        role: session.user.role,
        user: session.user,
        apiKeyId: null,
        sessionIdHash: idHash,
        mustChangePassword: session.user.mustChangePassword,
      },
    };
  }
}
