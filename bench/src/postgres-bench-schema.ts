/**
 * The PostgreSQL schemas the benchmarks write into: every ingest run gets a fresh schema
 * (`bench_ingest_<timestamp>_<n>`), counted after its servers stopped and dropped afterwards, so
 * runs never see each other's rows and the database is left as it was found.
 */
import type pg from 'pg';
import {
  connectClient,
  quoteIdent,
  redactDatabaseUrl,
} from '../../packages/server/dist/store/postgres/postgres-connection.js';

let schemasMade = 0;
/** Ingest schemas made and not dropped yet: what an interrupted run must clean up. */
const liveSchemas = new Map<string, string>();

/** A schema name no earlier run used: the start time to the second, and a counter. */
export function freshIngestSchema(now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d+Z$/, '')
    .replace(/[-:]/g, '')
    .toLowerCase();
  schemasMade++;
  return `bench_ingest_${stamp}_${process.pid}_${schemasMade}`;
}

/** Notes a schema the servers of a run are about to create in the database at `url`. */
export function trackSchema(url: string, schema: string): void {
  liveSchemas.set(schema, url);
}

/** Drops the ingest schemas of runs that did not finish (on Ctrl-C or an error). */
export async function dropUnfinishedSchemas(log: (message: string) => void): Promise<void> {
  for (const [schema, url] of [...liveSchemas]) {
    try {
      await dropSchema(url, schema);
      log(`dropped the schema ${schema} of an unfinished run`);
    } catch (error) {
      log(`could not drop the schema ${schema}: ${(error as Error).message}; drop it by hand`);
    }
  }
}

/** Runs `work` on one client of the database, closed afterwards. */
export async function withDatabase<T>(url: string, work: (client: pg.Client) => Promise<T>) {
  const client = await connectClient(url);
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Fails early, with the reason, when the benchmark's database does not answer; else describes
 * it for the report (version, and the settings that bear on ingest speed).
 */
export async function checkDatabase(url: string): Promise<string> {
  return withDatabase(url, async (client) => {
    const setting = async (name: string) =>
      (await client.query<{ setting: string }>('SELECT current_setting($1) AS setting', [name]))
        .rows[0]!.setting;
    return (
      `PostgreSQL ${await setting('server_version')} at ${redactDatabaseUrl(url)} ` +
      `(synchronous_commit=${await setting('synchronous_commit')}, fsync=${await setting('fsync')}, ` +
      `shared_buffers=${await setting('shared_buffers')}, max_connections=${await setting('max_connections')})`
    );
  });
}

export async function countSpans(url: string, schema: string): Promise<number> {
  return withDatabase(url, async (client) => {
    const result = await client.query<{ n: string }>(
      `SELECT COUNT(*) AS n FROM ${quoteIdent(schema)}.spans`,
    );
    return Number(result.rows[0]!.n);
  });
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  await withDatabase(url, (client) =>
    client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`),
  );
  liveSchemas.delete(schema);
}
