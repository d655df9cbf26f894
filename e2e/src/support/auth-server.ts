/**
 * A Heron with authentication on, and one credential of each kind the auth tests need: API keys
 * of a viewer, a member and an admin (made the way users make them: log in, then create a key
 * with the session cookie and its CSRF token), a revoked key and a key that never existed.
 */
import { randomBytes } from 'node:crypto';
import {
  spawnHeron,
  type HeronProcess,
  type SpawnHeronOptions,
} from '../../../packages/server/dist/testing/spawn-heron.js';

export const AUTH_SECRET = 'e2e-' + randomBytes(32).toString('base64url');
export const ADMIN_SECRET = 'e2e-admin-' + randomBytes(32).toString('base64url');
export const INITIAL_ADMIN_PASSWORD = 'first-admin-password';

export function authEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    HERON_ENABLE_AUTH: 'true',
    HERON_SECRET: AUTH_SECRET,
    HERON_ADMIN_SECRET: ADMIN_SECRET,
    HERON_DEFAULT_ADMIN_INITIAL_PASSWORD: INITIAL_ADMIN_PASSWORD,
    ...extra,
  };
}

export function spawnAuthHeron(
  options: SpawnHeronOptions & { extraEnv?: Record<string, string> } = {},
): Promise<HeronProcess> {
  return spawnHeron({ ...options, env: authEnv({ ...options.env, ...options.extraEnv }) });
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A browser-like login: the cookies to send back and the CSRF token for unsafe requests. */
export interface Login {
  cookie: string;
  csrf: string;
  status: number;
  body: { data?: { user: { must_change_password: boolean } }; message?: string };
}

export async function login(baseUrl: string, username: string, password: string): Promise<Login> {
  const response = await fetch(`${baseUrl}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const cookies = response.headers.getSetCookie().map((c) => c.split(';')[0]!);
  const csrf = cookies.find((c) => c.startsWith('heron_csrf='))?.slice('heron_csrf='.length) ?? '';
  return {
    cookie: cookies.join('; '),
    csrf: decodeURIComponent(csrf),
    status: response.status,
    body: (await response.json()) as Login['body'],
  };
}

export async function call(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> | null; headers: Headers }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json: Record<string, unknown> | null = null;
  try {
    json = text === '' ? null : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    json = null;
  }
  return { status: response.status, json, headers: response.headers };
}

/** Creates the user with the admin secret, logs in as them, and makes a key of theirs. */
export async function userWithKey(
  baseUrl: string,
  username: string,
  role: 'viewer' | 'member' | 'admin',
): Promise<{ key: string; keyId: number; userId: number; password: string }> {
  const password = `${username}-password-1`;
  const created = await call(baseUrl, 'POST', '/v1/users', bearer(ADMIN_SECRET), {
    username,
    password,
    role,
    must_change_password: false,
  });
  if (created.status !== 201)
    throw new Error(`creating ${username}: ${JSON.stringify(created.json)}`);
  const session = await login(baseUrl, username, password);
  if (session.status !== 200) throw new Error(`login ${username}: ${JSON.stringify(session.body)}`);
  const key = await call(
    baseUrl,
    'POST',
    '/v1/api_keys',
    { cookie: session.cookie, 'x-heron-csrf': session.csrf },
    { name: `${username}'s key` },
  );
  if (key.status !== 201) throw new Error(`key for ${username}: ${JSON.stringify(key.json)}`);
  const data = key.json!['data'] as { key: string; id: number };
  return {
    key: data.key,
    keyId: data.id,
    userId: (created.json!['data'] as { id: number }).id,
    password,
  };
}

export interface Credentials {
  none: Record<string, string>;
  bad: Record<string, string>;
  revoked: Record<string, string>;
  viewer: Record<string, string>;
  member: Record<string, string>;
  admin: Record<string, string>;
}

export async function makeCredentials(baseUrl: string): Promise<Credentials> {
  const viewer = await userWithKey(baseUrl, 'vera', 'viewer');
  const member = await userWithKey(baseUrl, 'max', 'member');
  const admin = await userWithKey(baseUrl, 'ada', 'admin');
  const doomed = await call(baseUrl, 'POST', '/v1/api_keys', bearer(member.key), {
    name: 'to be revoked',
  });
  const doomedKey = doomed.json!['data'] as { key: string; id: number };
  const revoked = await call(baseUrl, 'DELETE', `/v1/api_keys/${doomedKey.id}`, bearer(member.key));
  if (revoked.status !== 204) throw new Error(`revoking: ${revoked.status}`);
  return {
    none: {},
    bad: bearer('heron_' + randomBytes(32).toString('base64url')),
    revoked: bearer(doomedKey.key),
    viewer: bearer(viewer.key),
    member: bearer(member.key),
    admin: bearer(admin.key),
  };
}
