/**
 * Puts authentication, CORS and rate limits in front of every route. Called by server.ts twice:
 * `registerSecurity` before any route is registered (the hooks must see every route), and
 * `registerAuthApi` after the OpenAPI plugin (so the auth routes are documented).
 */
import type { FastifyInstance } from 'fastify';
import { registerApiKeyRoutes } from '../api/api-key-routes.js';
import { registerAuthRoutes } from '../api/auth-routes.js';
import { registerUserRoutes } from '../api/user-routes.js';
import type { Store } from '../store/store.js';
import { registerAccessControl, type AccessControl } from './access-control.js';
import type { AuthSettings } from './auth-settings.js';
import { Authenticator } from './authenticator.js';
import { registerCors } from './cors-policy.js';
import { ensureFirstAdmin } from './first-admin.js';
import { registerRateLimits } from './rate-limits.js';

export interface Security {
  /** Null when auth is off. */
  authenticator: Authenticator | null;
  access: AccessControl | null;
}

export async function registerSecurity(
  app: FastifyInstance,
  store: Store,
  settings: AuthSettings,
): Promise<Security> {
  await registerCors(app, settings.allowedOrigins);
  await registerRateLimits(app, settings);
  if (!settings.enabled) return { authenticator: null, access: null };
  await ensureFirstAdmin(store.auth, settings, app.log);
  const authenticator = new Authenticator(store.auth, settings.secret, settings.adminSecret);
  const access = registerAccessControl(app, authenticator, settings.secret);
  return { authenticator, access };
}

export function registerAuthApi(
  app: FastifyInstance,
  store: Store,
  settings: AuthSettings,
  security: Security,
): void {
  if (security.access === null) return;
  registerAuthRoutes(app, { store, settings, access: security.access });
  registerUserRoutes(app, store);
  registerApiKeyRoutes(app, store);
}
