/**
 * With auth on: logging in (first-login password change, CSRF), API keys created, used and
 * revoked over REST, OTLP/HTTP and OTLP/gRPC with the stock exporters, viewers kept read-only,
 * user management, CORS and the REST rate limit.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { credentials as grpcCredentials, Metadata } from '@grpc/grpc-js';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { HeronProcess } from '../../packages/server/dist/testing/spawn-heron.js';
import {
  ADMIN_SECRET,
  AUTH_SECRET,
  INITIAL_ADMIN_PASSWORD,
  bearer,
  call,
  login,
  spawnAuthHeron,
  userWithKey,
} from './support/auth-server.js';
import { exportOneSpan } from './support/one-span-export.js';

const grpcExporter = (port: number, key?: string) => {
  const metadata = new Metadata();
  if (key !== undefined) metadata.set('authorization', `Bearer ${key}`);
  return new GrpcExporter({
    url: `http://127.0.0.1:${port}`,
    credentials: grpcCredentials.createInsecure(),
    metadata,
  });
};
const httpExporter = (baseUrl: string, key?: string) =>
  new ProtoExporter({
    url: `${baseUrl}/v1/traces`,
    headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
    // A refused export (429 is retried by the exporter) should fail the test quickly.
    timeoutMillis: 3000,
  });

async function spanCount(baseUrl: string, key: string, project: string): Promise<number> {
  const answer = await call(
    baseUrl,
    'GET',
    `/v1/projects/${project}/spans?limit=1000`,
    bearer(key),
  );
  if (answer.status === 404) return 0;
  assert.equal(answer.status, 200, JSON.stringify(answer.json));
  return (answer.json!['data'] as unknown[]).length;
}

describe('auth: logins, keys on every surface, roles, CORS', () => {
  let heron: HeronProcess;

  before(async () => {
    heron = await spawnAuthHeron({
      env: { HERON_ALLOWED_ORIGINS: 'https://notebook.example' },
    });
  });
  after(async () => {
    await heron?.stop();
  });

  test('the first admin logs in, must change the password, then may work', async () => {
    const wrong = await login(heron.baseUrl, 'admin', 'not-the-password');
    assert.equal(wrong.status, 401);
    assert.equal(wrong.cookie, '');
    const first = await login(heron.baseUrl, 'admin', INITIAL_ADMIN_PASSWORD);
    assert.equal(first.status, 200);
    assert.equal(first.body.data!.user.must_change_password, true);
    const session = { cookie: first.cookie, 'x-heron-csrf': first.csrf };
    const blocked = await call(heron.baseUrl, 'GET', '/v1/projects', session);
    assert.equal(blocked.status, 403);
    assert.match(String(blocked.json!['message']), /Change your initial password/);
    // The session cookie alone is not enough for a write: the CSRF token must come too.
    const noCsrf = await call(
      heron.baseUrl,
      'PUT',
      '/v1/auth/password',
      { cookie: first.cookie },
      {
        current_password: INITIAL_ADMIN_PASSWORD,
        new_password: 'the admin’s own password',
      },
    );
    assert.equal(noCsrf.status, 403);
    assert.match(String(noCsrf.json!['message']), /CSRF/);
    const tooShort = await call(heron.baseUrl, 'PUT', '/v1/auth/password', session, {
      current_password: INITIAL_ADMIN_PASSWORD,
      new_password: 'short',
    });
    assert.equal(tooShort.status, 422);
    const changed = await call(heron.baseUrl, 'PUT', '/v1/auth/password', session, {
      current_password: INITIAL_ADMIN_PASSWORD,
      new_password: 'the admin’s own password',
    });
    assert.equal(changed.status, 200, JSON.stringify(changed.json));
    assert.equal(
      (await call(heron.baseUrl, 'GET', '/v1/projects', session)).status,
      200,
      'the same session works once the password is changed',
    );
    assert.equal((await login(heron.baseUrl, 'admin', INITIAL_ADMIN_PASSWORD)).status, 401);
    // Logout ends the session on the server, not just in the browser.
    assert.equal((await call(heron.baseUrl, 'POST', '/v1/auth/logout', session)).status, 204);
    assert.equal((await call(heron.baseUrl, 'GET', '/v1/projects', session)).status, 401);
  });

  test('a member key sends spans over OTLP/HTTP and gRPC; no key, a viewer key or a revoked key cannot', async () => {
    const member = await userWithKey(heron.baseUrl, 'otto', 'member');
    const viewer = await userWithKey(heron.baseUrl, 'vic', 'viewer');

    const viaHttp = await exportOneSpan(httpExporter(heron.baseUrl, member.key), 'keyed');
    assert.equal(viaHttp.ok, true, viaHttp.error);
    const viaGrpc = await exportOneSpan(grpcExporter(heron.grpcPort, member.key), 'keyed');
    assert.equal(viaGrpc.ok, true, viaGrpc.error);
    assert.equal(await spanCount(heron.baseUrl, viewer.key, 'keyed'), 2);

    for (const [what, key] of [
      ['no key', undefined],
      ['a viewer key', viewer.key],
      ['an unknown key', 'heron_not-a-key'],
    ] as const) {
      const http = await exportOneSpan(httpExporter(heron.baseUrl, key), 'refused');
      assert.equal(http.ok, false, `OTLP/HTTP with ${what}`);
      const grpc = await exportOneSpan(grpcExporter(heron.grpcPort, key), 'refused');
      assert.equal(grpc.ok, false, `gRPC with ${what}`);
      assert.match(
        grpc.error,
        what === 'a viewer key'
          ? /PERMISSION_DENIED|member role/
          : /UNAUTHENTICATED|Not authenticated|Authentication required/,
      );
    }

    // Revoking takes effect at once, on every surface.
    const revoke = await call(
      heron.baseUrl,
      'DELETE',
      `/v1/api_keys/${member.keyId}`,
      bearer(member.key),
    );
    assert.equal(revoke.status, 204);
    assert.equal((await exportOneSpan(httpExporter(heron.baseUrl, member.key), 'keyed')).ok, false);
    assert.equal(
      (await exportOneSpan(grpcExporter(heron.grpcPort, member.key), 'keyed')).ok,
      false,
    );
    const rest = await call(heron.baseUrl, 'GET', '/v1/projects', bearer(member.key));
    assert.equal(rest.status, 401);
    assert.match(String(rest.json!['message']), /revoked/);
    assert.equal(await spanCount(heron.baseUrl, viewer.key, 'keyed'), 2);
    assert.equal(await spanCount(heron.baseUrl, viewer.key, 'refused'), 0);
  });

  test('keys are listed without their secret; the api_key header and the admin secret work', async () => {
    const member = await userWithKey(heron.baseUrl, 'mia', 'member');
    const listed = await call(heron.baseUrl, 'GET', '/v1/api_keys', bearer(member.key));
    assert.equal(listed.status, 200);
    const text = JSON.stringify(listed.json);
    assert.ok(!text.includes(member.key), 'the key itself is never listed again');
    assert.match(text, /heron_/);
    assert.equal(
      (await call(heron.baseUrl, 'GET', '/v1/projects', { api_key: member.key })).status,
      200,
    );
    assert.equal((await call(heron.baseUrl, 'GET', '/v1/users', bearer(ADMIN_SECRET))).status, 200);
    // A member's key is not an admin's.
    assert.equal((await call(heron.baseUrl, 'GET', '/v1/users', bearer(member.key))).status, 403);
    // An expired key stops working.
    const system = await call(heron.baseUrl, 'POST', '/v1/api_keys', bearer(ADMIN_SECRET), {
      name: 'short-lived',
      kind: 'system',
      role: 'viewer',
      expires_at: new Date(Date.now() + 1500).toISOString(),
    });
    assert.equal(system.status, 201, JSON.stringify(system.json));
    const shortLived = (system.json!['data'] as { key: string }).key;
    assert.equal(
      (await call(heron.baseUrl, 'GET', '/v1/projects', bearer(shortLived))).status,
      200,
    );
    await new Promise((resolve) => setTimeout(resolve, 1700));
    const expired = await call(heron.baseUrl, 'GET', '/v1/projects', bearer(shortLived));
    assert.equal(expired.status, 401);
    assert.match(String(expired.json!['message']), /expired/);
    // Only admins make system keys.
    const refused = await call(heron.baseUrl, 'POST', '/v1/api_keys', bearer(member.key), {
      name: 'x',
      kind: 'system',
    });
    assert.equal(refused.status, 403);
  });

  test('viewers read but cannot write; members write project data; admins manage users', async () => {
    const viewer = await userWithKey(heron.baseUrl, 'val', 'viewer');
    const member = await userWithKey(heron.baseUrl, 'meg', 'member');
    const made = await call(heron.baseUrl, 'POST', '/v1/projects', bearer(member.key), {
      name: 'roles',
    });
    assert.equal(made.status, 200, JSON.stringify(made.json));
    assert.equal(
      (await call(heron.baseUrl, 'GET', '/v1/projects/roles', bearer(viewer.key))).status,
      200,
    );
    for (const [method, path, body] of [
      ['POST', '/v1/projects', { name: 'by-viewer' }],
      ['PUT', '/v1/projects/roles', { description: 'x' }],
      ['POST', '/v1/span_annotations', { data: [] }],
      ['DELETE', '/v1/projects/roles', undefined],
    ] as const) {
      const answer = await call(heron.baseUrl, method, path, bearer(viewer.key), body);
      assert.equal(answer.status, 403, `${method} ${path} as viewer`);
    }
    // Deleting a project is for admins.
    assert.equal(
      (await call(heron.baseUrl, 'DELETE', '/v1/projects/roles', bearer(member.key))).status,
      403,
    );
    assert.equal(
      (await call(heron.baseUrl, 'GET', '/v1/projects/by-viewer', bearer(member.key))).status,
      404,
    );

    // User management: role change takes effect on the user's existing keys.
    const promote = await call(
      heron.baseUrl,
      'PATCH',
      `/v1/users/${viewer.userId}`,
      bearer(ADMIN_SECRET),
      {
        role: 'member',
      },
    );
    assert.equal(promote.status, 200);
    assert.equal(
      (
        await call(heron.baseUrl, 'PUT', '/v1/projects/roles', bearer(viewer.key), {
          description: 'ok',
        })
      ).status,
      200,
    );
    const remove = await call(
      heron.baseUrl,
      'DELETE',
      `/v1/users/${viewer.userId}`,
      bearer(ADMIN_SECRET),
    );
    assert.equal(remove.status, 204);
    assert.equal(
      (await call(heron.baseUrl, 'GET', '/v1/projects', bearer(viewer.key))).status,
      401,
    );
    const duplicate = await call(heron.baseUrl, 'POST', '/v1/users', bearer(ADMIN_SECRET), {
      username: 'MEG',
      password: 'some password',
    });
    assert.equal(duplicate.status, 409);
  });

  test('the unmodified Phoenix client works with PHOENIX_API_KEY', async () => {
    const { createClient } = await import('@arizeai/phoenix-client');
    const member = await userWithKey(heron.baseUrl, 'phoebe', 'member');
    const saved = process.env['PHOENIX_API_KEY'];
    // The client reads its key from the environment when it is created, as in a notebook.
    process.env['PHOENIX_API_KEY'] = member.key;
    const keyed = createClient({ options: { baseUrl: heron.baseUrl } });
    if (saved === undefined) delete process.env['PHOENIX_API_KEY'];
    else process.env['PHOENIX_API_KEY'] = saved;
    const anonymous = createClient({ options: { baseUrl: heron.baseUrl } });
    const ok = await keyed.GET('/v1/projects');
    assert.equal(ok.response.status, 200);
    assert.ok(Array.isArray(ok.data?.data));
    await assert.rejects(anonymous.GET('/v1/projects'), /401 Unauthorized/);
  });

  test('CORS: allowed origins get the headers, others do not', async () => {
    const preflight = await fetch(`${heron.baseUrl}/v1/projects`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://notebook.example',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    assert.ok(preflight.status < 300, `preflight answered ${preflight.status}`);
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://notebook.example');
    const other = await fetch(`${heron.baseUrl}/healthz`, {
      headers: { origin: 'https://evil.example' },
    });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    const allowed = await fetch(`${heron.baseUrl}/healthz`, {
      headers: { origin: 'https://notebook.example' },
    });
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://notebook.example');
  });

  test('health, the UI and the API docs stay open', async () => {
    for (const path of ['/healthz', '/readyz', '/openapi.json', '/docs', '/projects']) {
      const response = await fetch(`${heron.baseUrl}${path}`);
      assert.ok(response.status !== 401 && response.status !== 403, `${path}: ${response.status}`);
    }
  });
});

describe('auth off (the default)', () => {
  test('CORS stays closed and nothing asks for credentials', async () => {
    const { spawnHeron } = await import('../../packages/server/dist/testing/spawn-heron.js');
    const heron = await spawnHeron();
    try {
      const answer = await fetch(`${heron.baseUrl}/v1/projects`, {
        headers: { origin: 'https://notebook.example' },
      });
      assert.equal(answer.status, 200);
      assert.equal(answer.headers.get('access-control-allow-origin'), null);
      assert.equal((await fetch(`${heron.baseUrl}/v1/auth/me`)).status, 404);
    } finally {
      await heron.stop();
    }
  });
});

describe('auth settings at startup', () => {
  test('auth on without a strong secret, or with no way in, refuses to start and says why', async () => {
    const { spawnHeron } = await import('../../packages/server/dist/testing/spawn-heron.js');
    await assert.rejects(
      spawnHeron({ env: { HERON_ENABLE_AUTH: 'true', HERON_SECRET: 'secret' } }),
      /HERON_SECRET is too weak/,
    );
    await assert.rejects(
      spawnHeron({ env: { HERON_ENABLE_AUTH: 'true', HERON_SECRET: AUTH_SECRET } }),
      /no users: set HERON_DEFAULT_ADMIN_INITIAL_PASSWORD/,
    );
  });
});

describe('REST rate limit', () => {
  test('beyond the limit: 429 with Retry-After, per key; ingestion is not limited', async () => {
    const heron = await spawnAuthHeron({ env: { HERON_RATE_LIMIT_PER_MINUTE: '5' } });
    try {
      const a = bearer(ADMIN_SECRET);
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) {
        statuses.push((await call(heron.baseUrl, 'GET', '/v1/projects', a)).status);
      }
      assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429]);
      const limited = await call(heron.baseUrl, 'GET', '/v1/projects', a);
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.headers.get('retry-after')) > 0, 'Retry-After is set');
      // Another credential has its own budget.
      const other = await call(heron.baseUrl, 'GET', '/v1/projects', {});
      assert.equal(other.status, 401);
      // Health probes and OTLP ingestion are not limited.
      for (let i = 0; i < 8; i++) {
        assert.equal((await fetch(`${heron.baseUrl}/healthz`)).status, 200);
        const sent = await exportOneSpan(
          httpExporter(heron.baseUrl, ADMIN_SECRET),
          'limits',
          `s${i}`,
        );
        assert.equal(sent.ok, true, sent.error);
      }
    } finally {
      await heron.stop();
    }
  });

  test('HERON_INGEST_RATE_LIMIT_PER_MINUTE limits OTLP/HTTP exports', async () => {
    const heron = await spawnAuthHeron({ env: { HERON_INGEST_RATE_LIMIT_PER_MINUTE: '2' } });
    try {
      const results: boolean[] = [];
      for (let i = 0; i < 3; i++) {
        results.push(
          (await exportOneSpan(httpExporter(heron.baseUrl, ADMIN_SECRET), 'ingest-limit')).ok,
        );
      }
      assert.deepEqual(results, [true, true, false]);
    } finally {
      await heron.stop();
    }
  });
});
