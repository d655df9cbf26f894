/**
 * For PostgreSQL tests: the test server's URL, a check whether it answers (suites skip with a
 * clear message when it does not, except on CI, where the server is part of the machine and a
 * silent skip would hide a broken backend), and a fresh schema per test file.
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import {
  connectClient,
  createPostgresPool,
  DatabaseConnectError,
  describeError,
  quoteIdent,
  redactDatabaseUrl,
} from './postgres-connection.js';
import { migratePostgres } from './postgres-migrations.js';

export const TEST_DATABASE_URL =
  process.env['HERON_TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/test';

/** Why the PostgreSQL tests cannot run here (a skip message), or undefined when they can. */
export async function postgresUnavailable(): Promise<string | undefined> {
  try {
    const client = await connectClient(TEST_DATABASE_URL);
    await client.end();
    return undefined;
  } catch (error) {
    const message =
      `no PostgreSQL server answers at ${redactDatabaseUrl(TEST_DATABASE_URL)} ` +
      `(${error instanceof DatabaseConnectError ? error.reason : describeError(error)}); ` +
      'start one or set HERON_TEST_DATABASE_URL to run these tests';
    if (process.env['CI']) {
      throw new Error(`${message}. On CI the PostgreSQL suites must run, not skip.`);
    }
    return message;
  }
}

/** A schema name no other test run uses. */
export function testSchemaName(): string {
  return `heron_test_${randomBytes(6).toString('hex')}`;
}

/** A migrated schema of its own and a pool whose sessions use it; `drop()` removes both. */
export interface TestSchema {
  schema: string;
  pool: pg.Pool;
  /** Another pool on the same schema (a second "node"). */
  newPool(): pg.Pool;
  drop(): Promise<void>;
}

export async function createTestSchema(): Promise<TestSchema> {
  const schema = testSchemaName();
  await migratePostgres(TEST_DATABASE_URL, { schema });
  const pools: pg.Pool[] = [];
  const newPool = () => {
    const pool = createPostgresPool({ url: TEST_DATABASE_URL, schema, max: 4 });
    pools.push(pool);
    return pool;
  };
  const pool = newPool();
  return {
    schema,
    pool,
    newPool,
    drop: async () => {
      await Promise.all(pools.map((p) => p.end()));
      await dropSchema(schema);
    },
  };
}

export async function dropSchema(schema: string): Promise<void> {
  const client = await connectClient(TEST_DATABASE_URL);
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}
