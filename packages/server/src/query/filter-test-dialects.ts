/**
 * The filter tests' databases, one per dialect behind one interface, so each expectation table
 * runs against SQLite and PostgreSQL alike. PostgreSQL gets a fresh migrated schema, spans
 * written by the production PostgreSQL span writer from the same OTLP fixtures, and
 * annotations as plain rows. Its suites skip with a message when no server answers at
 * HERON_TEST_DATABASE_URL (and fail on CI), like the store's PostgreSQL tests.
 */
import type pg from 'pg';
import type { CompiledFilter, SqlDialectName } from './compiled-filter.js';
import {
  FilterTestDatabase,
  spanHex,
  testSpanRecords,
  traceHex,
  type AnnotationRow,
  type TestSpan,
} from './filter-test-database.js';
import { toPostgresParams, toPostgresPlaceholders } from './postgres-placeholders.js';
import { PostgresSpanWriter } from '../store/postgres/postgres-span-writer.js';
import {
  createTestSchema,
  postgresUnavailable,
  type TestSchema,
} from '../store/postgres/postgres-test-database.js';

export type FilterTable = 'spans' | 'traces' | 'sessions';
export type AnnotationTable = 'span_annotations' | 'trace_annotations' | 'session_annotations';

export interface DialectTestDatabase {
  readonly dialect: SqlDialectName;
  insertSpans(spans: readonly TestSpan[]): Promise<void>;
  spanRowid(key: string): Promise<number>;
  traceRowid(trace: number): Promise<number>;
  sessionRowid(sessionId: string): Promise<number>;
  annotate(table: AnnotationTable, targetRowid: number, annotation: AnnotationRow): Promise<void>;
  /** The labels (span name, trace id, session id) of the rows the filter selects, sorted. */
  select(table: FilterTable, filter: CompiledFilter, alias?: string): Promise<string[]>;
  /** The condition's value for every row of `table`, as 0/1 (or whatever else it was). */
  conditionValues(table: FilterTable, filter: CompiledFilter): Promise<unknown[]>;
  count(table: FilterTable): Promise<number>;
  close(): Promise<void>;
}

const LABELS: Record<FilterTable, string> = {
  spans: 'name',
  traces: 'trace_id',
  sessions: 'session_id',
};

/** Why the PostgreSQL variant of a suite is skipped (undefined: it runs). */
export const POSTGRES_SKIP: string | undefined = await postgresUnavailable();

export const FILTER_TEST_DIALECTS: readonly { dialect: SqlDialectName; skip?: string }[] = [
  { dialect: 'sqlite' },
  { dialect: 'postgres', skip: POSTGRES_SKIP },
];

export async function openDialectTestDatabase(
  dialect: SqlDialectName,
): Promise<DialectTestDatabase> {
  return dialect === 'sqlite' ? new SqliteTestDatabase() : PostgresTestDatabase.create();
}

export class SqliteTestDatabase implements DialectTestDatabase {
  readonly dialect = 'sqlite' as const;
  readonly sqlite = new FilterTestDatabase();

  insertSpans(spans: readonly TestSpan[]): Promise<void> {
    this.sqlite.insertSpans(spans);
    return Promise.resolve();
  }
  spanRowid(key: string): Promise<number> {
    return Promise.resolve(this.sqlite.spanRowid(key));
  }
  traceRowid(trace: number): Promise<number> {
    return Promise.resolve(this.sqlite.traceRowid(trace));
  }
  sessionRowid(sessionId: string): Promise<number> {
    return Promise.resolve(this.sqlite.sessionRowid(sessionId));
  }
  annotate(table: AnnotationTable, targetRowid: number, annotation: AnnotationRow): Promise<void> {
    this.sqlite.annotate(table, targetRowid, annotation);
    return Promise.resolve();
  }
  select(table: FilterTable, filter: CompiledFilter, alias = table): Promise<string[]> {
    const rows = this.sqlite.db
      .prepare(`SELECT ${alias}.${LABELS[table]} FROM ${table} AS ${alias} WHERE ${filter.sql}`)
      .pluck()
      .all(...filter.params) as string[];
    return Promise.resolve(rows.sort());
  }
  conditionValues(table: FilterTable, filter: CompiledFilter): Promise<unknown[]> {
    return Promise.resolve(
      this.sqlite.db
        .prepare(`SELECT (${filter.sql}) FROM ${table}`)
        .pluck()
        .all(...filter.params),
    );
  }
  count(table: FilterTable): Promise<number> {
    return Promise.resolve(
      this.sqlite.db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number,
    );
  }
  close(): Promise<void> {
    this.sqlite.close();
    return Promise.resolve();
  }
}

