import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ROUTE_ACCESS, isSafeMethod, roleSatisfies, routeAccess } from './route-access.js';

describe('the role matrix', () => {
  it('ranks roles: admin ⊇ member ⊇ viewer', () => {
    assert.equal(roleSatisfies('viewer', 'viewer'), true);
    assert.equal(roleSatisfies('viewer', 'member'), false);
    assert.equal(roleSatisfies('viewer', 'admin'), false);
    assert.equal(roleSatisfies('member', 'viewer'), true);
    assert.equal(roleSatisfies('member', 'admin'), false);
    assert.equal(roleSatisfies('admin', 'member'), true);
    for (const role of ['viewer', 'member', 'admin'] as const) {
      assert.equal(roleSatisfies(role, 'signed-in'), true);
      assert.equal(roleSatisfies(role, 'public'), true);
    }
  });

  it('gives viewers reads only: every write route needs member or admin', () => {
    // The span query DSL (POST /v1/spans) reads; it is the one write-method route viewers use
    // besides their own account and keys.
    const viewerWrites = Object.entries(ROUTE_ACCESS)
      .filter(([key, access]) => !isSafeMethod(key.split(' ')[0]!) && access === 'viewer')
      .map(([key]) => key);
    assert.deepEqual(viewerWrites, ['POST /v1/spans']);
  });

  it('keeps ingestion for members, administration for admins', () => {
    assert.equal(routeAccess('POST', '/v1/traces'), 'member');
    assert.equal(routeAccess('POST', '/v1/span_annotations'), 'member');
    assert.equal(routeAccess('DELETE', '/v1/projects/:project_identifier'), 'admin');
    assert.equal(routeAccess('POST', '/v1/users'), 'admin');
    assert.equal(routeAccess('PATCH', '/v1/model_prices/:price_id'), 'admin');
    assert.equal(routeAccess('PUT', '/v1/projects/:project_identifier/retention'), 'admin');
  });

  it('leaves health, the UI files and the docs open, and only those and login', () => {
    const open = Object.entries(ROUTE_ACCESS)
      .filter(([, access]) => access === 'public')
      .map(([key]) => key);
    for (const key of open) {
      assert.match(
        key,
        /^(GET \/(healthz|readyz|arize_phoenix_version|docs.*|openapi\.json|\*?)|POST \/v1\/auth\/login|OPTIONS \*)$/,
      );
    }
  });

  it('answers HEAD like GET and nothing for an unknown route', () => {
    assert.equal(routeAccess('HEAD', '/v1/projects'), 'viewer');
    assert.equal(routeAccess('GET', '/v1/not-a-route'), undefined);
    assert.equal(routeAccess('GET', 'constructor'), undefined);
  });
});
