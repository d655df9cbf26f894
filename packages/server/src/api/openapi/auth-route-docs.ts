/**
 * OpenAPI documentation of the auth routes (auth-routes.ts, user-routes.ts, api-key-routes.ts):
 * present only when HERON_ENABLE_AUTH is on. Heron additions.
 */
import type { RouteDoc } from './tracing-route-docs.js';
import {
  bool,
  dataOf,
  errorBody,
  int,
  list,
  noContent,
  nullable,
  obj,
  params,
  str,
} from './schema-parts.js';

const role = str('viewer (read), member (write project data) or admin (everything)');
const user = obj({
  id: int('User id'),
  username: str('Lower-case login name'),
  email: nullable(str()),
  role,
  must_change_password: bool('The user must pick a new password before doing anything else'),
  created_at: str('ISO 8601'),
  updated_at: str('ISO 8601'),
});
const apiKey = obj({
  id: int('Key id'),
  name: str(),
  kind: str('user (acts with its owner’s role) or system (a role of its own)'),
  user_id: nullable(int('Owner of a user key')),
  role: nullable(str('A system key’s role')),
  prefix: str('The first characters of the key, to tell keys apart'),
  created_at: str('ISO 8601'),
  expires_at: nullable(str('ISO 8601; null: never')),
  revoked_at: nullable(str('ISO 8601; null: active')),
});
const userParam = params(['user_id', 'User id']);
const auth = ['auth'];

export const AUTH_ROUTE_DOCS: Record<string, RouteDoc> = {
  'POST /v1/auth/login': {
    summary: 'Log in (Heron)',
    description:
      'Sets the HttpOnly `heron_session` cookie and the `heron_csrf` cookie; requests made with ' +
      'the session cookie and an unsafe method must send the CSRF token in `x-heron-csrf`. 401 ' +
      'for a wrong username or password.',
    tags: auth,
    body: obj({ username: str(), password: str() }, ['username', 'password']),
    response: {
      200: dataOf(obj({ user, csrf_token: str(), expires_at: str('ISO 8601') })),
      401: errorBody,
      422: errorBody,
    },
  },
  'POST /v1/auth/logout': {
    summary: 'Log out (Heron)',
    description: 'Ends the session and clears the cookies.',
    tags: auth,
    response: { 204: noContent },
  },
  'GET /v1/auth/me': {
    summary: 'Who am I (Heron)',
    description: 'The caller’s credential kind, role and user; 404 when auth is off.',
    tags: auth,
    response: {
      200: dataOf(
        obj({
          kind: str('session, api-key or admin-secret'),
          role,
          user: nullable(user),
          must_change_password: bool(),
          csrf_token: nullable(str('For session logins: the value for x-heron-csrf')),
        }),
      ),
    },
  },
  'PUT /v1/auth/password': {
    summary: 'Change my password (Heron)',
    description:
      'Ends the user’s other sessions. 403 when current_password is wrong, 422 for a new ' +
      'password that is too short.',
    tags: auth,
    body: obj({ current_password: str(), new_password: str('At least 8 characters') }),
    response: { 200: dataOf(user), 400: errorBody, 403: errorBody, 422: errorBody },
  },
  'GET /v1/auth/routes': {
    summary: 'Every route and the access it needs (Heron, admin)',
    description: 'access is public, signed-in, viewer, member or admin; null: not classified.',
    tags: auth,
    response: {
      200: dataOf(list(obj({ method: str(), url: str(), access: nullable(str()) }))),
    },
  },
  'GET /v1/users': {
    summary: 'List users (Heron, admin)',
    tags: auth,
    response: { 200: dataOf(list(user)) },
  },
  'POST /v1/users': {
    summary: 'Create a user (Heron, admin)',
    description:
      'The user must change the password at first login unless must_change_password is false. ' +
      '409 when the username is taken.',
    tags: auth,
    body: obj(
      {
        username: str(),
        password: str('At least 8 characters'),
        role: str('Default member'),
        email: nullable(str()),
        must_change_password: bool('Default true'),
      },
      ['username', 'password'],
    ),
    response: { 201: dataOf(user), 409: errorBody, 422: errorBody },
  },
  'PATCH /v1/users/:user_id': {
    summary: 'Change a user’s role or reset their password (Heron, admin)',
    description:
      'A password reset ends the user’s sessions and makes them pick a new one. 409 for ' +
      'demoting the last admin.',
    tags: auth,
    params: userParam,
    body: obj({ role: str(), password: str() }),
    response: { 200: dataOf(user), 404: errorBody, 409: errorBody, 422: errorBody },
  },
  'DELETE /v1/users/:user_id': {
    summary: 'Delete a user with their keys and sessions (Heron, admin)',
    description: '409 for the last admin.',
    tags: auth,
    params: userParam,
    response: { 204: noContent, 404: errorBody, 409: errorBody },
  },
  'GET /v1/api_keys': {
    summary: 'List API keys (Heron)',
    description: 'Admins see every key; others their own. Never the key itself.',
    tags: auth,
    response: { 200: dataOf(list(apiKey)) },
  },
  'POST /v1/api_keys': {
    summary: 'Create an API key (Heron)',
    description:
      'The answer carries the key (`key`) — the only time it is shown. kind system (admins ' +
      'only) takes a role (default member). Send it as `Authorization: Bearer <key>`.',
    tags: auth,
    body: obj(
      {
        name: str(),
        kind: str('user (default) or system'),
        role: str('System keys only'),
        expires_at: nullable(str('ISO 8601; absent or null: never expires')),
      },
      ['name'],
    ),
    response: {
      201: dataOf({
        ...apiKey,
        properties: {
          ...(apiKey['properties'] as object),
          key: str('The API key; shown once'),
        },
      }),
      403: errorBody,
      422: errorBody,
    },
  },
  'DELETE /v1/api_keys/:key_id': {
    summary: 'Revoke an API key (Heron)',
    description: 'Takes effect at once. Idempotent; 404 for a key the caller cannot see.',
    tags: auth,
    params: params(['key_id', 'Key id']),
    response: { 204: noContent, 404: errorBody },
  },
};
