/**
 * Connecting to PostgreSQL: pools whose sessions use Heron's schema, identifier quoting, and
 * connection errors a person can act on (the password never appears in a message).
 */
import pg from 'pg';

export const DEFAULT_DATABASE_SCHEMA = 'public';

/** How long a connection attempt may take before it counts as "the server does not answer". */
export const CONNECT_TIMEOUT_MS = 10_000;

export interface PostgresPoolOptions {
  url: string;
  /** Schema holding Heron's tables (HERON_SQL_DATABASE_SCHEMA). */
  schema?: string;
  /** Connections at most. */
  max?: number;
  applicationName?: string;
  /** Statements running longer are cancelled by the server (SQLSTATE 57014); unset = no limit. */
  statementTimeoutMs?: number;
  /** Told when an idle connection fails (the server restarted, say); the pool replaces it. */
  onIdleError?: (error: Error) => void;
}

/** A double-quoted SQL identifier (embedded quotes doubled). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * A pool whose every session has `search_path` = the schema, set at connection start (the
 * `options` startup parameter), so unqualified table names mean Heron's tables and no query
 * runs before it takes effect.
 */
export function createPostgresPool(options: PostgresPoolOptions): pg.Pool {
  const schema = options.schema ?? DEFAULT_DATABASE_SCHEMA;
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max ?? 10,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: options.applicationName ?? 'heron',
    // Backslash-escaped as the startup `options` syntax wants (the config restricts schema names
    // to identifier characters, so this is belt and braces).
    options:
      `-c search_path=${quoteIdent(schema).replace(/[\\\s]/g, (c) => `\\${c}`)}` +
      (options.statementTimeoutMs === undefined
        ? ''
        : ` -c statement_timeout=${Math.max(1, Math.round(options.statementTimeoutMs))}`),
  });
  // Without a listener, an idle connection's error would crash the process.
  pool.on('error', options.onIdleError ?? (() => {}));
  // A checked-out connection that breaks between two statements (PostgreSQL restarting mid
  // transaction) emits 'error' on its client, which would crash the process too; the statement
  // that follows fails instead, and the caller answers 503.
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

/** The URL with its password replaced by `***`, for messages and logs. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    for (const key of ['password', 'sslpassword']) {
      if (parsed.searchParams.has(key)) parsed.searchParams.set(key, '***');
    }
    return parsed.toString();
  } catch {
    return '(the database URL, which is not a valid URL)';
  }
}

/** True when PostgreSQL cancelled the statement because it passed `statement_timeout`. */
export function isStatementTimeout(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '57014';
}

/** SQLSTATE / errno codes that mean "this database cannot be reached or logged into". */
const CONNECT_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  '28000', // invalid_authorization_specification (no pg_hba.conf entry, unknown role)
  '28P01', // invalid_password
  '3D000', // invalid_catalog_name: the database does not exist
  '57P03', // cannot_connect_now: the server is starting up or shutting down
  '53300', // too_many_connections
]);

/** Thrown when the database cannot be reached or refuses the login. */
export class DatabaseConnectError extends Error {
  constructor(
    readonly redactedUrl: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot connect to PostgreSQL at ${redactedUrl}: ${reason}`, options);
    this.name = 'DatabaseConnectError';
  }
}

/** The error's own words, also for AggregateErrors (one per address tried) and timeouts. */
export function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return [...new Set(error.errors.map(describeError))].join('; ');
  }
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (error.message !== '') return error.message;
    if (code !== undefined) return code;
  }
  return String(error);
}

/** True for errors raised while connecting or logging in (as opposed to by a statement). */
export function isConnectError(error: unknown): boolean {
  if (error instanceof AggregateError) return error.errors.some(isConnectError);
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== undefined && CONNECT_ERROR_CODES.has(code)) return true;
  return /timeout expired|Connection terminated/i.test(error.message);
}

/** Opens one client (not pooled), turning connection failures into DatabaseConnectError. */
export async function connectClient(url: string): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'heron',
  });
  // An idle client whose server goes away emits 'error'; without a listener that would crash.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw new DatabaseConnectError(redactDatabaseUrl(url), describeError(error), { cause: error });
  }
  return client;
}
