/**
 * The query benchmark's store on PostgreSQL: the same generated traces as the SQLite store
 * (query-store-generator.ts, same seed and batches, in order) written through
 * `PostgresStore.insertSpans` (the ingest write path of `heron serve --database-url`) into a
 * schema of their own, `bench_query_<size>_<store version>_m<migrations>` (see
 * postgresQueryStoreSchema), then indexed for search to the last span.
 *
 * The schema is kept in the database between runs, like bench/.data/ for SQLite, and reused when
 * it is complete: the last step of generation writes the store's meta into the table
 * `bench_query_store` of that schema, so a schema without that row (an interrupted run) is
 * dropped and generated again. After writing, VACUUM ANALYZE gives the planner its statistics
 * and the visibility map its index-only scans, as autovacuum would in a while on a live server.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { listPostgresMigrations } from '../../packages/server/dist/store/postgres/postgres-migrations.js';
import { quoteIdent } from '../../packages/server/dist/store/postgres/postgres-connection.js';
import { PostgresStore } from '../../packages/server/dist/store/postgres/postgres-store.js';
import { encodeKeysetCursor } from '../../packages/server/dist/query/keyset-cursor.js';
import { escapeLikePattern } from '../../packages/server/dist/query/full-text-condition.js';
import { foldForSearch } from '../../packages/server/dist/spans/span-search-text.js';
import { spawnHeron } from '../../packages/server/dist/testing/spawn-heron.js';
import { mulberry32 } from './payload-generator.js';
import { dropSchema, withDatabase } from './postgres-bench-schema.js';
import type { QueryTarget, SampledIds, StorageBreakdown } from './query-bench.js';
import {
  MAIN_PROJECT,
  QUERY_STORE_VERSION,
  formatDuration,
  querySizeLabel,
  writeQueryStoreSpans,
  type QueryProbes,
  type QueryStoreMeta,
} from './query-store-generator.js';

/** Marks a complete store; holds its meta. */
const MARKER_TABLE = 'bench_query_store';

/** Spans per insertSpans call: a few thousand, as ingestion's group commit would write. */
const BATCH_SPANS = 4000;

interface PostgresQueryStoreMeta extends QueryStoreMeta {
  /** Wall seconds the search indexer needed after the last span was written. */
  indexSeconds: number;
  /** Wall seconds of VACUUM ANALYZE after that. */
  analyzeSeconds: number;
}

/**
 * `bench_query_<size>_<store version>_m<last migration>_<hash of the migrations>`: a build
 * whose PostgreSQL schema differs (another set of migrations) gets a store of its own instead of
 * reusing one its code cannot read, and leaves the others' stores alone.
 */
export function postgresQueryStoreSchema(traces: number): string {
  const version = QUERY_STORE_VERSION.replace(/^query-store-/, '').replace(/[^a-z0-9]+/gi, '_');
  const migrations = listPostgresMigrations();
  const last = migrations[migrations.length - 1]?.version ?? 0;
  const hash = createHash('sha256')
    .update(migrations.map((m) => `${m.name}\n${m.sql}`).join('\n'))
    .digest('hex')
    .slice(0, 6);
  return `bench_query_${querySizeLabel(traces)}_${version}_m${last}_${hash}`.toLowerCase();
}

/** The PostgreSQL store of this size (generated unless a complete one is there), as a target. */
export async function postgresQueryTarget(options: {
  url: string;
  traces: number;
  log: (message: string) => void;
}): Promise<QueryTarget> {
  const { url, traces, log } = options;
  const schema = postgresQueryStoreSchema(traces);
  let meta = await readMeta(url, schema);
  const generated = meta === undefined || meta.traces !== traces;
  if (meta !== undefined && !generated) {
    log(
      `query store: reusing PostgreSQL schema ${schema} (${meta.version}, ${meta.spans.toLocaleString('en-US')} spans, generated ${meta.generatedAt})`,
    );
  } else {
    meta = await generate(url, schema, traces, log);
  }
  const complete = meta;
  return {
    backend: 'postgres',
    meta: complete,
    generated,
    location: `PostgreSQL schema ${schema}`,
    ...(await storage(url, schema)),
    afterWrite: {
      label:
        `then the full-text index caught up in ${formatDuration(complete.indexSeconds)} ` +
        'and VACUUM ANALYZE took',
      seconds: complete.analyzeSeconds,
    },
    sampleIds: (count) => sampleIds(url, schema, complete, count),
    spawn: () =>
      spawnHeron({
        env: { HERON_SQL_DATABASE_URL: url, HERON_SQL_DATABASE_SCHEMA: schema },
        timeoutMs: 600_000,
      }),
    ready: async () => {
      // The trigram indexes are written with the rows: nothing to wait for.
    },
  };
}

