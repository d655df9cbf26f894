/**
 * API keys (Heron; registered only with auth on). Anyone signed in manages their own user keys
 * (which act with the owner's current role); admins also make system keys (a role of their own,
 * no owner — for services and exporters) and see and revoke every key. The key itself is in the
 * answer to its creation only; lists show its first characters.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { newApiKey } from '../auth/auth-tokens.js';
import type { ApiKeyRow } from '../store/auth-store.js';
import type { Store } from '../store/store.js';
import { ApiError } from './api-error.js';
import { apiKeyJson, roleField, rowidParam } from './auth-json.js';
import { bodyObject, optionalString } from './request-body.js';

/** The longest a key may live (10 years); no expiry at all is allowed too. */
const MAX_EXPIRY_MS = 10 * 366 * 86_400_000;
const MAX_NAME_LENGTH = 200;

function isAdmin(request: FastifyRequest): boolean {
  return request.principal!.role === 'admin';
}

function visible(request: FastifyRequest, key: ApiKeyRow): boolean {
  return isAdmin(request) || (key.userId !== null && key.userId === request.principal!.user?.rowid);
}

function expiryField(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
    throw new ApiError(422, 'expires_at must be an ISO 8601 date-time, or null for no expiry');
  }
  const at = Date.parse(value);
  if (at <= Date.now()) throw new ApiError(422, 'expires_at must be in the future');
  if (at > Date.now() + MAX_EXPIRY_MS)
    throw new ApiError(422, 'expires_at is more than 10 years away');
  return new Date(at).toISOString();
}

export function registerApiKeyRoutes(app: FastifyInstance, store: Store): void {
  app.get('/v1/api_keys', async (request) => {
    const principal = request.principal!;
    const keys = isAdmin(request)
      ? await store.auth.listApiKeys()
      : principal.user === null
        ? []
        : await store.auth.listApiKeys(principal.user.rowid);
    return { data: keys.map(apiKeyJson) };
  });

  app.post('/v1/api_keys', async (request, reply) => {
    const principal = request.principal!;
    const body = bodyObject(request.body);
    const name = (optionalString(body, 'name') ?? '').trim();
    if (name === '') throw new ApiError(422, 'name is required');
    if (name.length > MAX_NAME_LENGTH) {
      throw new ApiError(422, `name may have at most ${MAX_NAME_LENGTH} characters`);
    }
    const kind = body['kind'] ?? 'user';
    if (kind !== 'user' && kind !== 'system') {
      throw new ApiError(422, 'kind must be "user" or "system"');
    }
    const expiresAt = expiryField(body['expires_at']);
    const role = roleField(body, 'role');
    if (kind === 'system') {
      if (!isAdmin(request)) throw new ApiError(403, 'Only admins create system keys');
    } else {
      if (principal.user === null) {
        throw new ApiError(
          400,
          'This credential belongs to no user: create a system key (kind "system") instead',
        );
      }
      if (role !== undefined) {
        throw new ApiError(422, 'A user key acts with its owner’s role; role is for system keys');
      }
    }
    const secret = newApiKey();
    const key = await store.auth.createApiKey({
      name,
      kind,
      userId: kind === 'user' ? principal.user!.rowid : null,
      role: kind === 'system' ? (role ?? 'member') : null,
      tokenHash: secret.tokenHash,
      displayPrefix: secret.displayPrefix,
      expiresAt,
    });
    return reply.code(201).send({ data: { ...apiKeyJson(key), key: secret.token } });
  });

  app.delete('/v1/api_keys/:key_id', async (request, reply) => {
    const rowid = rowidParam((request.params as { key_id: string }).key_id, 'API key');
    const key = await store.auth.getApiKey(rowid);
    if (key === null || !visible(request, key))
      throw new ApiError(404, `API key not found: ${rowid}`);
    if (key.revokedAt === null) await store.auth.revokeApiKey(rowid);
    return reply.code(204).send();
  });
}
