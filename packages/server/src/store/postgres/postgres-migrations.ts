/**
 * Versioned schema migrations for PostgreSQL: numbered `.sql` files in `migrations/`, applied in
 * order, each in its own transaction, recorded in `<schema>.heron_migrations`.
 *
 * Safe when several nodes start at once: the whole run holds a session-level advisory lock with
 * a fixed key, so one node migrates while the others wait, then find nothing left to apply. The
 * lock is the server's, so it is released even if the migrating process dies.
 */
import type pg from 'pg';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Migration } from '../sqlite/sqlite-migrations.js';
import {
  connectClient,
  DEFAULT_DATABASE_SCHEMA,
  describeError,
  quoteIdent,
} from './postgres-connection.js';

export type { Migration };

const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/**
 * The advisory lock key of a migration run: "heronmig" in ASCII as a bigint. One key for every
 * schema of a database, because pg_trgm (created on the first run) is shared by all of them.
 */
export const MIGRATION_LOCK_KEY = '7522525925009304935';

export interface PostgresMigrateOptions {
  /** Schema that holds (or will hold) Heron's tables; created if missing. Default `public`. */
  schema?: string;
  /** Told about each migration just before it is applied (progress for the CLI and the log). */
  onApply?: (migration: Migration) => void;
  /** Told when another process holds the migration lock and this run waits for it. */
  onWait?: () => void;
}

/** A migration (or the preparation before them) failed; nothing of that migration remains. */
export class PostgresMigrationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PostgresMigrationError';
  }
}

export function listPostgresMigrations(): Migration[] {
  return readdirSync(migrationsDir)
    .filter((file) => /^\d{4}-.+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 4)),
      name: file.replace(/\.sql$/, ''),
      sql: readFileSync(join(migrationsDir, file), 'utf8'),
    }));
}

/**
 * Applies pending migrations to the database at `url`; resolves with those it applied (none
 * when the schema is up to date). Connection failures reject with DatabaseConnectError.
 */
export async function migratePostgres(
  url: string,
  options: PostgresMigrateOptions = {},
): Promise<Migration[]> {
  const schema = options.schema ?? DEFAULT_DATABASE_SCHEMA;
  const client = await connectClient(url);
  try {
    const { rows } = await client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock($1::bigint) AS locked',
      [MIGRATION_LOCK_KEY],
    );
    if (!rows[0]?.locked) {
      options.onWait?.();
      await client.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
    }
    try {
      return await migrateLocked(client, schema, options);
    } finally {
      // If the connection broke, the server has released the lock already.
      await client
        .query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY])
        .catch(() => {});
    }
  } finally {
    await client.end().catch(() => {});
  }
}

async function migrateLocked(
  client: pg.Client,
  schema: string,
  options: PostgresMigrateOptions,
): Promise<Migration[]> {
  const schemaSql = quoteIdent(schema);
  await prepare(`create schema ${schemaSql}`, async () => {
    // Checked first: CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege on the database
    // even when the schema exists, which a role given only its own schema may not have.
    const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (exists.rowCount === 0) await client.query(`CREATE SCHEMA ${schemaSql}`);
  });
  const trigramSchema = await ensureTrigram(client, schema);
  // Migration files use unqualified names: they create in the first schema of the path, and
  // find the trigram operator classes through the second.
  const path = [...new Set([schema, trigramSchema])].map(quoteIdent).join(', ');
  await client.query(`SET search_path TO ${path}`);
  await client.query(`CREATE TABLE IF NOT EXISTS ${schemaSql}.heron_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
  )`);
  const applied = new Set(
    (
      await client.query<{ version: number }>(`SELECT version FROM ${schemaSql}.heron_migrations`)
    ).rows.map((row) => row.version),
  );
  const pending = listPostgresMigrations().filter((m) => !applied.has(m.version));
  for (const migration of pending) {
    options.onApply?.(migration);
    await client.query('BEGIN');
    try {
      // No parameters: the simple query protocol runs the file's statements in order.
      await client.query(migration.sql);
      await client.query(
        `INSERT INTO ${schemaSql}.heron_migrations (version, name) VALUES ($1, $2)`,
        [migration.version, migration.name],
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw new PostgresMigrationError(
        `migration ${migration.name} failed and was rolled back: ${describeError(error)}`,
        { cause: error },
      );
    }
  }
  await client.query('RESET search_path');
  return pending;
}

/**
 * Makes sure pg_trgm (full-text search over span input and output) is installed and says in
 * which schema. An extension exists once per database; when Heron creates it, it goes to
 * `public` if that is writable, so dropping one Heron schema never takes the extension (and the
 * indexes of every other schema) with it.
 */
async function ensureTrigram(client: pg.Client, schema: string): Promise<string> {
  const installedIn = async () =>
    (
      await client.query<{ schema: string }>(
        `SELECT n.nspname AS schema FROM pg_extension e
         JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'`,
      )
    ).rows[0]?.schema;
  const existing = await installedIn();
  if (existing !== undefined) return existing;
  const publicWritable = await client.query<{ writable: boolean }>(
    `SELECT has_schema_privilege(oid, 'CREATE') AS writable FROM pg_namespace
     WHERE nspname = 'public'`,
  );
  const target = publicWritable.rows[0]?.writable ? 'public' : schema;
  await prepare('create the pg_trgm extension', async () => {
    try {
      await client.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA ${quoteIdent(target)}`);
    } catch (error) {
      throw new PostgresMigrationError(
        `cannot create the pg_trgm extension, which full-text search needs ` +
          `(${describeError(error)}). Ask a database administrator to run ` +
          `"CREATE EXTENSION pg_trgm;" in this database, then run heron migrate again.`,
        { cause: error },
      );
    }
  });
  return (await installedIn()) ?? target;
}

async function prepare(what: string, step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (error) {
    if (error instanceof PostgresMigrationError) throw error;
    throw new PostgresMigrationError(`cannot ${what}: ${describeError(error)}`, { cause: error });
  }
}
