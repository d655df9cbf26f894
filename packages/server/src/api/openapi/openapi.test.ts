import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../config.js';
import { startServer, type HeronServer } from '../../server.js';
import { undocumentedRoutes } from './openapi.js';

describe('OpenAPI document', () => {
  let dir: string;
  let server: HeronServer;
  let base: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'heron-openapi-'));
    server = await startServer(
      loadConfig({ port: 0, grpcPort: 0, workingDir: dir }, { HERON_LOG_LEVEL: 'silent' }),
    );
    base = `http://127.0.0.1:${server.httpPort}`;
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('documents every route the server has', () => {
    assert.deepEqual(undocumentedRoutes, []);
  });

  it('serves /openapi.json with the Phoenix routes and their parameters', async () => {
    const response = await fetch(`${base}/openapi.json`);
    assert.equal(response.status, 200);
    const document = (await response.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { parameters?: { name: string }[] }>>;
    };
    assert.match(document.openapi, /^3\./);
    const traces = document.paths['/v1/projects/{project_identifier}/traces']?.['get'];
    assert.ok(traces, 'trace list documented');
    const names = traces.parameters?.map((p) => p.name) ?? [];
    for (const name of ['project_identifier', 'sort', 'order', 'cursor', 'filter', 'q']) {
      assert.ok(names.includes(name), `parameter ${name}`);
    }
    for (const path of ['/v1/projects', '/v1/spans/{span_identifier}', '/v1/sessions/delete']) {
      assert.ok(document.paths[path], `${path} documented`);
    }
  });

  it('serves a docs page', async () => {
    const response = await fetch(`${base}/docs`, { redirect: 'follow' });
    assert.equal(response.status, 200);
    assert.match(await response.text(), /swagger/i);
  });
});
