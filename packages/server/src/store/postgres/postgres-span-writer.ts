/**
 * The PostgreSQL ingest write path: a batch of spans and the rollups of every trace and session
 * it touches, in one transaction, correct when several Heron processes write at once.
 *
 * Rollups mean exactly what they mean on SQLite (sqlite/span-batch-writer.ts, trace-rollup.ts):
 * - trace: start, end, span count, error count, token sums over LLM spans only, root span (the
 *   span without a parent, else the earliest span whose parent is not stored; ties by span id),
 *   session (the session.id of its earliest span that has one);
 * - session: first start, last end and number of its traces; a session left without traces is
 *   deleted.
 * A trace the batch creates gets its rollup from the batch's spans (postgres-batch-rollup.ts):
 * no other spans of it can be stored. A trace that existed is recomputed from its stored rows,
 * never incremented. A session only new traces join is updated by adding them (first start,
 * last end, count) under its row lock; any other touched session is recomputed.
 *
 * Multi-writer safety. Another process may be writing spans of the same traces, or traces of
 * the same sessions, at the same moment. So:
 * - every insert is an upsert on a unique key (projects.name, traces.trace_id,
 *   spans (trace_id, span_id), sessions (project_id, session_id)); nothing is looked up first
 *   and inserted after;
 * - the trace rows a batch touches are locked (created, or locked by a no-op update) before its
 *   spans are written, and the session rows before their rollups are computed, each in one
 *   statement in a fixed order, so two writers sharing traces or sessions queue up behind each
 *   other instead of deadlocking, and the second one recomputes after the first has committed;
 *   a trace this batch created cannot get spans from another writer before this commit (that
 *   writer waits for the row), which is why its batch rollup is its rollup;
 * - a rollup is recomputed by a statement that starts after its row's lock is held: under READ
 *   COMMITTED that statement's snapshot includes everything the previous holder committed, and
 *   an addition to a session is made by the statement that takes its lock, on its latest row.
 * Locks are always taken in the order projects → traces → sessions. A serialization failure or
 * deadlock (possible against other kinds of writes) retries the whole batch a few times.
 *
 * Search text goes to the search queue in the span's transaction; the index is filled later
 * (postgres-search-indexer.ts).
 */
import type pg from 'pg';
import { DEFAULT_SEARCH_TEXT_MAX_CHARS } from '../../spans/span-search-text.js';
import type { SpanRecord } from '../../spans/span-record.js';
import type { InsertSpansResult } from '../store.js';
import { countSpansPerTrace } from '../store-change.js';
import type { PostgresChangeNotices } from './postgres-change-notices.js';
import {
  pgBinaryArray,
  type PgBinaryElementType,
  type PgBinaryValue,
} from './postgres-binary-array.js';
import {
  PG_SPAN_COLUMNS,
  pgText,
  toPgSearchText,
  toPgSpanValues,
  type PgSpanValues,
} from './postgres-span-row.js';
import { settleRollups, type CreatedTrace, type LockedTrace } from './postgres-trace-rollup.js';
import { batchTraceRollup } from './postgres-batch-rollup.js';
import type { TraceRollup } from '../sqlite/trace-rollup.js';
import { DEFAULT_WRITE_ATTEMPTS, inWriteTransaction } from './postgres-transaction.js';

export { DEFAULT_WRITE_ATTEMPTS };

export interface PostgresSpanWriterOptions {
  /** Characters of a span's input/output text kept for full-text search. */
  searchTextMaxChars?: number;
  /** Tries per batch on deadlock / serialization failure (default 5). */
  maxAttempts?: number;
  /** Announces each batch in its transaction (live updates); none: no notices. */
  changeNotices?: PostgresChangeNotices | null;
}

/** One span per (trace_id, span_id), ready to write. */
interface BatchSpan {
  traceId: string;
  record: SpanRecord;
  values: PgSpanValues;
  /** Folded search text, queued for the search index. */
  searchInput: string;
  searchOutput: string;
}

/** A trace of the batch. */
interface BatchTrace {
  traceId: string;
  /** The project its first span in the batch names (used only if the trace is new). */
  projectName: string;
  /** Its rollup over the batch's spans: the trace's rollup if the batch creates it. */
  rollup: TraceRollup;
}

