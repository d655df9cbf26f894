import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { connectClient, createPostgresPool, quoteIdent } from './postgres-connection.js';
import {
  listPostgresMigrations,
  migratePostgres,
  PostgresMigrationError,
  type Migration,
} from './postgres-migrations.js';
import { PostgresStore } from './postgres-store.js';
import {
  dropSchema,
  postgresUnavailable,
  TEST_DATABASE_URL,
  testSchemaName,
} from './postgres-test-database.js';

const skip = await postgresUnavailable();

describe('PostgreSQL migrations', { skip }, () => {
  const schemas: string[] = [];
  const freshSchema = () => {
    const schema = testSchemaName();
    schemas.push(schema);
    return schema;
  };
  after(async () => {
    for (const schema of schemas) await dropSchema(schema);
  });

  async function query<T extends object>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = await connectClient(TEST_DATABASE_URL);
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  const versions = (migrations: Migration[]) => migrations.map((m) => m.version);

  it('applies every migration once, reporting each, and a re-run applies nothing', async () => {
    const schema = freshSchema();
    const reported: string[] = [];
    const applied = await migratePostgres(TEST_DATABASE_URL, {
      schema,
      onApply: (m) => reported.push(m.name),
    });
    const all = listPostgresMigrations();
    assert.ok(all.length >= 2);
    assert.deepEqual(versions(applied), versions(all));
    assert.deepEqual(
      reported,
      all.map((m) => m.name),
    );
    const recorded = await query<{ version: number; name: string }>(
      `SELECT version, name FROM ${quoteIdent(schema)}.heron_migrations ORDER BY version`,
    );
    assert.deepEqual(
      recorded,
      all.map((m) => ({ version: m.version, name: m.name })),
    );

    const again = await migratePostgres(TEST_DATABASE_URL, {
      schema,
      onApply: () => assert.fail('nothing is left to apply'),
    });
    assert.deepEqual(again, []);
    const count = await query<{ n: string }>(
      `SELECT COUNT(*) AS n FROM ${quoteIdent(schema)}.heron_migrations`,
    );
    assert.equal(Number(count[0]!.n), all.length);
  });

  it('creates the tables, keys and search indexes in the schema, and seeds user_feedback', async () => {
    const schema = freshSchema();
    await migratePostgres(TEST_DATABASE_URL, { schema });
    const tables = (
      await query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = $1`,
        [schema],
      )
    ).map((row) => row.table_name);
    for (const table of [
      'projects',
      'sessions',
      'traces',
      'spans',
      'span_annotations',
      'trace_annotations',
      'session_annotations',
      'document_annotations',
      'annotation_configs',
      'project_annotation_configs',
      'span_search',
      'span_search_queue',
      'heron_migrations',
    ]) {
      assert.ok(tables.includes(table), `table ${table} exists`);
    }
    const indexes = await query<{ indexname: string; indexdef: string }>(
      'SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1',
      [schema],
    );
    const byName = new Map(indexes.map((row) => [row.indexname, row.indexdef]));
    assert.match(byName.get('span_search_input') ?? '', /USING gin .*gin_trgm_ops/);
    assert.match(byName.get('span_search_output') ?? '', /USING gin .*gin_trgm_ops/);
    // The queue is scanned, never trigram-indexed: that is what keeps ingestion cheap.
    assert.deepEqual(
      [...byName.keys()].filter((name) => name.startsWith('span_search_queue')),
      ['span_search_queue_pkey'],
    );
    assert.match(byName.get('spans_trace_id_span_id_key') ?? '', /UNIQUE .*\(trace_id, span_id\)/);
    assert.match(byName.get('traces_trace_id_key') ?? '', /UNIQUE/);
    // Covers what the summary's percentiles read, so they never visit the table.
    assert.match(
      byName.get('traces_project_latency') ?? '',
      /\(project_id, \(\(end_time - start_time\)\), id\) INCLUDE \(start_time, end_time\)/,
    );
    assert.match(byName.get('sessions_project_id_session_id_key') ?? '', /UNIQUE/);

    const columns = await query<{ table_name: string; column_name: string; data_type: string }>(
      `SELECT table_name, column_name, data_type FROM information_schema.columns
       WHERE table_schema = $1 AND table_name IN ('spans', 'traces', 'span_search')`,
      [schema],
    );
    const type = (table: string, column: string) =>
      columns.find((c) => c.table_name === table && c.column_name === column)?.data_type;
    assert.equal(type('spans', 'start_time'), 'bigint');
    assert.equal(type('spans', 'attributes'), 'jsonb');
    assert.equal(type('spans', 'resource_attributes'), 'jsonb');
    assert.equal(type('span_search', 'input'), 'text');
    assert.equal(type('spans', 'search_text_input'), undefined, 'search text lives in span_search');
    assert.equal(type('traces', 'cost'), 'double precision');

    // Wide columns are compressed with lz4 when the server has it (this one is asked first).
    const lz4 = await query('SET default_toast_compression = lz4').then(
      () => true,
      () => false,
    );
    const compression = await query<{ attname: string; attcompression: string }>(
      `SELECT attname, attcompression FROM pg_attribute
       WHERE attrelid = $1::regclass AND attname IN ('attributes', 'input_preview')`,
      [`${quoteIdent(schema)}.spans`],
    );
    assert.deepEqual(
      compression.map((row) => row.attcompression),
      lz4 ? ['l', 'l'] : ['', ''],
    );

    const configs = await query<{ name: string; type: string; config: unknown }>(
      `SELECT name, type, config FROM ${quoteIdent(schema)}.annotation_configs`,
    );
    assert.deepEqual(configs, [
      {
        name: 'user_feedback',
        type: 'CATEGORICAL',
        config: {
          values: [
            { label: 'positive', score: 1 },
            { label: 'negative', score: 0 },
          ],
        },
      },
    ]);
  });

  it('keeps the search text of spans stored before the search queue (0008), indexed', async () => {
    const schema = freshSchema();
    const quoted = quoteIdent(schema);
    // A database as Heron left it before 0008: migrations 0001–0007, as the runner applies them.
    await migratePostgres(TEST_DATABASE_URL, { schema: freshSchema() }); // makes sure of pg_trgm
    const trigram = (
      await query<{ schema: string }>(
        `SELECT n.nspname AS schema FROM pg_extension e
         JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'`,
      )
    )[0]!.schema;
    const client = await connectClient(TEST_DATABASE_URL);
    try {
      await client.query(`CREATE SCHEMA ${quoted}`);
      await client.query(`SET search_path TO ${quoted}, ${quoteIdent(trigram)}`);
      await client.query(
        'CREATE TABLE heron_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, ' +
          'applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
      );
      for (const migration of listPostgresMigrations().filter((m) => m.version <= 7)) {
        await client.query(migration.sql);
        await client.query('INSERT INTO heron_migrations (version, name) VALUES ($1, $2)', [
          migration.version,
          migration.name,
        ]);
      }
      await client.query(`
        INSERT INTO projects (id, name) VALUES (1, 'old');
        INSERT INTO traces (id, trace_id, project_id, start_time, end_time, span_count)
          VALUES (1, '${'a'.repeat(32)}', 1, 1000, 2000, 2);
        INSERT INTO spans (trace_rowid, project_id, trace_id, span_id, name, span_kind, otel_kind,
          start_time, end_time, latency_ms, status_code, status_message, attributes, events,
          links, resource_attributes, scope_name, scope_version, trace_state, flags,
          search_text_input, search_text_output)
        VALUES
          (1, 1, '${'a'.repeat(32)}', '${'1'.repeat(16)}', 'root', 'CHAIN', 1, 1000, 2000, 0.001,
           'OK', '', '{}', '[]', '[]', '{}', '', '', '', 0, 'where is my parcel', 'in transit'),
          (1, 1, '${'a'.repeat(32)}', '${'2'.repeat(16)}', 'child', 'CHAIN', 1, 1000, 2000, 0.001,
           'OK', '', '{}', '[]', '[]', '{}', '', '', '', 0, '', '');`);
    } finally {
      await client.end();
    }

    const applied = await migratePostgres(TEST_DATABASE_URL, { schema });
    assert.deepEqual(
      versions(applied),
      versions(listPostgresMigrations().filter((m) => m.version > 7)),
    );
    const indexed = await query<{ input: string; output: string }>(
      `SELECT input, output FROM ${quoted}.span_search`,
    );
    assert.deepEqual(indexed, [{ input: 'where is my parcel', output: 'in transit' }]);
    const pool = createPostgresPool({ url: TEST_DATABASE_URL, schema, max: 2 });
    const store = new PostgresStore(pool, null, undefined, {}, null, { background: false });
    try {
      const page = await store.listSpans(1, { limit: 10, search: 'PARCEL' });
      assert.deepEqual(
        page.items.map((span) => span.name),
        ['root'],
      );
    } finally {
      await store.close();
    }
  });

  it('applies each migration exactly once when several nodes start at the same moment', async () => {
    const schema = freshSchema();
    const runs = await Promise.all(
      Array.from({ length: 4 }, () => migratePostgres(TEST_DATABASE_URL, { schema })),
    );
    const applied = runs.flatMap(versions).sort((a, b) => a - b);
    assert.deepEqual(
      applied,
      versions(listPostgresMigrations()),
      'each version applied by one run',
    );
    const recorded = await query<{ version: number }>(
      `SELECT version FROM ${quoteIdent(schema)}.heron_migrations ORDER BY version`,
    );
    assert.deepEqual(
      recorded.map((row) => row.version),
      versions(listPostgresMigrations()),
    );
    const seeded = await query<{ n: string }>(
      `SELECT COUNT(*) AS n FROM ${quoteIdent(schema)}.annotation_configs`,
    );
    assert.equal(Number(seeded[0]!.n), 1);
  });

  it('waits for the lock another node holds, then finds nothing to do', async () => {
    const schema = freshSchema();
    await migratePostgres(TEST_DATABASE_URL, { schema });
    const holder = await connectClient(TEST_DATABASE_URL);
    try {
      await holder.query('SELECT pg_advisory_lock(7522525925009304935)');
      let waited = false;
      const run = migratePostgres(TEST_DATABASE_URL, { schema, onWait: () => (waited = true) });
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(waited, true);
      await holder.query('SELECT pg_advisory_unlock(7522525925009304935)');
      assert.deepEqual(await run, []);
    } finally {
      await holder.end();
    }
  });

  it('names the migration that failed and leaves nothing of it', async () => {
    const schema = freshSchema();
    // A table in the way of 0001's CREATE TABLE projects.
    await query(`CREATE SCHEMA ${quoteIdent(schema)}`);
    await query(`CREATE TABLE ${quoteIdent(schema)}.spans (x INTEGER)`);
    await assert.rejects(
      migratePostgres(TEST_DATABASE_URL, { schema }),
      (error: Error) =>
        error instanceof PostgresMigrationError &&
        /0001-initial/.test(error.message) &&
        /rolled back/.test(error.message),
    );
    const left = await query(
      `SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'projects'`,
      [schema],
    );
    assert.equal(left.length, 0, 'the failed migration left no table behind');
    const recorded = await query(`SELECT * FROM ${quoteIdent(schema)}.heron_migrations`);
    assert.equal(recorded.length, 0);
  });
});
