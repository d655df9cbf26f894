/**
 * The size of Heron's database on disk, for the heron_database_size_bytes gauge: the SQLite
 * file plus its WAL, or on PostgreSQL pg_total_relation_size (tables + indexes + TOAST) summed
 * over Heron's schema. Measured at most once per cache period, because a scrape must be cheap
 * and PostgreSQL's answer needs a query; a failed measurement answers undefined (no sample)
 * rather than failing the whole scrape.
 */
import { stat } from 'node:fs/promises';
import type pg from 'pg';
import { createPostgresPool } from '../store/postgres/postgres-connection.js';

export interface DatabaseSize {
  bytes(): Promise<number | undefined>;
  close(): Promise<void>;
}

function cached(
  measure: () => Promise<number>,
  maxAgeMs: number,
): () => Promise<number | undefined> {
  let value: number | undefined;
  let measuredAt = -Infinity;
  let running: Promise<number | undefined> | undefined;
  return () => {
    if (Date.now() - measuredAt < maxAgeMs) return Promise.resolve(value);
    running ??= measure().then(
      (bytes) => {
        value = bytes;
        measuredAt = Date.now();
        running = undefined;
        return bytes;
      },
      () => {
        running = undefined;
        return undefined;
      },
    );
    return running;
  };
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

export function sqliteDatabaseSize(path: string, maxAgeMs: number): DatabaseSize {
  const bytes = cached(
    async () => (await fileSize(path)) + (await fileSize(`${path}-wal`)),
    maxAgeMs,
  );
  return { bytes, close: async () => {} };
}

export function postgresDatabaseSize(url: string, schema: string, maxAgeMs: number): DatabaseSize {
  let pool: pg.Pool | undefined;
  const bytes = cached(async () => {
    pool ??= createPostgresPool({ url, schema, max: 1, applicationName: 'heron-metrics' });
    const result = await pool.query<{ bytes: string }>(
      `SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0)::text AS bytes
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'm')`,
      [schema],
    );
    return Number(result.rows[0]!.bytes);
  }, maxAgeMs);
  return {
    bytes,
    close: async () => {
      await pool?.end();
    },
  };
}
