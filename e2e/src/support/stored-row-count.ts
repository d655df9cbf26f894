/**
 * How many rows a table of a CLI test's database holds (spans, traces), read straight from
 * SQLite or PostgreSQL — what is really stored, not what a command says it stored.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { CliDatabase } from './heron-cli.js';

export async function storedRowCount(
  database: CliDatabase,
  table: 'spans' | 'traces',
): Promise<number> {
  if (database.backend === 'sqlite') {
    const db = new Database(join(database.workingDir, 'heron.db'), { readonly: true });
    try {
      return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: database.env['HERON_SQL_DATABASE_URL'] });
  await client.connect();
  try {
    const schema = database.env['HERON_SQL_DATABASE_SCHEMA']!;
    const { rows } = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM "${schema}".${table}`,
    );
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}
