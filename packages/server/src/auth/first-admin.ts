/**
 * The first admin: with auth on and no user in the database, HERON_DEFAULT_ADMIN_INITIAL_PASSWORD
 * creates the user "admin", who must choose a new password at first login. Without it (and
 * without HERON_ADMIN_SECRET to create users over the API) nobody could ever get in, so the
 * server refuses to start and says why.
 */
import type { FastifyBaseLogger } from 'fastify';
import { ConfigError } from '../config.js';
import type { AuthStore } from '../store/auth-store.js';
import type { AuthSettings } from './auth-settings.js';
import { hashPassword, weakPasswordReason } from './password-hash.js';

export const FIRST_ADMIN_USERNAME = 'admin';

export async function ensureFirstAdmin(
  store: AuthStore,
  settings: AuthSettings,
  log: FastifyBaseLogger,
): Promise<void> {
  if ((await store.countUsers()) > 0) return;
  const password = settings.initialAdminPassword;
  if (password === undefined) {
    if (settings.adminSecret !== undefined) {
      log.warn(
        'auth is on and there are no users yet: create them with HERON_ADMIN_SECRET as a ' +
          'bearer token (POST /v1/users)',
      );
      return;
    }
    throw new ConfigError(
      'HERON_ENABLE_AUTH is on but the database has no users: set ' +
        'HERON_DEFAULT_ADMIN_INITIAL_PASSWORD (the first admin, "admin", changes it at first ' +
        'login) or HERON_ADMIN_SECRET',
    );
  }
  const weak = weakPasswordReason(password);
  if (weak !== null) throw new ConfigError(`HERON_DEFAULT_ADMIN_INITIAL_PASSWORD: ${weak}`);
  const created = await store.createFirstUser({
    username: FIRST_ADMIN_USERNAME,
    email: null,
    role: 'admin',
    passwordHash: await hashPassword(password),
    mustChangePassword: true,
  });
  if (created) {
    log.info(`created the first admin "${FIRST_ADMIN_USERNAME}"; they must change the password`);
  }
}
