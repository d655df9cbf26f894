/**
 * Where one span's PostgreSQL CPU goes, measured so that a shared, busy machine does not blur
 * it: the benchmark's own spans (decoded and normalized beforehand) written through
 * `PostgresStore.insertSpans` in this process, on ONE pooled connection, so every statement runs
 * on one backend whose CPU time /proc/<pid>/schedstat gives in nanoseconds before and after.
 * CPU time, unlike throughput, hardly depends on what else the machine runs.
 *
 * Then the same backend runs the search indexer until the queue is empty, giving the CPU the
 * full-text index costs per span after the commit (postgres-search-indexer.ts).
 */
import { readFileSync } from 'node:fs';
import type pg from 'pg';
import { decodeProtobufExportRequest } from '../../packages/server/dist/otlp/protobuf-decoder.js';
import { normalizeExportRequest } from '../../packages/server/dist/spans/span-normalizer.js';
import { DEFAULT_SPAN_LIMITS } from '../../packages/server/dist/spans/span-limits.js';
import type { SpanRecord } from '../../packages/server/dist/spans/span-record.js';
import { createPostgresPool } from '../../packages/server/dist/store/postgres/postgres-connection.js';
import { migratePostgres } from '../../packages/server/dist/store/postgres/postgres-migrations.js';
import { PostgresStore } from '../../packages/server/dist/store/postgres/postgres-store.js';
import type { PayloadGenerator } from './payload-generator.js';
import {
  dropSchema,
  freshIngestSchema,
  trackSchema,
  withDatabase,
} from './postgres-bench-schema.js';

export interface WritePathOptions {
  databaseUrl: string;
  /** Spans measured, and spans written before (warm caches, a non-empty table). */
  spans: number;
  warmupSpans: number;
  /** Spans per insertSpans call (one ingest transaction). */
  batchSpans: number;
  log: (message: string) => void;
}

export interface StatementCpu {
  /** What the statement does, e.g. "spans upsert + search queue". */
  label: string;
  /** Backend CPU per span, µs. */
  microsPerSpan: number;
}

export interface WritePathResult {
  spans: number;
  batchSpans: number;
  /** PostgreSQL backend CPU per span over the whole transactions, µs. */
  backendMicrosPerSpan: number;
  statements: StatementCpu[];
  /** This process's CPU per span inside insertSpans (Heron's side of the write), µs. */
  heronMicrosPerSpan: number;
  /** WAL written per span by the whole server meanwhile (other sessions' included), bytes. */
  walBytesPerSpan: number;
  /** The search indexer afterwards, on the same backend: CPU per span indexed, µs. */
  indexerMicrosPerSpan: number;
}

/** Statement text → label; the first match wins. */
const LABELS: [RegExp, string][] = [
  [/INSERT INTO spans/, 'spans upsert + search queue'],
  [/^\s*INSERT INTO traces/, 'traces insert (new traces with their rollup) / lock'],
  [/INSERT INTO sessions/, 'sessions: lock, add new traces, link traces to them'],
  [/WITH agg AS/, 'trace rollups recomputed (existing traces)'],
  [/^\s*UPDATE sessions/, 'session rollups recomputed'],
  [/^\s*(INSERT INTO projects|SELECT id, name FROM projects)/, 'projects'],
  [/^\s*COMMIT/, 'commit'],
  [/DELETE FROM span_search_queue/, 'search indexer chunk'],
];

function labelOf(sql: string): string {
  return LABELS.find(([pattern]) => pattern.test(sql))?.[1] ?? 'other';
}

function cpuNanos(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);
}

/** The spans of `count` spans' worth of requests, decoded and normalized as a server would. */
function makeSpans(generator: PayloadGenerator, count: number): SpanRecord[] {
  const spans: SpanRecord[] = [];
  while (spans.length < count) {
    const lease = generator.next();
    const request = decodeProtobufExportRequest(lease.body);
    lease.release();
    spans.push(...normalizeExportRequest(request, { limits: DEFAULT_SPAN_LIMITS }).spans);
  }
  return spans;
}

