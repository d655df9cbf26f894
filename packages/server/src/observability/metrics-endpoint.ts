/**
 * Wires Heron's self-observation into the fastify app: HTTP request durations by route pattern
 * (never the raw URL: ids in paths would make a time series per span), the `x-request-id`
 * response header, a count of requests in flight (what a shutdown that ran out of time reports),
 * and GET /metrics — on the main port, or only on HERON_METRICS_PORT when that is set (so it can
 * stay off a public listener).
 */
import { createServer, type Server } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { HeronMetrics } from './heron-metrics.js';
import { REQUEST_ID_HEADER } from './request-id.js';

export const METRICS_PATH = '/metrics';

/** Adds the hooks; returns a function telling how many HTTP requests are in flight. */
export function instrumentHttp(app: FastifyInstance, metrics: HeronMetrics): () => number {
  let inFlight = 0;
  app.addHook('onRequest', async () => {
    inFlight++;
  });
  app.addHook('onSend', async (request, reply) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    inFlight--;
    metrics.httpRequestSeconds.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
  // A request whose client hung up gets no onResponse.
  // fastify insists an async onRequestAbort hook declares exactly its one parameter.
  app.addHook('onRequestAbort', async (_request) => {
    inFlight--;
  });
  return () => inFlight;
}

/** GET /metrics on the app itself (when no separate metrics port is configured). */
export function registerMetricsRoute(app: FastifyInstance, metrics: HeronMetrics): void {
  app.get(METRICS_PATH, async (_request, reply) => {
    const { contentType, body } = await metrics.exposition();
    return reply.type(contentType).send(body);
  });
}

/** A separate listener that serves only /metrics. */
export async function startMetricsServer(
  host: string,
  port: number,
  metrics: HeronMetrics,
): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== METRICS_PATH) {
      response
        .writeHead(404, { 'content-type': 'text/plain' })
        .end(`Only GET ${METRICS_PATH} here`);
      return;
    }
    metrics.exposition().then(
      ({ contentType, body }) => response.writeHead(200, { 'content-type': contentType }).end(body),
      (error: Error) =>
        response.writeHead(500, { 'content-type': 'text/plain' }).end(error.message),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
