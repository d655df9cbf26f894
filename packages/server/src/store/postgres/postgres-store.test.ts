/**
 * PostgresStore beyond the conformance suite: opening (migrations, then pools), the read
 * replica pool, and what `open` does when the database cannot be reached.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { spanRecord, traceIdOf } from '../../testing/span-record-fixture.js';
import { QueryTimeoutError } from '../query-timeout-error.js';
import { DatabaseConnectError } from './postgres-connection.js';
import type { Migration } from './postgres-migrations.js';
import { PostgresStore } from './postgres-store.js';
import {
  dropSchema,
  postgresUnavailable,
  TEST_DATABASE_URL,
  testSchemaName,
} from './postgres-test-database.js';

const skip = await postgresUnavailable();

describe('PostgresStore.open', { skip }, () => {
  it('migrates a new schema, and writes and reads with a read replica configured', async () => {
    const schema = testSchemaName();
    const applied: Migration[] = [];
    // The same server stands in for a replica: what matters is which pool answers at all.
    const store = await PostgresStore.open({
      url: TEST_DATABASE_URL,
      schema,
      readReplicaUrl: TEST_DATABASE_URL,
      poolSize: 2,
      onMigration: (migration) => applied.push(migration),
    });
    try {
      assert.ok(applied.length > 0, 'migrations ran');
      assert.equal(store.dialect, 'postgres');
      await store.insertSpans([spanRecord({ projectName: 'replicated', traceId: traceIdOf(1) })]);
      const project = await store.getProjectByName('replicated');
      assert.ok(project);
      const page = await store.listSpans(project.rowid, { limit: 10 });
      assert.equal(page.items.length, 1);
      const summary = await store.projectSummary(project.rowid);
      assert.equal(summary.traceCount, 1);
      await store.ping();
    } finally {
      await store.close();
      await store.close();
      await dropSchema(schema);
    }
    await assert.rejects(store.createProject('late', null), /store is closed/);
  });

  it('opens an up-to-date schema without migrating again', async () => {
    const schema = testSchemaName();
    try {
      await (await PostgresStore.open({ url: TEST_DATABASE_URL, schema })).close();
      const applied: Migration[] = [];
      const again = await PostgresStore.open({
        url: TEST_DATABASE_URL,
        schema,
        onMigration: (migration) => applied.push(migration),
      });
      await again.close();
      assert.deepEqual(applied, []);
    } finally {
      await dropSchema(schema);
    }
  });

  it('cancels a long read after the query time limit; writes have no limit', async () => {
    const schema = testSchemaName();
    const store = await PostgresStore.open({
      url: TEST_DATABASE_URL,
      schema,
      poolSize: 2,
      queryTimeoutMs: 300,
    });
    // A real long read: another session holds a lock the list has to wait for.
    const blocker = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await blocker.connect();
    try {
      await store.insertSpans([spanRecord({ projectName: 'slow', traceId: traceIdOf(1) })]);
      const project = await store.getProjectByName('slow');
      assert.ok(project);
      await blocker.query('BEGIN');
      await blocker.query(`LOCK TABLE ${schema}.spans IN ACCESS EXCLUSIVE MODE`);
      const started = Date.now();
      await assert.rejects(store.listSpans(project.rowid, { limit: 10 }), (error) => {
        assert.ok(error instanceof QueryTimeoutError, String(error));
        assert.match(error.message, /0\.3 s.*HERON_QUERY_TIMEOUT_SECONDS/);
        return true;
      });
      assert.ok(Date.now() - started < 5_000, 'cancelled near the limit, not after the lock');
      // Ingestion waits for the lock as long as it takes: no time limit on writes.
      const write = store.insertSpans([spanRecord({ projectName: 'slow', traceId: traceIdOf(2) })]);
      await new Promise((resolve) => setTimeout(resolve, 600));
      await blocker.query('COMMIT');
      assert.equal((await write).spanCount, 1);
      assert.equal((await store.listSpans(project.rowid, { limit: 10 })).items.length, 2);
    } finally {
      await blocker.end();
      await store.close();
      await dropSchema(schema);
    }
  });
});

describe('PostgresStore.open without a database', () => {
  it('rejects with a connection error naming the server, not the password', async () => {
    await assert.rejects(
      PostgresStore.open({ url: 'postgresql://heron:secret@127.0.0.1:1/nowhere' }),
      (error: unknown) => {
        assert.ok(error instanceof DatabaseConnectError);
        assert.match(error.message, /127\.0\.0\.1:1/);
        assert.doesNotMatch(error.message, /secret/);
        return true;
      },
    );
  });
});