/**
 * The spans (one multi-row upsert), their search text queued for the search index, and the
 * indexed text of spans sent again removed — the index must not answer for a span's old text
 * (migrations/0008-search-index-queue.sql). `xmax = 0` tells a row this statement inserted from
 * one it updated: an updated row's new version carries this transaction's row lock in xmax.
 * A span sent again with no text still gets an (empty) queue row, replacing any queued text.
 */
const SPAN_UPSERT_SQL = (() => {
  const names = PG_SPAN_COLUMNS.map(([name]) => name);
  const columns = ['trace_rowid', 'project_id', ...names];
  // unnest() calls in the select list run in lockstep and stream their rows; the multi-array
  // unnest(…) in FROM first materializes the whole batch, spilling megabytes to temp files.
  const arrays = [
    'unnest($1::bigint[])',
    'unnest($2::bigint[])',
    ...PG_SPAN_COLUMNS.map(([, type], i) => `unnest($${i + 3}::${type}[])`),
  ];
  const updates = columns
    .filter((c) => c !== 'trace_id' && c !== 'span_id')
    .map((c) => `${c} = EXCLUDED.${c}`)
    .join(', ');
  const param = (name: string) => `$${names.indexOf(name) + 3}`;
  const input = `$${PG_SPAN_COLUMNS.length + 3}`;
  const output = `$${PG_SPAN_COLUMNS.length + 4}`;
  return (
    `WITH upserted AS (INSERT INTO spans (${columns.join(', ')}) ` +
    `SELECT ${arrays.join(', ')} ` +
    `ON CONFLICT (trace_id, span_id) DO UPDATE SET ${updates} ` +
    'RETURNING id, trace_id, span_id, NOT (xmax = 0) AS resent), ' +
    'queued AS (INSERT INTO span_search_queue (span_rowid, input, output) ' +
    'SELECT u.id, t.input, t.output FROM upserted AS u ' +
    `JOIN (SELECT unnest(${param('trace_id')}::text[]) AS trace_id, ` +
    `unnest(${param('span_id')}::text[]) AS span_id, unnest(${input}::text[]) AS input, ` +
    `unnest(${output}::text[]) AS output) AS t ` +
    'ON t.trace_id = u.trace_id AND t.span_id = u.span_id ' +
    "WHERE t.input <> '' OR t.output <> '' OR u.resent " +
    'ON CONFLICT (span_rowid) DO UPDATE SET input = EXCLUDED.input, output = EXCLUDED.output) ' +
    'DELETE FROM span_search WHERE span_rowid IN (SELECT id FROM upserted WHERE resent)'
  );
})();

// Creates the batch's traces or locks the existing ones, row by row in trace_id order (the
// fixed order is what keeps two writers from deadlocking). A new trace is inserted with its
// final rollup (postgres-batch-rollup.ts). For an existing one, the no-op update takes the row
// lock (FOR NO KEY UPDATE, which still lets other writers' foreign-key checks through) and makes
// RETURNING give the stored row: a trace keeps the project it was created in. `created` tells
// the two apart: the new version of an updated row carries this transaction's lock in xmax.
const LOCK_TRACES_SQL = `
  INSERT INTO traces (trace_id, project_id, start_time, end_time, span_count, error_count,
    prompt_tokens, completion_tokens, total_tokens, cost, cost_prompt, cost_completion,
    root_span_id)
  SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::integer[],
    $6::integer[], $7::bigint[], $8::bigint[], $9::bigint[], $10::double precision[],
    $11::double precision[], $12::double precision[], $13::text[])
    AS t(trace_id, project_id, start_time, end_time, span_count, error_count, prompt_tokens,
      completion_tokens, total_tokens, cost, cost_prompt, cost_completion, root_span_id)
  ORDER BY t.trace_id
  ON CONFLICT (trace_id) DO UPDATE SET span_count = traces.span_count
  RETURNING id, trace_id, project_id, session_rowid, xmax = 0 AS created`;

