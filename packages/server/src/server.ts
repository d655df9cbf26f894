/**
 * Assembles one Heron process: the store, the ingest queue, the OTLP receivers (HTTP and gRPC)
 * and the REST API, and shuts them down in the order that loses nothing.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { HeronConfig } from './config.js';
import { ApiError } from './api/api-error.js';
import { registerAnnotationRoutes } from './api/annotation-routes.js';
import { registerEvaluationSummaryRoutes } from './api/evaluation-summary-routes.js';
import { registerFilterHelpRoutes } from './api/filter-help-routes.js';
import { registerHealthRoutes } from './api/health-routes.js';
import { registerLiveRoutes } from './api/live-routes.js';
import { registerMetricsRoutes } from './api/metrics-routes.js';
import { registerOpenApi } from './api/openapi/openapi.js';
import { registerAuthApi, registerSecurity } from './auth/security-setup.js';
import { registerProjectRoutes } from './api/project-routes.js';
import { registerProjectClearRoutes } from './api/project-clear-routes.js';
import { registerRetentionRoutes } from './api/retention-routes.js';
import { registerSavedViewRoutes } from './api/saved-view-routes.js';
import { PHOENIX_COMPATIBLE_VERSION, PHOENIX_VERSION_HEADER } from './api/server-version.js';
import { registerSpanQueryRoutes } from './api/span-query-routes.js';
import { registerSpanRoutes } from './api/span-routes.js';
import { registerSessionRoutes } from './api/session-routes.js';
import { registerTraceRoutes } from './api/trace-routes.js';
import { registerTraceViewRoutes } from './api/trace-view-routes.js';
import { registerLegacyEvaluationRoutes } from './api/legacy-evaluation-routes.js';
import { registerExportRoutes } from './export/export-routes.js';
import { registerModelPriceRoutes } from './api/model-price-routes.js';
import { CostRecomputeJobs } from './store/cost-recompute-jobs.js';
import { registerUiRoutes } from './api/ui-routes.js';
import { ExportIngester } from './ingest/export-ingester.js';
import { IngestQueue } from './ingest/ingest-queue.js';
import { startGrpcReceiver, type GrpcReceiver } from './otlp/grpc-receiver.js';
import { registerOtlpHttpReceiver } from './otlp/http-receiver.js';
import type { ChangeFeed } from './live/change-feed.js';
import { InProcessChangeFeed } from './live/in-process-change-feed.js';
import { PostgresChangeFeed } from './live/postgres-change-feed.js';
import type { StoreChangeSink } from './store/store-change.js';
import { defaultRetentionPolicy } from './retention/retention-settings.js';
import { RetentionSweeper } from './retention/retention-sweeper.js';
import { QueryTimeoutError } from './store/query-timeout-error.js';
import {
  databaseUnavailableMessage,
  isDatabaseUnavailable,
} from './observability/database-unavailable.js';
import {
  postgresDatabaseSize,
  sqliteDatabaseSize,
  type DatabaseSize,
} from './observability/database-size.js';
import { HeronMetrics } from './observability/heron-metrics.js';
import { loggerOptions } from './observability/logger-options.js';
import {
  instrumentHttp,
  registerMetricsRoute,
  startMetricsServer,
} from './observability/metrics-endpoint.js';
import { requestIdOf } from './observability/request-id.js';
import { PostgresStore } from './store/postgres/postgres-store.js';
import { SqliteStore } from './store/sqlite/sqlite-store.js';
import type { Store } from './store/store.js';

export interface HeronServer {
  app: FastifyInstance;
  store: Store;
  queue: IngestQueue;
  httpPort: number;
  grpcPort: number;
  /** Where GET /metrics answers (the HTTP port unless HERON_METRICS_PORT is set). */
  metricsPort: number;
  metrics: HeronMetrics;
  /** HTTP requests received and not yet answered (what a slow shutdown is waiting for). */
  inFlightRequests(): number;
  /** Stops accepting, commits everything already queued, closes the database. */
  close(): Promise<void>;
}

