/**
 * Login, logout, "who am I", password change, and the route access inventory (Heron; only
 * registered when HERON_ENABLE_AUTH is on — with auth off GET /v1/auth/me answers 404 and the UI
 * knows there is nothing to log into).
 */
import type { FastifyInstance } from 'fastify';
import type { AccessControl } from '../auth/access-control.js';
import type { AuthSettings } from '../auth/auth-settings.js';
import { csrfTokenFor, newSession } from '../auth/auth-tokens.js';
import { hashPassword, verifyPassword, weakPasswordReason } from '../auth/password-hash.js';
import { clearLoginCookies, setLoginCookies } from '../auth/session-cookies.js';
import type { Store } from '../store/store.js';
import { ApiError } from './api-error.js';
import { userJson } from './auth-json.js';
import { bodyObject } from './request-body.js';

/** A hash of nothing in particular: unknown users cost as much time as wrong passwords. */
let decoyHash: Promise<string> | undefined;

export function registerAuthRoutes(
  app: FastifyInstance,
  options: { store: Store; settings: AuthSettings; access: AccessControl },
): void {
  const { store, settings, access } = options;

  app.post('/v1/auth/login', async (request, reply) => {
    const body = bodyObject(request.body);
    const username = typeof body['username'] === 'string' ? body['username'].trim() : '';
    const password = typeof body['password'] === 'string' ? body['password'] : '';
    if (username === '' || password === '') {
      throw new ApiError(422, 'username and password are required');
    }
    const user = await store.auth.getUserByUsername(username.toLowerCase());
    decoyHash ??= hashPassword('decoy password');
    const ok = await verifyPassword(password, user?.passwordHash ?? (await decoyHash));
    if (!user || !ok) throw new ApiError(401, 'Wrong username or password');
    const session = newSession(settings.secret);
    const expiresAt = new Date(Date.now() + settings.sessionHours * 3_600_000).toISOString();
    await store.auth.createSession(user.rowid, session.idHash, expiresAt);
    const csrf = csrfTokenFor(settings.secret, session.idHash);
    setLoginCookies(reply, request, settings, { session: session.cookie, csrf });
    const { passwordHash: _hash, ...row } = user;
    return { data: { user: userJson(row), csrf_token: csrf, expires_at: expiresAt } };
  });

  app.post('/v1/auth/logout', async (request, reply) => {
    const principal = request.principal!;
    if (principal.sessionIdHash !== null) await store.auth.deleteSession(principal.sessionIdHash);
    clearLoginCookies(reply, request, settings);
    return reply.code(204).send();
  });

  app.get('/v1/auth/me', async (request) => {
    const p = request.principal!;
    return {
      data: {
        kind: p.kind,
        role: p.role,
        user: p.user === null ? null : userJson(p.user),
        must_change_password: p.mustChangePassword,
        csrf_token:
          p.sessionIdHash === null ? null : csrfTokenFor(settings.secret, p.sessionIdHash),
      },
    };
  });

  app.put('/v1/auth/password', async (request) => {
    const p = request.principal!;
    if (p.user === null) {
      throw new ApiError(400, 'This credential belongs to no user, so it has no password');
    }
    const body = bodyObject(request.body);
    const current = body['current_password'];
    const next = body['new_password'];
    if (typeof current !== 'string' || typeof next !== 'string') {
      throw new ApiError(422, 'current_password and new_password are required strings');
    }
    const weak = weakPasswordReason(next);
    if (weak !== null) throw new ApiError(422, weak);
    if (next === current) throw new ApiError(422, 'the new password must differ from the old one');
    const user = await store.auth.getUserByUsername(p.user.username);
    if (!user || !(await verifyPassword(current, user.passwordHash))) {
      throw new ApiError(403, 'current_password is wrong');
    }
    // Other sessions of the user end: whoever knew the old password is logged out.
    await store.auth.setUserPassword(user.rowid, await hashPassword(next), false, p.sessionIdHash);
    return { data: userJson((await store.auth.getUser(user.rowid))!) };
  });

  app.get('/v1/auth/routes', async () => ({
    data: access.routes().map((r) => ({ method: r.method, url: r.url, access: r.access })),
  }));
}
