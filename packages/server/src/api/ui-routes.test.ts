import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerUiRoutes } from './ui-routes.js';

/** An app with one API route and the server's JSON 404, plus the UI routes over `uiDir`. */
async function appWithUi(uiDir: string): Promise<FastifyInstance> {
  const app = Fastify();
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ statusCode: 404, message: `No route for ${request.url}` });
  });
  app.get('/v1/projects', async () => ({ data: [] }));
  await registerUiRoutes(app, { uiDir });
  return app;
}

describe('web UI hosting', () => {
  const root = mkdtempSync(join(tmpdir(), 'heron-ui-routes-'));
  const uiDir = join(root, 'dist');
  mkdirSync(join(uiDir, 'assets'), { recursive: true });
  writeFileSync(join(uiDir, 'index.html'), '<!doctype html><div id="root"></div>');
  writeFileSync(join(uiDir, 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(join(uiDir, 'favicon.svg'), '<svg/>');
  writeFileSync(join(root, 'secret.txt'), 'not for the web');
  after(() => rmSync(root, { recursive: true, force: true }));

  it('serves index.html at / and for client routes, never cached', async () => {
    const app = await appWithUi(uiDir);
    for (const url of ['/', '/projects', '/projects/UHJvamVjdDox/sessions/chat.42']) {
      const response = await app.inject({ url });
      assert.equal(response.statusCode, 200, url);
      assert.match(response.headers['content-type'] as string, /text\/html/);
      assert.equal(response.headers['cache-control'], 'no-cache');
      assert.match(response.body, /id="root"/);
    }
  });

  it('serves hashed assets as immutable and other files with a short cache', async () => {
    const app = await appWithUi(uiDir);
    const asset = await app.inject({ url: '/assets/index-abc123.js' });
    assert.equal(asset.statusCode, 200);
    assert.equal(asset.body, 'console.log(1)');
    assert.match(asset.headers['cache-control'] as string, /immutable/);
    assert.match(asset.headers['cache-control'] as string, /max-age=31536000/);
    const icon = await app.inject({ url: '/favicon.svg' });
    assert.equal(icon.statusCode, 200);
    assert.equal(icon.headers['cache-control'], 'public, max-age=3600');
  });

  it('answers a missing asset with 404, not with index.html', async () => {
    const app = await appWithUi(uiDir);
    const response = await app.inject({ url: '/assets/index-old999.js' });
    assert.equal(response.statusCode, 404);
    assert.doesNotMatch(response.body, /id="root"/);
  });

  it('leaves the API alone: known routes answer, unknown /v1 paths are JSON 404s', async () => {
    const app = await appWithUi(uiDir);
    assert.deepEqual((await app.inject({ url: '/v1/projects' })).json(), { data: [] });
    for (const url of ['/v1/nope', '/v1/traces', '/v1']) {
      const response = await app.inject({ url });
      assert.equal(response.statusCode, 404, url);
      assert.match(response.headers['content-type'] as string, /application\/json/);
    }
  });

  it('serves nothing outside the UI folder', async () => {
    const app = await appWithUi(uiDir);
    for (const url of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const response = await app.inject({ url });
      assert.doesNotMatch(response.body, /not for the web/, url);
    }
  });

  it('says how to build the UI when it is not built', async () => {
    const app = await appWithUi(join(root, 'missing'));
    for (const url of ['/', '/projects']) {
      const response = await app.inject({ url });
      assert.equal(response.statusCode, 503);
      assert.match(response.body, /npm run build/);
    }
    assert.equal((await app.inject({ url: '/v1/nope' })).statusCode, 404);
  });
});
