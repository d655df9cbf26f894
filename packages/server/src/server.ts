/**
 * Assembles one Heron process: the store, the ingest queue, the OTLP receivers (HTTP and gRPC)
 * and the REST API, and shuts them down in the order that loses nothing.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { HeronConfig } from './config.js';
import { ApiError } from './api/api-error.js';
import { registerAnnotationRoutes } from './api/annotation-routes.js';
import { registerHealthRoutes } from './api/health-routes.js';
import { registerOpenApi } from './api/openapi/openapi.js';
import { registerProjectRoutes } from './api/project-routes.js';
import { PHOENIX_COMPATIBLE_VERSION, PHOENIX_VERSION_HEADER } from './api/server-version.js';
import { registerSpanQueryRoutes } from './api/span-query-routes.js';
import { registerSpanRoutes } from './api/span-routes.js';
import { registerSessionRoutes } from './api/session-routes.js';
import { registerTraceRoutes } from './api/trace-routes.js';
import { ExportIngester } from './ingest/export-ingester.js';
import { IngestQueue } from './ingest/ingest-queue.js';
import { startGrpcReceiver, type GrpcReceiver } from './otlp/grpc-receiver.js';
import { registerOtlpHttpReceiver } from './otlp/http-receiver.js';
import { QueryTimeoutError } from './store/query-timeout-error.js';
import { PostgresStore } from './store/postgres/postgres-store.js';
import { SqliteStore } from './store/sqlite/sqlite-store.js';
import type { Store } from './store/store.js';

export interface HeronServer {
  app: FastifyInstance;
  store: Store;
  queue: IngestQueue;
  httpPort: number;
  grpcPort: number;
  /** Stops accepting, commits everything already queued, closes the database. */
  close(): Promise<void>;
}

/** PostgreSQL when a database URL is configured, else the SQLite file in the working directory. */
async function openStore(config: HeronConfig, onMigration: (name: string) => void): Promise<Store> {
  if (config.databaseUrl !== undefined) {
    return PostgresStore.open({
      url: config.databaseUrl,
      schema: config.databaseSchema,
      readReplicaUrl: config.readReplicaUrl,
      searchTextMaxChars: config.searchTextMaxChars,
      queryTimeoutMs: config.queryTimeoutMs,
      onMigration: (m) => onMigration(m.name),
    });
  }
  return SqliteStore.open({
    path: config.sqlitePath,
    synchronous: config.sqliteSynchronous,
    searchTextMaxChars: config.searchTextMaxChars,
    readerThreads: config.readerThreads,
    queryTimeoutMs: config.queryTimeoutMs,
    onMigration: (m) => onMigration(m.name),
  });
}

export async function startServer(config: HeronConfig): Promise<HeronServer> {
  const app = Fastify({
    logger: { level: config.logLevel },
    // Bodies of the REST API are small; OTLP routes set their own, larger limit.
    bodyLimit: 10 * 1024 * 1024,
    // On shutdown, idle keep-alive connections are closed at once; busy ones get
    // `connection: close` on their last response (see the onSend hook), so exit is not held up
    // by exporters' keep-alive sockets.
    forceCloseConnections: 'idle',
  });
  let shuttingDown = false;
  const store = await openStore(config, (name) => app.log.info(`applying migration ${name}`));
  const queue = new IngestQueue(store, config.limits);
  const ingester = new ExportIngester(queue, config.spanLimits);

  app.addHook('onSend', async (_request, reply) => {
    void reply.header(PHOENIX_VERSION_HEADER, PHOENIX_COMPATIBLE_VERSION);
    if (shuttingDown) void reply.header('connection', 'close');
  });
  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const status =
      error instanceof ApiError
        ? error.statusCode
        : error instanceof QueryTimeoutError
          ? 503
          : (error.statusCode ?? 500);
    if (status >= 500 && !(error instanceof QueryTimeoutError)) {
      request.log.error({ err: error }, 'request failed');
    }
    const expected = status < 500 || error instanceof QueryTimeoutError;
    void reply.code(status).send({
      statusCode: status,
      error: expected ? 'Request Error' : 'Internal Server Error',
      message: expected ? error.message : `Internal error: ${error.message}`,
    });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({
      statusCode: 404,
      error: 'Not Found',
      message: `No route for ${request.method} ${request.url}`,
    });
  });

  await registerOpenApi(app);
  registerOtlpHttpReceiver(app, ingester, config.limits);
  registerHealthRoutes(app, store);
  registerProjectRoutes(app, store);
  const filters = { dialect: store.dialect, limits: config.filterLimits };
  registerSpanRoutes(app, { store, queue, spanLimits: config.spanLimits, filters });
  registerSpanQueryRoutes(app, store, filters, { maxSpans: config.maxSpanQueryLimit });
  registerTraceRoutes(app, store, filters);
  registerSessionRoutes(app, store, filters);
  registerAnnotationRoutes(app, store, config.limits);

  let grpc: GrpcReceiver;
  try {
    await app.listen({ host: config.host, port: config.port });
    grpc = await startGrpcReceiver(config.host, config.grpcPort, ingester, config.limits);
  } catch (error) {
    await app.close();
    await store.close();
    throw error;
  }
  const address = app.server.address();
  const httpPort = typeof address === 'object' && address ? address.port : config.port;

  let closing: Promise<void> | undefined;
  return {
    app,
    store,
    queue,
    httpPort,
    grpcPort: grpc.port,
    close() {
      closing ??= (async () => {
        shuttingDown = true;
        // Receivers first (in-flight requests keep waiting for their commit), then the queue
        // drains, then the database closes.
        await Promise.all([app.close(), grpc.close(), queue.close()]);
        await store.close();
      })();
      return closing;
    },
  };
}
