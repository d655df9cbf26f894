/**
 * The login cookies. `heron_session` is HttpOnly (page scripts, and so injected scripts, cannot
 * read it) and SameSite=Lax (not sent on cross-site POSTs or sub-requests; following a link
 * into Heron still finds you logged in). `heron_csrf` is readable by the UI, which copies it
 * into the x-heron-csrf header (access-control.ts). Both are Secure when the request came over
 * https (TLS here or `X-Forwarded-Proto: https` from a proxy), or always/never by
 * HERON_COOKIE_SECURE.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthSettings } from './auth-settings.js';
import { CSRF_COOKIE, SESSION_COOKIE } from './authenticator.js';

function secure(settings: AuthSettings, request: FastifyRequest): boolean {
  if (settings.cookieSecure !== 'auto') return settings.cookieSecure === 'always';
  if (settings.tls !== undefined) return true;
  const forwarded = request.headers['x-forwarded-proto'];
  return typeof forwarded === 'string' && forwarded.split(',')[0]!.trim() === 'https';
}

function cookie(
  name: string,
  value: string,
  options: { maxAgeSeconds: number; httpOnly: boolean; secure: boolean },
): string {
  return [
    `${name}=${encodeURIComponent(value)}`,
    'Path=/',
    `Max-Age=${options.maxAgeSeconds}`,
    'SameSite=Lax',
    ...(options.httpOnly ? ['HttpOnly'] : []),
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}

export function setLoginCookies(
  reply: FastifyReply,
  request: FastifyRequest,
  settings: AuthSettings,
  values: { session: string; csrf: string },
): void {
  const maxAgeSeconds = settings.sessionHours * 3600;
  const isSecure = secure(settings, request);
  void reply.header('set-cookie', [
    cookie(SESSION_COOKIE, values.session, { maxAgeSeconds, httpOnly: true, secure: isSecure }),
    cookie(CSRF_COOKIE, values.csrf, { maxAgeSeconds, httpOnly: false, secure: isSecure }),
  ]);
}

export function clearLoginCookies(
  reply: FastifyReply,
  request: FastifyRequest,
  settings: AuthSettings,
): void {
  const isSecure = secure(settings, request);
  void reply.header('set-cookie', [
    cookie(SESSION_COOKIE, '', { maxAgeSeconds: 0, httpOnly: true, secure: isSecure }),
    cookie(CSRF_COOKIE, '', { maxAgeSeconds: 0, httpOnly: false, secure: isSecure }),
  ]);
}