/** The meta of a complete store of this version in `schema`, if there is one. */
async function readMeta(url: string, schema: string): Promise<PostgresQueryStoreMeta | undefined> {
  return withDatabase(url, async (client) => {
    const table = `${quoteIdent(schema)}.${MARKER_TABLE}`;
    const exists = await client.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [table]);
    if (exists.rows[0]!.t === null) return undefined;
    const row = await client.query<{ meta: PostgresQueryStoreMeta }>(
      `SELECT meta FROM ${table} WHERE version = $1`,
      [QUERY_STORE_VERSION],
    );
    return row.rows[0]?.meta;
  });
}

async function generate(
  url: string,
  schema: string,
  traces: number,
  log: (message: string) => void,
): Promise<PostgresQueryStoreMeta> {
  // Whatever is there is incomplete or of another version or size.
  await dropSchema(url, schema);
  const store = await PostgresStore.open({ url, schema, poolSize: 4 });
  let meta: QueryStoreMeta;
  let indexSeconds: number;
  try {
    meta = await writeQueryStoreSpans(
      `PostgreSQL schema ${schema}`,
      { traces, batchSpans: BATCH_SPANS, log },
      (spans) => store.insertSpans(spans),
    );
    // The search index is filled after the spans' commits (postgres-search-indexer.ts), while
    // ingestion pauses: here it catches up with the whole store before anything is measured.
    const backlog = await store.searchIndexer.backlog();
    log(`query store: search index backlog ${backlog.toLocaleString('en-US')} spans`);
    const started = performance.now();
    await store.searchIndexer.catchUp();
    indexSeconds = (performance.now() - started) / 1000;
    log(`  full-text index caught up in ${formatDuration(indexSeconds)}`);
  } finally {
    await store.close();
  }
  return withDatabase(url, async (client) => {
    await client.query(`SET search_path = ${quoteIdent(schema)}`);
    log('query store: VACUUM ANALYZE');
    const started = performance.now();
    await client.query(
      'VACUUM (ANALYZE) spans, traces, sessions, projects, span_search, span_search_queue',
    );
    const analyzeSeconds = (performance.now() - started) / 1000;
    log(`  done in ${formatDuration(analyzeSeconds)}`);
    log('query store: counting the probes (a few scans)');
    meta.counts = await countProbes(client, meta.probes);
    log(`  ${JSON.stringify(meta.counts)}`);
    const complete: PostgresQueryStoreMeta = { ...meta, indexSeconds, analyzeSeconds };
    await client.query(
      `CREATE TABLE ${MARKER_TABLE} (version TEXT PRIMARY KEY, meta JSONB NOT NULL, ` +
        'completed_at TIMESTAMPTZ NOT NULL DEFAULT now())',
    );
    await client.query(`INSERT INTO ${MARKER_TABLE} (version, meta) VALUES ($1, $2)`, [
      QUERY_STORE_VERSION,
      JSON.stringify(complete),
    ]);
    return complete;
  });
}

