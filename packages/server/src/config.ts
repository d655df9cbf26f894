/**
 * Server configuration: command-line flags > HERON_* environment variables > PHOENIX_* aliases
 * (so a Phoenix deployment's environment works unchanged) > defaults.
 *
 * Every limit the server enforces is here, with its default and its setting.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_SPAN_LIMITS, type SpanLimits } from './spans/span-limits.js';
import { DEFAULT_SEARCH_TEXT_MAX_CHARS } from './spans/span-search-text.js';
import { DEFAULT_FILTER_LIMITS, type FilterLimits } from './query/filter-limits.js';
import { DEFAULT_MAX_SPAN_QUERY_LIMIT } from './query/span-query.js';
import { DEFAULT_EXPORT_PAGE_SPANS } from './export/export-span-pages.js';
import { DEFAULT_MAX_SUMMARY_ANNOTATIONS } from './store/evaluation-summary.js';
import { DEFAULT_COST_RECOMPUTE_BATCH_SPANS } from './store/cost-recompute-jobs.js';
import { DEFAULT_QUERY_TIMEOUT_MS, DEFAULT_READER_THREADS } from './store/sqlite/sqlite-store.js';
import { DEFAULT_UI_API_LIMITS, type UiApiLimits } from './api/ui-api-limits.js';
import { DEFAULT_LIVE_SETTINGS, type LiveSettings } from './live/live-settings.js';
import { authSettings, type AuthSettings } from './auth/auth-settings.js';
import {
  DEFAULT_OBSERVABILITY_SETTINGS,
  LOG_FORMATS,
  type LogFormat,
  type ObservabilitySettings,
} from './observability/observability-settings.js';
import {
  DEFAULT_RETENTION_SETTINGS,
  MAX_RETENTION_DAYS,
  type RetentionSettings,
} from './retention/retention-settings.js';

export interface HeronConfig {
  host: string;
  port: number;
  grpcPort: number;
  /** Where the SQLite database (heron.db) and other local state live. */
  workingDir: string;
  /** Path of the SQLite database file. */
  sqlitePath: string;
  /** `FULL` makes every acknowledged batch survive power loss; `NORMAL` survives process crashes only. */
  sqliteSynchronous: 'FULL' | 'NORMAL';
  /** PostgreSQL URL (`postgresql://…`); undefined means SQLite in `workingDir`. */
  databaseUrl?: string;
  /** PostgreSQL schema holding Heron's tables. */
  databaseSchema: string;
  /** Optional PostgreSQL read replica for read endpoints. */
  readReplicaUrl?: string;
  limits: IngestLimits;
  spanLimits: SpanLimits;
  /** Characters of each span's input and output text kept for full-text search. */
  searchTextMaxChars: number;
  /** Bounds on filter-language expressions. */
  filterLimits: FilterLimits;
  /** Most spans one span query (POST /v1/spans) may return. */
  maxSpanQueryLimit: number;
  /** Spans read per page by an export (CLI and UI download); also the Parquet row-group size. */
  exportPageSpans: number;
  /** Document annotations an evaluation summary reads at most; beyond it the answer is 422. */
  maxSummaryAnnotations: number;
  /** Span rows per transaction of a cost recompute job. */
  costRecomputeBatchSpans: number;
  /** Threads that run long reads (lists, searches, filters, summaries). */
  readerThreads: number;
  /** A read running longer than this (ms) is stopped and answered 503. */
  queryTimeoutMs: number;
  /** Bounds on the web UI's endpoints: saved views, metrics, filter suggestions. */
  uiApi: UiApiLimits;
  /** Default retention policy and the sweeper's pace. */
  retention: RetentionSettings;
  /** Live updates (SSE): client limit, ping, coalescing, per-client buffer. */
  live: LiveSettings;
  /** Authentication, CORS, TLS and rate limits (auth/auth-settings.ts). */
  auth: AuthSettings;
  logLevel: string;
  /** Log format, the metrics port, the shutdown deadline. */
  observability: ObservabilitySettings;
}

export interface IngestLimits {
  /** Largest compressed request body accepted on /v1/traces and gRPC (bytes). */
  maxRequestBytes: number;
  /** Largest body after gzip/deflate decompression (bytes); a larger one gets 413. */
  maxDecompressedBytes: number;
  /** Spans waiting for commit; beyond this new requests get 503 + Retry-After. */
  maxQueuedSpans: number;
  /** Spans committed in one transaction at most (group commit size). */
  maxBatchSpans: number;
  /**
   * Ingest batches committing at once: 2 on PostgreSQL (the next batch is prepared while the
   * database writes one), 1 on SQLite (one writer).
   */
  maxConcurrentCommits: number;
  /** Seconds suggested to clients in Retry-After when the queue is full. */
  retryAfterSeconds: number;
  /** Annotations in one POST /v1/*_annotations request; more get 413. */
  maxAnnotationsPerRequest: number;
}

