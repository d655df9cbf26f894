import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, DEFAULT_INGEST_LIMITS, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('defaults to 127.0.0.1:6006, gRPC 4317 and ~/.heron/heron.db', () => {
    const config = loadConfig({}, {});
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.port, 6006);
    assert.equal(config.grpcPort, 4317);
    assert.equal(config.sqlitePath, join(homedir(), '.heron', 'heron.db'));
    assert.deepEqual(config.limits, DEFAULT_INGEST_LIMITS);
  });

  it('takes flags over HERON_* over PHOENIX_*', () => {
    const env = {
      HERON_PORT: '7000',
      PHOENIX_PORT: '8000',
      PHOENIX_GRPC_PORT: '9000',
      PHOENIX_WORKING_DIR: '/tmp/px',
    };
    const fromEnv = loadConfig({}, env);
    assert.equal(fromEnv.port, 7000);
    assert.equal(fromEnv.grpcPort, 9000);
    assert.equal(fromEnv.sqlitePath, '/tmp/px/heron.db');
    const fromFlags = loadConfig({ port: '7100', grpcPort: 7200, workingDir: '/tmp/h' }, env);
    assert.equal(fromFlags.port, 7100);
    assert.equal(fromFlags.grpcPort, 7200);
    assert.equal(fromFlags.workingDir, '/tmp/h');
  });

  it('reads every limit from its setting', () => {
    const config = loadConfig(
      {},
      {
        HERON_MAX_REQUEST_BYTES: '2048',
        HERON_MAX_DECOMPRESSED_BYTES: '4096',
        PHOENIX_MAX_SPANS_QUEUE_SIZE: '20000',
        HERON_MAX_BATCH_SPANS: '10',
        HERON_MAX_ATTRIBUTES_PER_SPAN: '64',
        HERON_MAX_ATTRIBUTE_VALUE_LENGTH: '100',
        HERON_MAX_ANNOTATIONS_PER_REQUEST: '500',
      },
    );
    assert.equal(config.limits.maxRequestBytes, 2048);
    assert.equal(config.limits.maxDecompressedBytes, 4096);
    assert.equal(config.limits.maxQueuedSpans, 20000);
    assert.equal(config.limits.maxBatchSpans, 10);
    assert.equal(config.spanLimits.maxAttributesPerSpan, 64);
    assert.equal(config.spanLimits.maxAttributeValueLength, 100);
    assert.equal(config.limits.maxAnnotationsPerRequest, 500);
  });

  it('commits one ingest batch at a time on SQLite, two on PostgreSQL, or as set', () => {
    assert.equal(loadConfig({}, {}).limits.maxConcurrentCommits, 1);
    const url = 'postgresql://heron@db:5432/heron';
    assert.equal(loadConfig({ databaseUrl: url }, {}).limits.maxConcurrentCommits, 2);
    assert.equal(
      loadConfig({ databaseUrl: url }, { HERON_MAX_CONCURRENT_COMMITS: '4' }).limits
        .maxConcurrentCommits,
      4,
    );
    assert.throws(
      () => loadConfig({}, { HERON_MAX_CONCURRENT_COMMITS: '0' }),
      /HERON_MAX_CONCURRENT_COMMITS/,
    );
  });

  it('says which setting is wrong', () => {
    assert.throws(
      () => loadConfig({}, { PHOENIX_PORT: 'tcp://10.0.0.1:6006' }),
      (e: Error) =>
        e instanceof ConfigError && /HERON_PORT/.test(e.message) && /tcp:\/\//.test(e.message),
    );
    assert.throws(() => loadConfig({}, { HERON_MAX_BATCH_SPANS: '0' }), /HERON_MAX_BATCH_SPANS/);
    assert.throws(() => loadConfig({}, { HERON_SQLITE_SYNCHRONOUS: 'OFF' }), /FULL or NORMAL/);
    assert.throws(
      () => loadConfig({}, { HERON_MAX_ANNOTATIONS_PER_REQUEST: '0' }),
      /HERON_MAX_ANNOTATIONS_PER_REQUEST/,
    );
  });

  it('reads the query settings', () => {
    const defaults = loadConfig({}, {});
    assert.equal(defaults.filterLimits.maxLength, 4096);
    assert.equal(defaults.maxSpanQueryLimit, 100_000);
    assert.equal(defaults.queryTimeoutMs, 30_000);
    assert.ok(defaults.readerThreads >= 2);
    const set = loadConfig(
      {},
      {
        HERON_MAX_FILTER_LENGTH: '100',
        HERON_MAX_SPAN_QUERY_LIMIT: '50',
        HERON_QUERY_TIMEOUT_SECONDS: '5',
        HERON_READER_THREADS: '3',
      },
    );
    assert.equal(set.filterLimits.maxLength, 100);
    assert.equal(set.maxSpanQueryLimit, 50);
    assert.equal(set.queryTimeoutMs, 5_000);
    assert.equal(set.readerThreads, 3);
    assert.throws(() => loadConfig({}, { HERON_READER_THREADS: '0' }), /HERON_READER_THREADS/);
  });

  it('reads the export page size and the evaluation summary bound', () => {
    const defaults = loadConfig({}, {});
    assert.equal(defaults.exportPageSpans, 5_000);
    assert.equal(defaults.maxSummaryAnnotations, 100_000);
    const set = loadConfig(
      {},
      { HERON_EXPORT_PAGE_SPANS: '2', PHOENIX_MAX_SUMMARY_ANNOTATIONS: '3' },
    );
    assert.equal(set.exportPageSpans, 2);
    assert.equal(set.maxSummaryAnnotations, 3);
    assert.throws(
      () => loadConfig({}, { HERON_EXPORT_PAGE_SPANS: '0' }),
      (e: unknown) => e instanceof ConfigError && /HERON_EXPORT_PAGE_SPANS/.test(e.message),
    );
    assert.throws(
      () => loadConfig({}, { HERON_MAX_SUMMARY_ANNOTATIONS: 'many' }),
      (e: unknown) => e instanceof ConfigError && /HERON_MAX_SUMMARY_ANNOTATIONS/.test(e.message),
    );
  });

  it('uses SQLite unless a PostgreSQL URL is given, and takes --database-url over HERON_ over PHOENIX_', () => {
    const sqlite = loadConfig({}, {});
    assert.equal(sqlite.databaseUrl, undefined);
    assert.equal(sqlite.databaseSchema, 'public');
    assert.equal(sqlite.readReplicaUrl, undefined);
    const env = {
      HERON_SQL_DATABASE_URL: 'postgresql://heron@db1/heron',
      PHOENIX_SQL_DATABASE_URL: 'postgresql://phoenix@db2/phoenix',
      PHOENIX_POSTGRES_HOST: 'db3',
      PHOENIX_POSTGRES_USER: 'parts',
    };
    assert.equal(loadConfig({}, env).databaseUrl, 'postgresql://heron@db1/heron');
    const { HERON_SQL_DATABASE_URL: _heron, ...phoenixOnly } = env;
    assert.equal(loadConfig({}, phoenixOnly).databaseUrl, 'postgresql://phoenix@db2/phoenix');
    assert.equal(
      loadConfig({ databaseUrl: 'postgres://flag@db0/x' }, env).databaseUrl,
      'postgres://flag@db0/x',
    );
  });

  it('builds the URL from the PHOENIX_POSTGRES_* parts, password encoded', () => {
    const url = loadConfig(
      {},
      {
        PHOENIX_POSTGRES_HOST: 'db.internal',
        PHOENIX_POSTGRES_PORT: '6543',
        PHOENIX_POSTGRES_USER: 'heron user',
        PHOENIX_POSTGRES_PASSWORD: 'p@ss:w/rd#%? +',
        PHOENIX_POSTGRES_DB: 'traces',
      },
    ).databaseUrl!;
    assert.equal(
      url,
      'postgresql://heron%20user:p%40ss%3Aw%2Frd%23%25%3F%20%2B@db.internal:6543/traces',
    );
    const parsed = new URL(url);
    assert.equal(decodeURIComponent(parsed.password), 'p@ss:w/rd#%? +');
    assert.equal(parsed.hostname, 'db.internal');
    assert.equal(parsed.port, '6543');
    // Host with a port (PHOENIX_POSTGRES_PORT wins when both are given); no password, no db.
    assert.equal(
      loadConfig({}, { PHOENIX_POSTGRES_HOST: 'db:5555', PHOENIX_POSTGRES_USER: 'u' }).databaseUrl,
      'postgresql://u@db:5555',
    );
    assert.equal(
      loadConfig(
        {},
        {
          PHOENIX_POSTGRES_HOST: 'db:5555',
          PHOENIX_POSTGRES_PORT: '7777',
          PHOENIX_POSTGRES_USER: 'u',
        },
      ).databaseUrl,
      'postgresql://u@db:7777',
    );
  });

  it('says what is missing or wrong in the database settings', () => {
    assert.throws(
      () => loadConfig({}, { PHOENIX_POSTGRES_HOST: 'db' }),
      (e: Error) => e instanceof ConfigError && /PHOENIX_POSTGRES_USER/.test(e.message),
    );
    assert.throws(
      () => loadConfig({}, { PHOENIX_POSTGRES_USER: 'u', PHOENIX_POSTGRES_PASSWORD: 'secret' }),
      (e: Error) => /PHOENIX_POSTGRES_HOST/.test(e.message) && !/secret/.test(e.message),
    );
    assert.throws(
      () =>
        loadConfig(
          {},
          { PHOENIX_POSTGRES_HOST: 'db', PHOENIX_POSTGRES_USER: 'u', PHOENIX_POSTGRES_PORT: 'x' },
        ),
      /PHOENIX_POSTGRES_PORT/,
    );
    assert.throws(
      () => loadConfig({}, { HERON_SQL_DATABASE_URL: 'mysql://u:secret@db/x' }),
      (e: Error) =>
        e instanceof ConfigError && /postgresql:\/\//.test(e.message) && !/secret/.test(e.message),
    );
    assert.throws(
      () => loadConfig({ databaseUrl: 'postgresql://[broken' }, {}),
      /--database-url is not a valid URL/,
    );
  });

  it('reads a sqlite:/// URL as the SQLite file (Phoenix deployments set one)', () => {
    const config = loadConfig({}, { PHOENIX_SQL_DATABASE_URL: 'sqlite:////data/phoenix.db' });
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.sqlitePath, '/data/phoenix.db');
  });

  it('reads the schema and the read replica URL', () => {
    const config = loadConfig(
      {},
      {
        HERON_SQL_DATABASE_URL: 'postgresql://db/heron',
        PHOENIX_SQL_DATABASE_SCHEMA: 'heron_data',
        HERON_SQL_DATABASE_READ_REPLICA_URL: 'postgresql://replica/heron',
      },
    );
    assert.equal(config.databaseSchema, 'heron_data');
    assert.equal(config.readReplicaUrl, 'postgresql://replica/heron');
    assert.throws(
      () => loadConfig({}, { HERON_SQL_DATABASE_SCHEMA: 'bad name; drop' }),
      /HERON_SQL_DATABASE_SCHEMA must be a plain schema name/,
    );
    assert.throws(
      () => loadConfig({}, { HERON_SQL_DATABASE_READ_REPLICA_URL: 'postgresql://replica/heron' }),
      /needs the primary/,
    );
    assert.throws(
      () =>
        loadConfig(
          {},
          {
            HERON_SQL_DATABASE_URL: 'postgresql://db/heron',
            HERON_SQL_DATABASE_READ_REPLICA_URL: 'replica:5432',
          },
        ),
      /READ_REPLICA_URL must be a postgresql:\/\/ URL/,
    );
  });
});
