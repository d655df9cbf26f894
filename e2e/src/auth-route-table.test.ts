/**
 * Every route the server registered × every kind of credential, with auth on: the routes come
 * from the server itself (GET /v1/auth/routes, filled by an onRoute hook), so a route added
 * anywhere is checked here without anyone listing it, and a route nobody classified in
 * auth/route-access.ts fails this test.
 *
 * Expected: public routes answer anything but 401/403 to everyone; other routes answer 401 to
 * no credentials, an unknown key and a revoked key; 403 to a role below what the route needs;
 * anything but 401/403 to a role that suffices (a 404 for the placeholder id is fine — it
 * means the request got past the check).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { HeronProcess } from '../../packages/server/dist/testing/spawn-heron.js';
import {
  ADMIN_SECRET,
  bearer,
  makeCredentials,
  spawnAuthHeron,
  type Credentials,
} from './support/auth-server.js';

type Access = 'public' | 'signed-in' | 'viewer' | 'member' | 'admin';
interface RouteEntry {
  method: string;
  url: string;
  access: Access | null;
}

const RANK = { viewer: 1, member: 2, admin: 3 } as const;

function expectedFor(access: Access, credential: keyof Credentials): 'open' | 401 | 403 {
  if (access === 'public') return 'open';
  if (credential === 'none' || credential === 'bad' || credential === 'revoked') return 401;
  if (access === 'signed-in') return 'open';
  return RANK[credential] >= RANK[access] ? 'open' : 403;
}

/** A concrete path for a route pattern: placeholders no row has. */
function pathOf(url: string): string {
  return url.replace(/:[a-z_]+/g, '999999').replace(/\*$/, 'no-such-page');
}

async function status(baseUrl: string, route: RouteEntry, headers: Record<string, string>) {
  const hasBody = !['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(route.method);
  const response = await fetch(`${baseUrl}${pathOf(route.url)}`, {
    method: route.method,
    headers: hasBody ? { 'content-type': 'application/json', ...headers } : headers,
    body: hasBody ? '{}' : undefined,
    // Live-update streams stay open: the status line is all this test needs.
    signal: AbortSignal.timeout(15_000),
  });
  await response.body?.cancel();
  return response.status;
}

describe('route × credential table (auth on)', () => {
  let heron: HeronProcess;
  let credentials: Credentials;
  let routes: RouteEntry[];

  before(async () => {
    heron = await spawnAuthHeron();
    credentials = await makeCredentials(heron.baseUrl);
    const response = await fetch(`${heron.baseUrl}/v1/auth/routes`, {
      headers: bearer(ADMIN_SECRET),
    });
    assert.equal(response.status, 200);
    routes = ((await response.json()) as { data: RouteEntry[] }).data;
  });
  after(async () => {
    await heron?.stop();
  });

  test('the server reports its routes, and each one is classified', async () => {
    assert.ok(routes.length > 50, `only ${routes.length} routes reported`);
    const unclassified = routes.filter((r) => r.access === null).map((r) => `${r.method} ${r.url}`);
    assert.deepEqual(
      unclassified,
      [],
      'classify these routes in packages/server/src/auth/route-access.ts',
    );
    // Routes registered before the access hook would escape it (and this inventory): every
    // documented route must be in it.
    const documented = (await (await fetch(`${heron.baseUrl}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const inventory = new Set(routes.map((r) => `${r.method} ${r.url}`));
    const missing: string[] = [];
    for (const [path, operations] of Object.entries(documented.paths)) {
      for (const method of Object.keys(operations)) {
        const key = `${method.toUpperCase()} ${path.replace('{*}', '*').replace(/\{([^}]+)\}/g, ':$1')}`;
        if (!inventory.has(key)) missing.push(key);
      }
    }
    assert.deepEqual(missing, [], 'documented routes the access check never saw');
    const find = (method: string, url: string) =>
      routes.find((r) => r.method === method && r.url === url)?.access;
    // A few fixed points, so the inventory cannot quietly drift.
    assert.equal(find('GET', '/healthz'), 'public');
    assert.equal(find('GET', '/v1/projects'), 'viewer');
    assert.equal(find('POST', '/v1/traces'), 'member');
    assert.equal(find('DELETE', '/v1/projects/:project_identifier'), 'admin');
    assert.equal(find('GET', '/v1/users'), 'admin');
  });

  test('every route answers every credential as the matrix says', async () => {
    const failures: string[] = [];
    for (const route of routes) {
      if (route.access === null) continue; // reported by the test above
      for (const credential of Object.keys(credentials) as (keyof Credentials)[]) {
        const expected = expectedFor(route.access, credential);
        const got = await status(heron.baseUrl, route, credentials[credential]);
        const ok = expected === 'open' ? got !== 401 && got !== 403 : got === expected;
        if (!ok) {
          failures.push(
            `${route.method} ${route.url} (${route.access}) with ${credential}: ` +
              `expected ${expected === 'open' ? 'not 401/403' : expected}, got ${got}`,
          );
        }
      }
    }
    assert.deepEqual(failures, []);
  });
});
