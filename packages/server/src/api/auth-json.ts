/** JSON shapes of users and API keys (auth-routes.ts, user-routes.ts, api-key-routes.ts). */
import type { ApiKeyRow, UserRow } from '../store/auth-store.js';
import { ApiError } from './api-error.js';
import type { JsonObject } from './request-body.js';
import { isRole, ROLES, type Role } from '../auth/route-access.js';

export function userJson(user: UserRow) {
  return {
    id: user.rowid,
    username: user.username,
    email: user.email,
    role: user.role,
    must_change_password: user.mustChangePassword,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  };
}

/** Never the key itself: only its first characters (the key is shown once, at creation). */
export function apiKeyJson(key: ApiKeyRow) {
  return {
    id: key.rowid,
    name: key.name,
    kind: key.kind,
    user_id: key.userId,
    role: key.role,
    prefix: key.displayPrefix,
    created_at: key.createdAt,
    expires_at: key.expiresAt,
    revoked_at: key.revokedAt,
  };
}

export function roleField(body: JsonObject, field: string): Role | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (!isRole(value)) throw new ApiError(422, `${field} must be one of ${ROLES.join(', ')}`);
  return value;
}

/** A numeric id from a path parameter; 404 for anything else (no such row can exist). */
export function rowidParam(value: string, what: string): number {
  const rowid = Number(value);
  if (!/^\d{1,15}$/.test(value) || !Number.isSafeInteger(rowid) || rowid <= 0) {
    throw new ApiError(404, `${what} not found: ${value}`);
  }
  return rowid;
}

const USERNAME = /^[a-z0-9][a-z0-9._@-]{0,63}$/;

/** Usernames are compared case-insensitively, so they are stored lower-case. */
export function usernameField(body: JsonObject): string {
  const value = body['username'];
  if (typeof value !== 'string' || value.trim() === '')
    throw new ApiError(422, 'username is required');
  const username = value.trim().toLowerCase();
  if (!USERNAME.test(username)) {
    throw new ApiError(
      422,
      'username must be 1-64 characters: letters, digits and . _ @ -, starting with a letter or digit',
    );
  }
  return username;
}