export class PostgresTestDatabase implements DialectTestDatabase {
  readonly dialect = 'postgres' as const;

  private constructor(readonly schema: TestSchema) {}

  static async create(): Promise<PostgresTestDatabase> {
    return new PostgresTestDatabase(await createTestSchema());
  }

  async insertSpans(spans: readonly TestSpan[]): Promise<void> {
    await new PostgresSpanWriter(this.schema.pool).insertSpans(testSpanRecords(spans));
  }

  private async id(sql: string, value: string): Promise<number> {
    const result = await this.schema.pool.query<{ id: string }>(sql, [value]);
    const row = result.rows[0];
    if (row === undefined) throw new Error(`no row for ${value}`);
    return Number(row.id);
  }
  spanRowid(key: string): Promise<number> {
    return this.id('SELECT id FROM spans WHERE name = $1', key);
  }
  traceRowid(trace: number): Promise<number> {
    return this.id('SELECT id FROM traces WHERE trace_id = $1', traceHex(trace));
  }
  sessionRowid(sessionId: string): Promise<number> {
    return this.id('SELECT id FROM sessions WHERE session_id = $1', sessionId);
  }

  async annotate(
    table: AnnotationTable,
    targetRowid: number,
    annotation: AnnotationRow,
  ): Promise<void> {
    const target = {
      span_annotations: 'span_rowid',
      trace_annotations: 'trace_rowid',
      session_annotations: 'session_rowid',
    }[table];
    await this.schema.pool.query(
      `INSERT INTO ${table} (${target}, name, label, score, explanation, annotator_kind, identifier, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, 'HUMAN', $6, 0, 0)`,
      [
        targetRowid,
        annotation.name,
        annotation.label ?? null,
        annotation.score ?? null,
        annotation.explanation ?? null,
        annotation.identifier ?? '',
      ],
    );
  }

  /** A filter query, bounded in time so a pathological plan fails the test, not the server. */
  private async query<R extends pg.QueryResultRow>(
    sql: string,
    params: unknown[],
  ): Promise<pg.QueryResult<R>> {
    const client = await this.schema.pool.connect();
    try {
      await client.query("SET statement_timeout = '20s'");
      return await client.query<R>(sql, params);
    } finally {
      client.release();
    }
  }

  async select(table: FilterTable, filter: CompiledFilter, alias = table): Promise<string[]> {
    const where = toPostgresPlaceholders(filter.sql, 0, filter.params);
    const result = await this.query<{ label: string }>(
      `SELECT ${alias}.${LABELS[table]} AS label FROM ${table} AS ${alias} WHERE ${where}`,
      toPostgresParams(filter.params),
    );
    return result.rows.map((row) => row.label).sort();
  }

  async conditionValues(table: FilterTable, filter: CompiledFilter): Promise<unknown[]> {
    const condition = toPostgresPlaceholders(filter.sql, 0, filter.params);
    const result = await this.query<{ v: boolean | null }>(
      `SELECT (${condition}) AS v FROM ${table}`,
      toPostgresParams(filter.params),
    );
    return result.rows.map((row) => (row.v === null ? null : row.v ? 1 : 0));
  }

  async count(table: FilterTable): Promise<number> {
    const result = await this.schema.pool.query<{ n: string }>(
      `SELECT COUNT(*) AS n FROM ${table}`,
    );
    return Number(result.rows[0]!.n);
  }

  async close(): Promise<void> {
    await this.schema.drop();
  }
}

export { spanHex, traceHex };