/** The same counts as the SQLite store's, with the PostgreSQL search (LIKE on folded text). */
async function countProbes(
  client: pg.Client,
  probes: QueryProbes,
): Promise<NonNullable<QueryStoreMeta['counts']>> {
  const count = async (sql: string, ...params: unknown[]) =>
    Number((await client.query<{ n: string }>(sql, params)).rows[0]!.n);
  const project = await count('SELECT id AS n FROM projects WHERE name = $1', MAIN_PROJECT);
  const match = async (needle: string) => {
    const pattern = `%${escapeLikePattern(foldForSearch(needle))}%`;
    const row = (
      await client.query<{ spans: string; traces: string }>(
        `SELECT COUNT(*) AS spans, COUNT(DISTINCT trace_rowid) AS traces FROM spans
         WHERE project_id = $1 AND id IN (
           SELECT span_rowid FROM span_search WHERE input LIKE $2 OR output LIKE $2
           UNION ALL
           SELECT span_rowid FROM span_search_queue WHERE input LIKE $2 OR output LIKE $2)`,
        [project, pattern],
      )
    ).rows[0]!;
    return { spans: Number(row.spans), traces: Number(row.traces) };
  };
  const common = await match(probes.commonWord);
  // Byte order, as SQLite sorts, so both stores pick the same user.
  probes.rareUserId = (
    await client.query<{ user_id: string }>(
      `SELECT user_id FROM spans WHERE project_id = $1 AND user_id IS NOT NULL
       GROUP BY user_id HAVING COUNT(*) BETWEEN 20 AND 49 ORDER BY user_id COLLATE "C" LIMIT 1`,
      [project],
    )
  ).rows[0]!.user_id;
  const userSpans = 'SELECT COUNT(*) AS n FROM spans WHERE project_id = $1 AND user_id = $2';
  return {
    commonWordSpans: common.spans,
    commonWordTraces: common.traces,
    rareWordSpans: (await match(probes.rareWord)).spans,
    cjkWordSpans: (await match(probes.cjkWord)).spans,
    powerUserSpans: await count(userSpans, project, probes.powerUserIds[0]),
    rareUserSpans: await count(userSpans, project, probes.rareUserId),
    goldSpans: await count(
      `SELECT COUNT(*) AS n FROM spans WHERE project_id = $1
       AND attributes #>> '{metadata,customer_tier}' = $2`,
      project,
      probes.goldTier,
    ),
    llmSpans: await count(
      "SELECT COUNT(*) AS n FROM spans WHERE project_id = $1 AND span_kind = 'LLM'",
      project,
    ),
    errorSpans: await count(
      "SELECT COUNT(*) AS n FROM spans WHERE project_id = $1 AND status_code = 'ERROR'",
      project,
    ),
  };
}

async function sampleIds(
  url: string,
  schema: string,
  meta: QueryStoreMeta,
  count: number,
): Promise<SampledIds> {
  return withDatabase(url, async (client) => {
    await client.query(`SET search_path = ${quoteIdent(schema)}`);
    const project = (
      await client.query<{ id: string }>('SELECT id FROM projects WHERE name = $1', [MAIN_PROJECT])
    ).rows[0]!.id;
    const maxId = Number(
      (await client.query<{ n: string }>('SELECT MAX(id) AS n FROM traces')).rows[0]!.n,
    );
    // The same random row ids as the SQLite store's sample: the same traces, when ids match.
    const random = mulberry32(meta.referenceNowMs % 2 ** 31);
    const traceIds: string[] = [];
    while (traceIds.length < count) {
      const row = await client.query<{ trace_id: string }>(
        'SELECT trace_id FROM traces WHERE id = $1 AND project_id = $2',
        [1 + Math.floor(random() * maxId), project],
      );
      if (row.rows[0]) traceIds.push(row.rows[0].trace_id);
    }
    const middle = (
      await client.query<{ id: string; start_time: string }>(
        `SELECT id, start_time FROM traces WHERE project_id = $1
         ORDER BY start_time DESC, id DESC LIMIT 1 OFFSET $2`,
        [project, Math.floor(meta.traces / 2)],
      )
    ).rows[0]!;
    const middleCursor = encodeKeysetCursor(
      'Trace',
      { rowid: Number(middle.id), value: String(middle.start_time) },
      'start_time',
    );
    return { traceIds, middleCursor };
  });
}

/** Bytes of the schema's relations (heap, TOAST and indexes), and where they are. */
async function storage(
  url: string,
  schema: string,
): Promise<{ bytes: number; storage: StorageBreakdown }> {
  return withDatabase(url, async (client) => {
    const rows = (
      await client.query<{ name: string; kind: string; table_name: string; bytes: string }>(
        `SELECT c.relname AS name, c.relkind AS kind, COALESCE(t.relname, c.relname) AS table_name,
                pg_table_size(c.oid) AS bytes
         FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_index i ON i.indexrelid = c.oid
         LEFT JOIN pg_class t ON t.oid = i.indrelid
         WHERE n.nspname = $1 AND c.relkind IN ('r', 'i')`,
        [schema],
      )
    ).rows;
    const out: StorageBreakdown = {
      spansTable: 0,
      searchIndex: 0,
      tracesAndSessions: 0,
      spanIndexes: 0,
    };
    let bytes = 0;
    for (const row of rows) {
      const size = Number(row.bytes);
      bytes += size;
      if (row.kind === 'r' && row.name === 'spans') out.spansTable += size;
      // The search text and its trigram indexes (span_search), and text still queued for them.
      else if (row.table_name === 'span_search' || row.table_name === 'span_search_queue') {
        out.searchIndex += size;
      } else if (row.kind === 'i' && row.table_name === 'spans') out.spanIndexes += size;
      else if (row.table_name === 'traces' || row.table_name === 'sessions') {
        out.tracesAndSessions += size;
      }
    }
    return { bytes, storage: out };
  });
}
