/** Liveness, readiness and the version endpoints Phoenix clients probe. */
import type { FastifyInstance } from 'fastify';
import type { Store } from '../store/store.js';
import { PHOENIX_COMPATIBLE_VERSION } from './server-version.js';

export function registerHealthRoutes(app: FastifyInstance, store: Store): void {
  app.get('/healthz', async (_request, reply) => reply.type('text/plain').send('OK'));

  app.get('/readyz', async (_request, reply) => {
    try {
      await store.ping();
      return reply.type('text/plain').send('OK');
    } catch (error) {
      return reply
        .code(503)
        .type('text/plain')
        .send(`Database unavailable: ${(error as Error).message}`);
    }
  });

  // phoenix-client reads this (plain text MAJOR.MINOR.PATCH) to decide which features it may use.
  app.get('/arize_phoenix_version', async (_request, reply) =>
    reply.type('text/plain').send(PHOENIX_COMPATIBLE_VERSION),
  );
}