/** PostgreSQL when a database URL is configured, else the SQLite file in the working directory. */
async function openStore(
  config: HeronConfig,
  onMigration: (name: string) => void,
  changes: StoreChangeSink,
  onBackgroundError: (error: unknown) => void,
): Promise<Store> {
  if (config.databaseUrl !== undefined) {
    return PostgresStore.open({
      url: config.databaseUrl,
      schema: config.databaseSchema,
      readReplicaUrl: config.readReplicaUrl,
      searchTextMaxChars: config.searchTextMaxChars,
      queryTimeoutMs: config.queryTimeoutMs,
      onMigration: (m) => onMigration(m.name),
      onBackgroundError,
    });
  }
  return SqliteStore.open({
    path: config.sqlitePath,
    synchronous: config.sqliteSynchronous,
    searchTextMaxChars: config.searchTextMaxChars,
    readerThreads: config.readerThreads,
    queryTimeoutMs: config.queryTimeoutMs,
    onMigration: (m) => onMigration(m.name),
    changes,
    maxBatchSpans: config.limits.maxBatchSpans,
  });
}

export async function startServer(config: HeronConfig): Promise<HeronServer> {
  const app = Fastify({
    logger: loggerOptions(config.logLevel, config.observability.logFormat),
    // Every log line of a request carries this id; a client's own x-request-id is kept.
    genReqId: requestIdOf,
    // Bodies of the REST API are small; OTLP routes set their own, larger limit.
    bodyLimit: 10 * 1024 * 1024,
    // HERON_TLS_CERT_FILE / HERON_TLS_KEY_FILE: https instead of http (gRPC too).
    ...(config.auth.tls === undefined
      ? {}
      : { https: { cert: config.auth.tls.cert, key: config.auth.tls.key } }),
    // On shutdown, idle keep-alive connections are closed at once; busy ones get
    // `connection: close` on their last response (see the onSend hook), so exit is not held up
    // by exporters' keep-alive sockets.
    forceCloseConnections: 'idle',
  });
  let shuttingDown = false;
  // Live updates: SQLite reports its commits in process; on PostgreSQL every node's writes
  // NOTIFY and this node LISTENs (live/change-feed.ts).
  const localChanges = new InProcessChangeFeed((error) =>
    app.log.warn({ err: error }, 'live updates: a listener failed'),
  );
  const store = await openStore(
    config,
    (name) => app.log.info(`applying migration ${name}`),
    localChanges,
    (error) => app.log.warn({ err: error }, 'search indexing failed; it will try again'),
  );
  const changeFeed: ChangeFeed =
    config.databaseUrl === undefined
      ? localChanges
      : await PostgresChangeFeed.start({
          url: config.databaseUrl,
          schema: config.databaseSchema,
          log: app.log,
        });
  const databaseSize: DatabaseSize =
    config.databaseUrl === undefined
      ? sqliteDatabaseSize(config.sqlitePath, config.observability.databaseSizeCacheMs)
      : postgresDatabaseSize(
          config.databaseUrl,
          config.databaseSchema,
          config.observability.databaseSizeCacheMs,
        );
  const metrics: HeronMetrics = new HeronMetrics({
    queuedSpans: (): number => queue.stats.queuedSpans,
    databaseBytes: () => databaseSize.bytes(),
  });
  const queue: IngestQueue = new IngestQueue(store, config.limits, metrics);
  const costJobs = new CostRecomputeJobs(store.prices, config.costRecomputeBatchSpans);
  const ingester = new ExportIngester(queue, config.spanLimits, metrics);
  const retentionDefault = defaultRetentionPolicy(config.retention);
  const sweeper = new RetentionSweeper(store, {
    intervalMs: config.retention.sweepIntervalSeconds * 1000,
    batchTraces: config.retention.sweepBatchTraces,
    defaultPolicy: retentionDefault,
    log: app.log,
  });

  app.addHook('onSend', async (_request, reply) => {
    void reply.header(PHOENIX_VERSION_HEADER, PHOENIX_COMPATIBLE_VERSION);
    if (shuttingDown) void reply.header('connection', 'close');
  });
  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    // An outage, not a bug: tell the client to come back (the store recovers by itself).
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable');
      void reply.header('retry-after', String(config.limits.retryAfterSeconds));
      void reply.code(503).send({
        statusCode: 503,
        error: 'Service Unavailable',
        message: databaseUnavailableMessage(error),
      });
      return;
    }
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

  const inFlightRequests = instrumentHttp(app, metrics);
  // Before any route: the access check, CORS and rate limits attach to every route.
  const security = await registerSecurity(app, store, config.auth);
  await registerOpenApi(app);
  registerAuthApi(app, store, config.auth, security);
  if (config.observability.metricsPort === undefined) registerMetricsRoute(app, metrics);
  registerOtlpHttpReceiver(app, ingester, config.limits);
  registerHealthRoutes(app, store);
  registerProjectRoutes(app, store);
  const filters = { dialect: store.dialect, limits: config.filterLimits };
  registerSpanRoutes(app, { store, queue, spanLimits: config.spanLimits, filters });
  registerSpanQueryRoutes(app, store, filters, { maxSpans: config.maxSpanQueryLimit });
  registerTraceRoutes(app, store, filters);
  registerTraceViewRoutes(app, store);
  registerExportRoutes(app, store, filters, { pageSpans: config.exportPageSpans });
  registerLegacyEvaluationRoutes(app, store, config.limits);
  registerModelPriceRoutes(app, store, costJobs);
  registerSessionRoutes(app, store, filters);
  registerAnnotationRoutes(app, store, config.limits);
  registerEvaluationSummaryRoutes(app, store, {
    maxSummaryAnnotations: config.maxSummaryAnnotations,
  });
  registerMetricsRoutes(app, store, config.uiApi);
  registerSavedViewRoutes(app, store, {
    dialect: store.dialect,
    filterLimits: config.filterLimits,
    limits: config.uiApi,
  });
  registerFilterHelpRoutes(app, store, { filters, limits: config.uiApi });
  registerLiveRoutes(app, { store, feed: changeFeed, settings: config.live });
  registerRetentionRoutes(app, { store, sweeper, defaultPolicy: retentionDefault });
  registerProjectClearRoutes(app, {
    store,
    batchTraces: config.retention.sweepBatchTraces,
  });
  await registerUiRoutes(app);

  let grpc: GrpcReceiver;
  let metricsServer: { port: number; close(): Promise<void> } | undefined;
  try {
    await app.listen({ host: config.host, port: config.port });
    grpc = await startGrpcReceiver(config.host, config.grpcPort, ingester, config.limits, {
      authenticator: security.authenticator,
      ...(config.auth.tls === undefined ? {} : { tls: config.auth.tls }),
    });
    if (config.observability.metricsPort !== undefined) {
      metricsServer = await startMetricsServer(
        config.host,
        config.observability.metricsPort,
        metrics,
      );
    }
  } catch (error) {
    await app.close();
    await databaseSize.close();
    await changeFeed.close();
    await store.close();
    throw error;
  }
  sweeper.start();
  const address = app.server.address();
  const httpPort = typeof address === 'object' && address ? address.port : config.port;

  let closing: Promise<void> | undefined;
  return {
    app,
    store,
    queue,
    httpPort,
    grpcPort: grpc.port,
    metricsPort: metricsServer?.port ?? httpPort,
    metrics,
    inFlightRequests,
    close() {
      closing ??= (async () => {
        shuttingDown = true;
        // Receivers first (in-flight requests keep waiting for their commit), then the queue
        // drains, then the database closes.
        // The retention sweeper stops after the batch it is running.
        await Promise.all([app.close(), grpc.close(), queue.close(), sweeper.close()]);
        // A cost recompute stops after its current batch (see cost-recompute-jobs.ts).
        await costJobs.stop();
        await changeFeed.close();
        await metricsServer?.close();
        await databaseSize.close();
        await store.close();
      })();
      return closing;
    },
  };
}