export const DEFAULT_INGEST_LIMITS: IngestLimits = {
  maxRequestBytes: 32 * 1024 * 1024,
  maxDecompressedBytes: 128 * 1024 * 1024,
  maxQueuedSpans: 20_000,
  maxBatchSpans: 5_000,
  maxConcurrentCommits: 1,
  retryAfterSeconds: 1,
  maxAnnotationsPerRequest: 10_000,
};

/** Ingest batches committing at once on PostgreSQL unless HERON_MAX_CONCURRENT_COMMITS says. */
export const POSTGRES_CONCURRENT_COMMITS = 2;

/** Flags as parsed by the CLI; undefined means "not given". */
export interface ConfigFlags {
  host?: string;
  port?: string | number;
  grpcPort?: string | number;
  workingDir?: string;
  databaseUrl?: string;
}

type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Reads HERON_<name>, then PHOENIX_<name>. */
function fromEnv(env: Env, name: string): string | undefined {
  const value = env[`HERON_${name}`] ?? env[`PHOENIX_${name}`];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function parseInteger(
  raw: string | number | undefined,
  what: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined) return fallback;
  const value = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${what} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

const POSTGRES_URL = /^postgres(?:ql)?:\/\//i;
/** Unquoted-identifier characters only, at most PostgreSQL's 63. */
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;

/**
 * The database: `--database-url`, else HERON_/PHOENIX_SQL_DATABASE_URL, else a PostgreSQL URL
 * built from the HERON_/PHOENIX_POSTGRES_{HOST,PORT,USER,PASSWORD,DB} parts, as Phoenix does.
 * A `sqlite:///path` URL (Phoenix's SQLAlchemy form) names the SQLite file instead.
 */
function databaseSettings(
  flags: ConfigFlags,
  env: Env,
  workingDir: string,
): { databaseUrl?: string; sqlitePath: string } {
  const given = flags.databaseUrl?.trim() || fromEnv(env, 'SQL_DATABASE_URL');
  const what = flags.databaseUrl
    ? '--database-url'
    : 'HERON_SQL_DATABASE_URL / PHOENIX_SQL_DATABASE_URL';
  const sqlitePath = join(workingDir, 'heron.db');
  if (given === undefined) {
    const built = postgresUrlFromParts(env);
    return built === undefined ? { sqlitePath } : { databaseUrl: built, sqlitePath };
  }
  if (POSTGRES_URL.test(given)) {
    try {
      new URL(given);
    } catch {
      throw new ConfigError(
        `${what} is not a valid URL: expected postgresql://user:password@host:port/database`,
      );
    }
    return { databaseUrl: given, sqlitePath };
  }
  // SQLAlchemy's forms: sqlite:///relative/to/cwd.db, sqlite:////absolute.db
  const sqlite = /^sqlite:\/\/\/([^?]+)/i.exec(given);
  if (sqlite) return { sqlitePath: resolve(sqlite[1]!) };
  throw new ConfigError(
    `${what} must be a postgresql:// URL (or sqlite:///path), got "${given.split(':')[0]}:…"; ` +
      'leave it unset to use SQLite in the working directory',
  );
}

function postgresUrlFromParts(env: Env): string | undefined {
  let host = fromEnv(env, 'POSTGRES_HOST');
  const user = fromEnv(env, 'POSTGRES_USER');
  const password = fromEnv(env, 'POSTGRES_PASSWORD');
  let port = fromEnv(env, 'POSTGRES_PORT');
  const db = fromEnv(env, 'POSTGRES_DB');
  if (host === undefined) {
    if (user !== undefined || password !== undefined || port !== undefined || db !== undefined) {
      throw new ConfigError(
        'PHOENIX_POSTGRES_USER/PASSWORD/PORT/DB are set but PHOENIX_POSTGRES_HOST is not: ' +
          'set the host too (or give the whole URL in HERON_SQL_DATABASE_URL)',
      );
    }
    return undefined;
  }
  if (user === undefined) {
    throw new ConfigError(
      'PHOENIX_POSTGRES_HOST is set but PHOENIX_POSTGRES_USER is not: set the user too ' +
        '(or give the whole URL in HERON_SQL_DATABASE_URL)',
    );
  }
  // "host:port" is accepted; PHOENIX_POSTGRES_PORT wins over a port in the host.
  const hostPort = /^(.*):(\d+)$/.exec(host);
  if (hostPort && !host.startsWith('[')) {
    host = hostPort[1]!;
    port ??= hostPort[2];
  }
  if (port !== undefined) parseInteger(port, 'PHOENIX_POSTGRES_PORT', 5432, 1, 65535);
  const auth =
    encodeURIComponent(user) + (password === undefined ? '' : `:${encodeURIComponent(password)}`);
  return (
    `postgresql://${auth}@${host}${port === undefined ? '' : `:${port}`}` +
    (db === undefined ? '' : `/${encodeURIComponent(db)}`)
  );
}

/** Phoenix's name for the default policy is accepted too. */
function retentionSettings(env: Env): RetentionSettings {
  const d = DEFAULT_RETENTION_SETTINGS;
  return {
    defaultRetentionDays: parseInteger(
      fromEnv(env, 'DEFAULT_RETENTION_DAYS') ?? fromEnv(env, 'DEFAULT_RETENTION_POLICY_DAYS'),
      'HERON_DEFAULT_RETENTION_DAYS (days; 0 keeps traces forever)',
      d.defaultRetentionDays,
      0,
      MAX_RETENTION_DAYS,
    ),
    sweepIntervalSeconds: parseInteger(
      fromEnv(env, 'RETENTION_SWEEP_INTERVAL_SECONDS'),
      'HERON_RETENTION_SWEEP_INTERVAL_SECONDS',
      d.sweepIntervalSeconds,
      1,
      7 * 86_400,
    ),
    sweepBatchTraces: parseInteger(
      fromEnv(env, 'RETENTION_SWEEP_BATCH_TRACES'),
      'HERON_RETENTION_SWEEP_BATCH_TRACES',
      d.sweepBatchTraces,
      1,
      1_000_000,
    ),
  };
}

function liveSettings(env: Env): LiveSettings {
  const d = DEFAULT_LIVE_SETTINGS;
  const setting = (name: string, fallback: number, min: number, max: number) =>
    parseInteger(fromEnv(env, name), `HERON_${name}`, fallback, min, max);
  return {
    maxClients: setting('LIVE_MAX_CLIENTS', d.maxClients, 0, 1_000_000),
    pingSeconds: setting('LIVE_PING_SECONDS', d.pingSeconds, 1, 3600),
    coalesceMs: setting('LIVE_COALESCE_MS', d.coalesceMs, 0, 60_000),
    maxTraceIds: setting('LIVE_MAX_TRACE_IDS', d.maxTraceIds, 1, 10_000),
    maxBufferedBytes: setting('LIVE_MAX_BUFFERED_BYTES', d.maxBufferedBytes, 1024, 2 ** 30),
  };
}

function observabilitySettings(env: Env, mainPort: number): ObservabilitySettings {
  const d = DEFAULT_OBSERVABILITY_SETTINGS;
  const format = fromEnv(env, 'LOG_FORMAT') ?? d.logFormat;
  if (!LOG_FORMATS.includes(format as LogFormat)) {
    throw new ConfigError(
      `HERON_LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')}, got "${format}"`,
    );
  }
  const rawMetricsPort = fromEnv(env, 'METRICS_PORT');
  const metricsPort =
    rawMetricsPort === undefined
      ? undefined
      : parseInteger(rawMetricsPort, 'HERON_METRICS_PORT', 0, 0, 65535);
  if (metricsPort !== undefined && metricsPort !== 0 && metricsPort === mainPort) {
    throw new ConfigError(
      `HERON_METRICS_PORT (${metricsPort}) is the main HTTP port; leave it unset to serve ` +
        '/metrics there, or pick another port',
    );
  }
  return {
    logFormat: format as LogFormat,
    ...(metricsPort === undefined ? {} : { metricsPort }),
    shutdownTimeoutSeconds: parseInteger(
      fromEnv(env, 'SHUTDOWN_TIMEOUT_SECONDS'),
      'HERON_SHUTDOWN_TIMEOUT_SECONDS',
      d.shutdownTimeoutSeconds,
      1,
      86_400,
    ),
    databaseSizeCacheMs: d.databaseSizeCacheMs,
  };
}

function uiApiLimits(env: Env): UiApiLimits {
  const d = DEFAULT_UI_API_LIMITS;
  const setting = (name: string, fallback: number, max: number) =>
    parseInteger(fromEnv(env, name), `HERON_${name}`, fallback, 1, max);
  return {
    maxSavedViewsPerProject: setting(
      'MAX_SAVED_VIEWS_PER_PROJECT',
      d.maxSavedViewsPerProject,
      100_000,
    ),
    maxSavedViewNameLength: setting('MAX_SAVED_VIEW_NAME_LENGTH', d.maxSavedViewNameLength, 10_000),
    maxSavedViewColumns: setting('MAX_SAVED_VIEW_COLUMNS', d.maxSavedViewColumns, 10_000),
    maxMetricsBuckets: setting('MAX_METRICS_BUCKETS', d.maxMetricsBuckets, 1_000_000),
    filterSuggestionSampleSpans: setting(
      'FILTER_SUGGESTION_SAMPLE_SPANS',
      d.filterSuggestionSampleSpans,
      1_000_000,
    ),
    maxFilterSuggestions: setting('MAX_FILTER_SUGGESTIONS', d.maxFilterSuggestions, 1_000_000),
  };
}

export function loadConfig(flags: ConfigFlags = {}, env: Env = process.env): HeronConfig {
  const workingDir = flags.workingDir ?? fromEnv(env, 'WORKING_DIR') ?? join(homedir(), '.heron');
  const { databaseUrl, sqlitePath } = databaseSettings(flags, env, workingDir);
  const databaseSchema = fromEnv(env, 'SQL_DATABASE_SCHEMA') ?? 'public';
  if (!SCHEMA_NAME.test(databaseSchema)) {
    throw new ConfigError(
      `HERON_SQL_DATABASE_SCHEMA must be a plain schema name (letters, digits, _ and $, not ` +
        `starting with a digit, at most 63 characters), got "${databaseSchema}"`,
    );
  }
  const readReplicaUrl = fromEnv(env, 'SQL_DATABASE_READ_REPLICA_URL');
  if (readReplicaUrl !== undefined) {
    if (!POSTGRES_URL.test(readReplicaUrl)) {
      throw new ConfigError('HERON_SQL_DATABASE_READ_REPLICA_URL must be a postgresql:// URL');
    }
    if (databaseUrl === undefined) {
      throw new ConfigError(
        'HERON_SQL_DATABASE_READ_REPLICA_URL is set but no PostgreSQL database is: a read ' +
          'replica needs the primary (--database-url or HERON_SQL_DATABASE_URL)',
      );
    }
  }
  const port = parseInteger(
    flags.port ?? fromEnv(env, 'PORT'),
    'port (--port, HERON_PORT)',
    6006,
    0,
    65535,
  );
  const grpcPort = parseInteger(
    flags.grpcPort ?? fromEnv(env, 'GRPC_PORT'),
    'gRPC port (--grpc-port, HERON_GRPC_PORT)',
    4317,
    0,
    65535,
  );
  const synchronous = (fromEnv(env, 'SQLITE_SYNCHRONOUS') ?? 'FULL').toUpperCase();
  if (synchronous !== 'FULL' && synchronous !== 'NORMAL') {
    throw new ConfigError(`HERON_SQLITE_SYNCHRONOUS must be FULL or NORMAL, got "${synchronous}"`);
  }
  const d = DEFAULT_INGEST_LIMITS;
  const limits: IngestLimits = {
    maxRequestBytes: parseInteger(
      fromEnv(env, 'MAX_REQUEST_BYTES'),
      'HERON_MAX_REQUEST_BYTES',
      d.maxRequestBytes,
      1024,
      2 ** 31 - 1,
    ),
    maxDecompressedBytes: parseInteger(
      fromEnv(env, 'MAX_DECOMPRESSED_BYTES'),
      'HERON_MAX_DECOMPRESSED_BYTES',
      d.maxDecompressedBytes,
      1024,
      2 ** 31 - 1,
    ),
    maxQueuedSpans: parseInteger(
      fromEnv(env, 'MAX_SPANS_QUEUE_SIZE'),
      'HERON_MAX_SPANS_QUEUE_SIZE',
      d.maxQueuedSpans,
      1,
      10_000_000,
    ),
    maxBatchSpans: parseInteger(
      fromEnv(env, 'MAX_BATCH_SPANS'),
      'HERON_MAX_BATCH_SPANS',
      d.maxBatchSpans,
      1,
      1_000_000,
    ),
    maxConcurrentCommits: parseInteger(
      fromEnv(env, 'MAX_CONCURRENT_COMMITS'),
      'HERON_MAX_CONCURRENT_COMMITS',
      databaseUrl === undefined ? d.maxConcurrentCommits : POSTGRES_CONCURRENT_COMMITS,
      1,
      64,
    ),
    retryAfterSeconds: parseInteger(
      fromEnv(env, 'RETRY_AFTER_SECONDS'),
      'HERON_RETRY_AFTER_SECONDS',
      d.retryAfterSeconds,
      1,
      3600,
    ),
    maxAnnotationsPerRequest: parseInteger(
      fromEnv(env, 'MAX_ANNOTATIONS_PER_REQUEST'),
      'HERON_MAX_ANNOTATIONS_PER_REQUEST',
      d.maxAnnotationsPerRequest,
      1,
      1_000_000,
    ),
  };
  const s = DEFAULT_SPAN_LIMITS;
  const spanLimits: SpanLimits = {
    maxAttributesPerSpan: parseInteger(
      fromEnv(env, 'MAX_ATTRIBUTES_PER_SPAN'),
      'HERON_MAX_ATTRIBUTES_PER_SPAN',
      s.maxAttributesPerSpan,
      1,
      1_000_000,
    ),
    maxAttributeValueLength: parseInteger(
      fromEnv(env, 'MAX_ATTRIBUTE_VALUE_LENGTH'),
      'HERON_MAX_ATTRIBUTE_VALUE_LENGTH',
      s.maxAttributeValueLength,
      16,
      2 ** 30,
    ),
  };
  return {
    host: flags.host ?? fromEnv(env, 'HOST') ?? '127.0.0.1',
    port,
    grpcPort,
    workingDir,
    sqlitePath,
    sqliteSynchronous: synchronous,
    ...(databaseUrl === undefined ? {} : { databaseUrl }),
    databaseSchema,
    ...(readReplicaUrl === undefined ? {} : { readReplicaUrl }),
    limits,
    spanLimits,
    searchTextMaxChars: parseInteger(
      fromEnv(env, 'SEARCH_TEXT_MAX_CHARS'),
      'HERON_SEARCH_TEXT_MAX_CHARS',
      DEFAULT_SEARCH_TEXT_MAX_CHARS,
      0,
      2 ** 30,
    ),
    filterLimits: {
      ...DEFAULT_FILTER_LIMITS,
      maxLength: parseInteger(
        fromEnv(env, 'MAX_FILTER_LENGTH'),
        'HERON_MAX_FILTER_LENGTH',
        DEFAULT_FILTER_LIMITS.maxLength,
        1,
        1_000_000,
      ),
    },
    maxSpanQueryLimit: parseInteger(
      fromEnv(env, 'MAX_SPAN_QUERY_LIMIT'),
      'HERON_MAX_SPAN_QUERY_LIMIT',
      DEFAULT_MAX_SPAN_QUERY_LIMIT,
      1,
      10_000_000,
    ),
    exportPageSpans: parseInteger(
      fromEnv(env, 'EXPORT_PAGE_SPANS'),
      'HERON_EXPORT_PAGE_SPANS',
      DEFAULT_EXPORT_PAGE_SPANS,
      1,
      1_000_000,
    ),
    maxSummaryAnnotations: parseInteger(
      fromEnv(env, 'MAX_SUMMARY_ANNOTATIONS'),
      'HERON_MAX_SUMMARY_ANNOTATIONS',
      DEFAULT_MAX_SUMMARY_ANNOTATIONS,
      1,
      100_000_000,
    ),
    costRecomputeBatchSpans: parseInteger(
      fromEnv(env, 'COST_RECOMPUTE_BATCH_SPANS'),
      'HERON_COST_RECOMPUTE_BATCH_SPANS',
      DEFAULT_COST_RECOMPUTE_BATCH_SPANS,
      1,
      1_000_000,
    ),
    readerThreads: parseInteger(
      fromEnv(env, 'READER_THREADS'),
      'HERON_READER_THREADS',
      DEFAULT_READER_THREADS,
      1,
      64,
    ),
    queryTimeoutMs:
      parseInteger(
        fromEnv(env, 'QUERY_TIMEOUT_SECONDS'),
        'HERON_QUERY_TIMEOUT_SECONDS',
        DEFAULT_QUERY_TIMEOUT_MS / 1000,
        1,
        86_400,
      ) * 1000,
    retention: retentionSettings(env),
    live: liveSettings(env),
    uiApi: uiApiLimits(env),
    logLevel: fromEnv(env, 'LOG_LEVEL') ?? 'info',
    auth: authSettings(env),
    observability: observabilitySettings(env, port),
  };
}
