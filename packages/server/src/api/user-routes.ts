/**
 * User management for admins (Heron; registered only with auth on): list, create, change role
 * or reset password, delete. The last admin can be neither demoted nor deleted (409), so the
 * server never locks everyone out of administration.
 */
import type { FastifyInstance } from 'fastify';
import { hashPassword, weakPasswordReason } from '../auth/password-hash.js';
import type { Store } from '../store/store.js';
import { ApiError } from './api-error.js';
import { roleField, rowidParam, userJson, usernameField } from './auth-json.js';
import { bodyObject, optionalString } from './request-body.js';

type UserParams = { user_id: string };

function passwordField(value: unknown): string {
  if (typeof value !== 'string') throw new ApiError(422, 'password is required');
  const weak = weakPasswordReason(value);
  if (weak !== null) throw new ApiError(422, weak);
  return value;
}

function booleanField(value: unknown, field: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new ApiError(422, `${field} must be true or false`);
  return value;
}

export function registerUserRoutes(app: FastifyInstance, store: Store): void {
  const lastAdmin = async (userId: number): Promise<boolean> => {
    const user = await store.auth.getUser(userId);
    return user?.role === 'admin' && (await store.auth.countAdmins()) <= 1;
  };

  app.get('/v1/users', async () => ({
    data: (await store.auth.listUsers()).map(userJson),
  }));

  app.post('/v1/users', async (request, reply) => {
    const body = bodyObject(request.body);
    const username = usernameField(body);
    const password = passwordField(body['password']);
    const role = roleField(body, 'role') ?? 'member';
    const email = optionalString(body, 'email') ?? null;
    const user = await store.auth.createUser({
      username,
      email,
      role,
      passwordHash: await hashPassword(password),
      // The admin chose this password; the user picks their own at first login.
      mustChangePassword: booleanField(body['must_change_password'], 'must_change_password', true),
    });
    if (user === null) throw new ApiError(409, `A user named "${username}" already exists`);
    return reply.code(201).send({ data: userJson(user) });
  });

  app.patch('/v1/users/:user_id', async (request) => {
    const rowid = rowidParam((request.params as UserParams).user_id, 'User');
    if ((await store.auth.getUser(rowid)) === null) {
      throw new ApiError(404, `User not found: ${rowid}`);
    }
    const body = bodyObject(request.body);
    for (const field of Object.keys(body)) {
      if (field !== 'role' && field !== 'password') {
        throw new ApiError(422, `Unknown field "${field}": only role and password can be changed`);
      }
    }
    const role = roleField(body, 'role');
    if (role !== undefined && role !== 'admin' && (await lastAdmin(rowid))) {
      throw new ApiError(409, 'This is the last admin: make another user admin first');
    }
    if (body['password'] !== undefined) {
      // A reset by an admin: every session of the user ends, and the user picks a new one.
      const hash = await hashPassword(passwordField(body['password']));
      await store.auth.setUserPassword(rowid, hash, true, null);
    }
    if (role !== undefined) await store.auth.setUserRole(rowid, role);
    return { data: userJson((await store.auth.getUser(rowid))!) };
  });

  app.delete('/v1/users/:user_id', async (request, reply) => {
    const rowid = rowidParam((request.params as UserParams).user_id, 'User');
    if (await lastAdmin(rowid)) {
      throw new ApiError(409, 'This is the last admin: make another user admin first');
    }
    if (!(await store.auth.deleteUser(rowid))) throw new ApiError(404, `User not found: ${rowid}`);
    return reply.code(204).send();
  });
}