/** Undefined when PostgreSQL does not run on this machine (its backend's CPU is not visible). */
export async function runWritePath(
  generator: PayloadGenerator,
  options: WritePathOptions,
): Promise<WritePathResult | undefined> {
  const { databaseUrl: url, log } = options;
  const schema = freshIngestSchema();
  trackSchema(url, schema);
  log(
    `ingest: write path in process (one connection), ${options.warmupSpans} + ${options.spans} spans in batches of ${options.batchSpans}`,
  );
  await migratePostgres(url, { schema });
  const pool = createPostgresPool({ url, schema, max: 1 });
  // Indexing only when asked: its CPU is measured on its own below.
  const store = new PostgresStore(pool, null, undefined, {}, null, { background: false });
  try {
    const pid = (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    try {
      cpuNanos(pid);
    } catch {
      log('  PostgreSQL runs elsewhere: its backend CPU cannot be read here; skipped');
      return undefined;
    }
    const perLabel = new Map<string, number>();
    let measuring = false;
    // Every statement of the store goes through this one client: time each on the backend.
    pool.on('acquire', (client: pg.PoolClient & { heronTimed?: boolean }) => {
      if (client.heronTimed) return;
      client.heronTimed = true;
      const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
      (client as { query: unknown }).query = async (...args: unknown[]) => {
        const before = cpuNanos(pid);
        try {
          return await query(...args);
        } finally {
          if (measuring) {
            const label = typeof args[0] === 'string' ? labelOf(args[0]) : 'other';
            perLabel.set(label, (perLabel.get(label) ?? 0) + cpuNanos(pid) - before);
          }
        }
      };
    });
    const insertAll = async (spans: SpanRecord[]) => {
      for (let i = 0; i < spans.length; i += options.batchSpans) {
        await store.insertSpans(spans.slice(i, i + options.batchSpans));
      }
    };
    await insertAll(makeSpans(generator, options.warmupSpans));
    const spans = makeSpans(generator, options.spans).slice(0, options.spans);
    const walStart = await walInsertLsn(url);
    measuring = true;
    const backendStart = cpuNanos(pid);
    const heronStart = process.cpuUsage();
    await insertAll(spans);
    const heron = process.cpuUsage(heronStart);
    const backend = cpuNanos(pid) - backendStart;
    measuring = false;
    const walBytes = await walBytesSince(url, walStart);
    const backlog = await store.searchIndexer.backlog();
    const indexStart = cpuNanos(pid);
    await store.searchIndexer.catchUp();
    const indexer = cpuNanos(pid) - indexStart;
    const micros = (nanos: number, n = spans.length) => nanos / 1000 / n;
    const result: WritePathResult = {
      spans: spans.length,
      batchSpans: options.batchSpans,
      backendMicrosPerSpan: micros(backend),
      statements: [...perLabel]
        .map(([label, nanos]) => ({ label, microsPerSpan: micros(nanos) }))
        .sort((a, b) => b.microsPerSpan - a.microsPerSpan),
      heronMicrosPerSpan: (heron.user + heron.system) / spans.length,
      walBytesPerSpan: walBytes / spans.length,
      indexerMicrosPerSpan: micros(indexer, Math.max(1, backlog)),
    };
    log(
      `  → PostgreSQL backend ${result.backendMicrosPerSpan.toFixed(0)} µs/span, Heron ${result.heronMicrosPerSpan.toFixed(0)} µs/span, ` +
        `search indexing afterwards ${result.indexerMicrosPerSpan.toFixed(0)} µs/span`,
    );
    return result;
  } finally {
    await store.close();
    await dropSchema(url, schema);
  }
}

async function walInsertLsn(url: string): Promise<string> {
  return withDatabase(url, async (client) => {
    const { rows } = await client.query<{ lsn: string }>(
      'SELECT pg_current_wal_insert_lsn()::text AS lsn',
    );
    return rows[0]!.lsn;
  });
}

async function walBytesSince(url: string, lsn: string): Promise<number> {
  return withDatabase(url, async (client) => {
    const { rows } = await client.query<{ bytes: string }>(
      'SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), $1::pg_lsn) AS bytes',
      [lsn],
    );
    return Number(rows[0]!.bytes);
  });
}