/** A batch converted and encoded before its transaction (see `prepare`). */
interface PreparedBatch {
  batchSpans: BatchSpan[];
  traces: BatchTrace[];
  /** SPAN_UPSERT_SQL's parameters after trace_rowid and project_id, in batchSpans order. */
  spanColumns: Buffer[];
  /** LOCK_TRACES_SQL's parameters but the project ids, in traces order. */
  traceColumns: { traceIds: Buffer; rollups: Buffer[] };
}

/** A trace row as the writer locked it, and whether this transaction created it. */
interface WriterLockedTrace extends LockedTrace {
  created: boolean;
}

export class PostgresSpanWriter {
  private readonly searchTextMaxChars: number;
  private readonly maxAttempts: number;
  private readonly changeNotices: PostgresChangeNotices | null;
  /** Batches that were run again after a deadlock or serialization failure (diagnostics). */
  retries = 0;

  constructor(
    private readonly pool: pg.Pool,
    options: PostgresSpanWriterOptions = {},
  ) {
    this.searchTextMaxChars = options.searchTextMaxChars ?? DEFAULT_SEARCH_TEXT_MAX_CHARS;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? DEFAULT_WRITE_ATTEMPTS);
    this.changeNotices = options.changeNotices ?? null;
  }

  /**
   * Writes the spans (last version wins per (trace_id, span_id)) and the rollups of their traces
   * and sessions in one transaction; resolves after the commit, or rejects with nothing written.
   */
  async insertSpans(spans: SpanRecord[]): Promise<InsertSpansResult> {
    if (spans.length === 0) return { spanCount: 0, traceCount: 0 };
    const batch = this.prepare(spans);
    return inWriteTransaction(
      this.pool,
      { maxAttempts: this.maxAttempts, onRetry: () => this.retries++ },
      async (client) => {
        await this.write(client, batch);
        return { spanCount: spans.length, traceCount: batch.traces.length };
      },
    );
  }

  /**
   * Converts once, before the transaction (and outside its retry loop): one row per span key,
   * traces in batch order, and every parameter that does not depend on the database already
   * encoded — work done while the transaction holds its trace and session locks would make
   * other writers wait for this process's CPU.
   */
  private prepare(spans: SpanRecord[]): PreparedBatch {
    const resourceJson = new Map<object, string>();
    // A span sent twice in one batch is stored once, with its last version (as on SQLite; one
    // INSERT … ON CONFLICT statement may not touch the same row twice anyway).
    const byKey = new Map<string, BatchSpan>();
    const projectNames = new Map<string, string>();
    for (const span of spans) {
      const values = toPgSpanValues(span, resourceJson);
      const search = toPgSearchText(span, this.searchTextMaxChars);
      byKey.set(`${span.traceId}:${span.spanId}`, {
        traceId: span.traceId,
        record: span,
        values,
        searchInput: search.input,
        searchOutput: search.output,
      });
      if (!projectNames.has(span.traceId)) projectNames.set(span.traceId, pgText(span.projectName));
    }
    const batchSpans = [...byKey.values()];
    const spansOfTrace = new Map<string, SpanRecord[]>();
    for (const span of batchSpans) {
      const list = spansOfTrace.get(span.traceId);
      if (list === undefined) spansOfTrace.set(span.traceId, [span.record]);
      else list.push(span.record);
    }
    const traces = [...projectNames].map(([traceId, projectName]) => ({
      traceId,
      projectName,
      rollup: batchTraceRollup(spansOfTrace.get(traceId)!),
    }));
    const spanColumns = PG_SPAN_COLUMNS.map(([, type], i) =>
      pgBinaryArray(
        type,
        batchSpans.map((span) => span.values[i]!),
      ),
    );
    spanColumns.push(
      pgBinaryArray(
        'text',
        batchSpans.map((span) => span.searchInput),
      ),
      pgBinaryArray(
        'text',
        batchSpans.map((span) => span.searchOutput),
      ),
    );
    const traceColumn = <T extends PgBinaryValue>(
      type: PgBinaryElementType,
      of: (t: BatchTrace) => T,
    ) => pgBinaryArray(type, traces.map(of));
    const traceColumns = {
      traceIds: traceColumn('text', (t) => t.traceId),
      rollups: [
        traceColumn('bigint', (t) => t.rollup.startTime),
        traceColumn('bigint', (t) => t.rollup.endTime),
        traceColumn('integer', (t) => t.rollup.spanCount),
        traceColumn('integer', (t) => t.rollup.errorCount),
        traceColumn('bigint', (t) => t.rollup.promptTokens),
        traceColumn('bigint', (t) => t.rollup.completionTokens),
        traceColumn('bigint', (t) => t.rollup.totalTokens),
        traceColumn('double precision', (t) => t.rollup.cost),
        traceColumn('double precision', (t) => t.rollup.costPrompt),
        traceColumn('double precision', (t) => t.rollup.costCompletion),
        traceColumn('text', (t) => t.rollup.rootSpanId),
      ],
    };
    return { batchSpans, traces, spanColumns, traceColumns };
  }

  private async write(client: pg.PoolClient, batch: PreparedBatch): Promise<void> {
    const { batchSpans, traces } = batch;
    // 1. Projects: created on first use. Only the projects that new traces would go to, as on
    //    SQLite (the project named by each trace's first span in the batch). Each is held with
    //    FOR KEY SHARE (which writers share) until the commit, so a project deleted at the same
    //    moment cannot vanish under the batch's new traces: the delete waits for the batch, or
    //    the batch creates the project again.
    const projectNames = [...new Set(traces.map((t) => t.projectName))].sort();
    const projectIds = new Map<string, string>();
    while (projectIds.size < projectNames.length) {
      const missing = projectNames.filter((name) => !projectIds.has(name));
      await client.query(
        `INSERT INTO projects (name) SELECT name FROM unnest($1::text[]) AS p(name) ORDER BY name
         ON CONFLICT (name) DO NOTHING`,
        [missing],
      );
      // A separate statement: its snapshot sees a project another writer committed meanwhile.
      const { rows } = await client.query<{ id: string; name: string }>(
        `SELECT id, name FROM projects WHERE name = ANY($1::text[]) ORDER BY name
         FOR KEY SHARE`,
        [missing],
      );
      for (const row of rows) projectIds.set(row.name, row.id);
    }

    // 2. Traces: created (with their rollups) or locked.
    const locked = (
      await client.query<WriterLockedTrace>(LOCK_TRACES_SQL, [
        batch.traceColumns.traceIds,
        pgBinaryArray(
          'bigint',
          traces.map((t) => projectIds.get(t.projectName)),
        ),
        ...batch.traceColumns.rollups,
      ])
    ).rows;
    const traceRows = new Map(locked.map((row) => [row.trace_id, row]));

    // 3. Spans: one multi-row upsert; each span joins its trace's project. Their search text
    //    goes to the search queue in the same statement.
    const traceOfSpan = batchSpans.map((span) => traceRows.get(span.traceId)!);
    await client.query(SPAN_UPSERT_SQL, [
      pgBinaryArray(
        'bigint',
        traceOfSpan.map((trace) => trace.id),
      ),
      pgBinaryArray(
        'bigint',
        traceOfSpan.map((trace) => trace.project_id),
      ),
      ...batch.spanColumns,
    ]);

    // 4. The live-update notice, delivered by PostgreSQL only if this transaction commits (sent
    //    before the sessions are locked, so as not to hold them longer).
    await this.changeNotices?.spansCommitted(
      client,
      locked,
      projectIds,
      countSpansPerTrace(batchSpans),
    );

    // 5–6. Rollups of the traces that existed from their stored spans, then the sessions the
    //      batch's traces are in (or were in).
    const rollups = new Map(traces.map((t) => [t.traceId, t.rollup]));
    const created: CreatedTrace[] = [];
    for (const row of locked) {
      const rollup = rollups.get(row.trace_id)!;
      if (!row.created || rollup.sessionId === null) continue;
      created.push({
        id: row.id,
        project_id: row.project_id,
        session_id: pgText(rollup.sessionId),
        start_time: rollup.startTime,
        end_time: rollup.endTime,
      });
    }
    await settleRollups(
      client,
      locked.filter((row) => !row.created),
      created,
    );
  }
}
