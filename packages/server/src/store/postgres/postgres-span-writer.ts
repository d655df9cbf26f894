/**
 * The PostgreSQL ingest write path: a batch of spans and the rollups of every trace and session
 * it touches, in one transaction, correct when several Heron processes write at once.
 *
 * Rollups mean exactly what they mean on SQLite (sqlite/span-batch-writer.ts, trace-rollup.ts),
 * and are always recomputed from the stored rows, never incremented:
 * - trace: start, end, span count, error count, token sums over LLM spans only, root span (the
 *   span without a parent, else the earliest span whose parent is not stored; ties by span id),
 *   session (the session.id of its earliest span that has one);
 * - session: first start, last end and number of its traces; a session left without traces is
 *   deleted.
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
 * - a rollup is recomputed by a statement that starts after its row's lock is held: under READ
 *   COMMITTED that statement's snapshot includes everything the previous holder committed.
 * Locks are always taken in the order projects → traces → sessions. A serialization failure or
 * deadlock (possible against other kinds of writes) retries the whole batch a few times.
 */
import type pg from 'pg';
import { DEFAULT_SEARCH_TEXT_MAX_CHARS } from '../../spans/span-search-text.js';
import type { SpanRecord } from '../../spans/span-record.js';
import type { InsertSpansResult } from '../store.js';
import { PG_SPAN_COLUMNS, pgText, toPgSpanValues, type PgSpanValues } from './postgres-span-row.js';

/** Attempts at a batch when PostgreSQL reports a deadlock or serialization failure. */
export const DEFAULT_WRITE_ATTEMPTS = 5;

/** SQLSTATEs after which the same transaction, run again, may succeed. */
const RETRYABLE_CODES = new Set(['40001', '40P01']);

export interface PostgresSpanWriterOptions {
  /** Characters of a span's input/output text kept for full-text search. */
  searchTextMaxChars?: number;
  /** Tries per batch on deadlock / serialization failure (default 5). */
  maxAttempts?: number;
}

/** One span per (trace_id, span_id), ready to write. */
interface BatchSpan {
  traceId: string;
  values: PgSpanValues;
}

/** A trace of the batch. */
interface BatchTrace {
  traceId: string;
  /** The project its first span in the batch names (used only if the trace is new). */
  projectName: string;
  startTime: bigint;
  endTime: bigint;
}

interface LockedTrace {
  id: string;
  trace_id: string;
  project_id: string;
  session_rowid: string | null;
}

interface RecomputedTrace {
  id: string;
  project_id: string;
  session_id: string | null;
}

const SPAN_UPSERT_SQL = (() => {
  const names = PG_SPAN_COLUMNS.map(([name]) => name);
  const columns = ['trace_rowid', 'project_id', ...names];
  const arrays = [
    '$1::bigint[]',
    '$2::bigint[]',
    ...PG_SPAN_COLUMNS.map(([, type], i) => `$${i + 3}::${type}[]`),
  ];
  const updates = columns
    .filter((c) => c !== 'trace_id' && c !== 'span_id')
    .map((c) => `${c} = EXCLUDED.${c}`)
    .join(', ');
  return (
    `INSERT INTO spans (${columns.join(', ')}) ` +
    `SELECT * FROM unnest(${arrays.join(', ')}) ` +
    `ON CONFLICT (trace_id, span_id) DO UPDATE SET ${updates}`
  );
})();

// Creates the batch's traces or locks the existing ones, row by row in trace_id order (the
// fixed order is what keeps two writers from deadlocking). The no-op update takes the row lock
// (FOR NO KEY UPDATE, which still lets other writers' foreign-key checks through) and makes
// RETURNING give the stored row: a trace keeps the project it was created in.
const LOCK_TRACES_SQL = `
  INSERT INTO traces (trace_id, project_id, start_time, end_time)
  SELECT t.trace_id, t.project_id, t.start_time, t.end_time
  FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[])
    AS t(trace_id, project_id, start_time, end_time)
  ORDER BY t.trace_id
  ON CONFLICT (trace_id) DO UPDATE SET span_count = traces.span_count
  RETURNING id, trace_id, project_id, session_rowid`;

// The rollup of each trace from its stored spans, with the same definitions and tie-breaks as
// the SQLite writer (ORDER BY … start_time, span_id; span_id is in the "C" collation).
const RECOMPUTE_TRACES_SQL = `
  WITH agg AS (
    SELECT trace_rowid AS id, MIN(start_time) AS start_time, MAX(end_time) AS end_time,
      COUNT(*) AS span_count, COUNT(*) FILTER (WHERE status_code = 'ERROR') AS error_count,
      -- Only LLM spans count: wrapper spans often copy their children's token counts.
      COALESCE(SUM(prompt_tokens) FILTER (WHERE span_kind = 'LLM'), 0)::bigint AS prompt_tokens,
      COALESCE(SUM(completion_tokens) FILTER (WHERE span_kind = 'LLM'), 0)::bigint
        AS completion_tokens,
      COALESCE(SUM(total_tokens) FILTER (WHERE span_kind = 'LLM'), 0)::bigint AS total_tokens
    FROM spans WHERE trace_rowid = ANY($1::bigint[])
    GROUP BY trace_rowid
  ), root AS (
    SELECT DISTINCT ON (s.trace_rowid) s.trace_rowid AS id, s.span_id
    FROM spans s
    WHERE s.trace_rowid = ANY($1::bigint[])
      AND (s.parent_id IS NULL OR NOT EXISTS (
        SELECT 1 FROM spans p WHERE p.trace_id = s.trace_id AND p.span_id = s.parent_id))
    ORDER BY s.trace_rowid, (s.parent_id IS NOT NULL), s.start_time, s.span_id
  ), first_session AS (
    SELECT DISTINCT ON (trace_rowid) trace_rowid AS id, session_id
    FROM spans WHERE trace_rowid = ANY($1::bigint[]) AND session_id IS NOT NULL
    ORDER BY trace_rowid, start_time, span_id
  )
  UPDATE traces t SET
    start_time = agg.start_time, end_time = agg.end_time, span_count = agg.span_count,
    error_count = agg.error_count, prompt_tokens = agg.prompt_tokens,
    completion_tokens = agg.completion_tokens, total_tokens = agg.total_tokens,
    root_span_id = root.span_id
  FROM agg
    LEFT JOIN root ON root.id = agg.id
    LEFT JOIN first_session ON first_session.id = agg.id
  WHERE t.id = agg.id
  RETURNING t.id, t.project_id, first_session.session_id`;

// Creates or locks sessions, in (project_id, session_id) order, as LOCK_TRACES_SQL does traces.
// Sessions a trace leaves are locked too (recreated empty if meanwhile deleted, then deleted
// again below), so every session whose rollup this batch recomputes is held.
const LOCK_SESSIONS_SQL = `
  INSERT INTO sessions (project_id, session_id, start_time, end_time)
  SELECT k.project_id, k.session_id, 0, 0
  FROM unnest($1::bigint[], $2::text[]) AS k(project_id, session_id)
  ORDER BY k.project_id, k.session_id
  ON CONFLICT (project_id, session_id) DO UPDATE SET trace_count = sessions.trace_count
  RETURNING id, project_id, session_id`;

const SET_TRACE_SESSIONS_SQL = `
  UPDATE traces t SET session_rowid = u.session_rowid
  FROM unnest($1::bigint[], $2::bigint[]) AS u(id, session_rowid)
  WHERE t.id = u.id AND t.session_rowid IS DISTINCT FROM u.session_rowid`;

const RECOMPUTE_SESSIONS_SQL = `
  UPDATE sessions s SET
    start_time = agg.start_time, end_time = agg.end_time, trace_count = agg.trace_count
  FROM (
    SELECT x.id, COALESCE(MIN(t.start_time), 0) AS start_time,
      COALESCE(MAX(t.end_time), 0) AS end_time, COUNT(t.id) AS trace_count
    FROM unnest($1::bigint[]) AS x(id) LEFT JOIN traces t ON t.session_rowid = x.id
    GROUP BY x.id
  ) AS agg
  WHERE s.id = agg.id`;

export class PostgresSpanWriter {
  private readonly searchTextMaxChars: number;
  private readonly maxAttempts: number;
  /** Batches that were run again after a deadlock or serialization failure (diagnostics). */
  retries = 0;

  constructor(
    private readonly pool: pg.Pool,
    options: PostgresSpanWriterOptions = {},
  ) {
    this.searchTextMaxChars = options.searchTextMaxChars ?? DEFAULT_SEARCH_TEXT_MAX_CHARS;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? DEFAULT_WRITE_ATTEMPTS);
  }

  /**
   * Writes the spans (last version wins per (trace_id, span_id)) and the rollups of their traces
   * and sessions in one transaction; resolves after the commit, or rejects with nothing written.
   */
  async insertSpans(spans: SpanRecord[]): Promise<InsertSpansResult> {
    if (spans.length === 0) return { spanCount: 0, traceCount: 0 };
    const { batchSpans, traces } = this.prepare(spans);
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        await this.write(client, batchSpans, traces);
        await client.query('COMMIT');
        return { spanCount: spans.length, traceCount: traces.length };
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        const code = (error as { code?: string }).code;
        if (attempt >= this.maxAttempts || code === undefined || !RETRYABLE_CODES.has(code)) {
          throw error;
        }
        this.retries++;
      } finally {
        // A connection that could not even roll back is not given back to the pool.
        client.release(broken);
      }
      // Jittered backoff, so two writers that collided do not collide again in lockstep.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }

  /** Converts once (outside the retry loop): one row per span key, traces in batch order. */
  private prepare(spans: SpanRecord[]): { batchSpans: BatchSpan[]; traces: BatchTrace[] } {
    const resourceJson = new Map<object, string>();
    // A span sent twice in one batch is stored once, with its last version (as on SQLite; one
    // INSERT … ON CONFLICT statement may not touch the same row twice anyway).
    const byKey = new Map<string, BatchSpan>();
    const traces = new Map<string, BatchTrace>();
    for (const span of spans) {
      const values = toPgSpanValues(span, this.searchTextMaxChars, resourceJson);
      byKey.set(`${span.traceId}:${span.spanId}`, { traceId: span.traceId, values });
      const trace = traces.get(span.traceId);
      if (trace === undefined) {
        traces.set(span.traceId, {
          traceId: span.traceId,
          projectName: pgText(span.projectName),
          startTime: span.startTimeUnixNano,
          endTime: span.endTimeUnixNano,
        });
      } else {
        if (span.startTimeUnixNano < trace.startTime) trace.startTime = span.startTimeUnixNano;
        if (span.endTimeUnixNano > trace.endTime) trace.endTime = span.endTimeUnixNano;
      }
    }
    return { batchSpans: [...byKey.values()], traces: [...traces.values()] };
  }

  private async write(
    client: pg.PoolClient,
    batchSpans: BatchSpan[],
    traces: BatchTrace[],
  ): Promise<void> {
    // 1. Projects: created on first use. Only the projects that new traces would go to, as on
    //    SQLite (the project named by each trace's first span in the batch).
    const projectNames = [...new Set(traces.map((t) => t.projectName))].sort();
    await client.query(
      `INSERT INTO projects (name) SELECT name FROM unnest($1::text[]) AS p(name) ORDER BY name
       ON CONFLICT (name) DO NOTHING`,
      [projectNames],
    );
    // A separate statement: its snapshot sees a project another writer committed meanwhile.
    const projectIds = new Map(
      (
        await client.query<{ id: string; name: string }>(
          'SELECT id, name FROM projects WHERE name = ANY($1::text[])',
          [projectNames],
        )
      ).rows.map((row) => [row.name, row.id]),
    );

    // 2. Traces: created or locked.
    const locked = (
      await client.query<LockedTrace>(LOCK_TRACES_SQL, [
        traces.map((t) => t.traceId),
        traces.map((t) => projectIds.get(t.projectName)),
        traces.map((t) => t.startTime.toString()),
        traces.map((t) => t.endTime.toString()),
      ])
    ).rows;
    const traceRows = new Map(locked.map((row) => [row.trace_id, row]));

    // 3. Spans: one multi-row upsert; each span joins its trace's project.
    const columns: unknown[][] = [[], [], ...PG_SPAN_COLUMNS.map(() => [])];
    for (const span of batchSpans) {
      const trace = traceRows.get(span.traceId)!;
      columns[0]!.push(trace.id);
      columns[1]!.push(trace.project_id);
      for (let i = 0; i < span.values.length; i++) columns[i + 2]!.push(span.values[i]);
    }
    await client.query(SPAN_UPSERT_SQL, columns);

    // 4. Trace rollups from the stored spans.
    const traceIds = locked.map((row) => row.id);
    const recomputed = (await client.query<RecomputedTrace>(RECOMPUTE_TRACES_SQL, [traceIds])).rows;

    // 5. Sessions: the one each trace belongs to now, and the one it was in before.
    const previous = new Map(locked.map((row) => [row.id, row.session_rowid]));
    const previousRowids = [
      ...new Set(locked.map((row) => row.session_rowid).filter((id) => id !== null)),
    ];
    const keys = new Map<string, { projectId: string; sessionId: string }>();
    const keyOf = (projectId: string, sessionId: string) => `${projectId}\u0000${sessionId}`;
    for (const row of recomputed) {
      if (row.session_id !== null) {
        keys.set(keyOf(row.project_id, row.session_id), {
          projectId: row.project_id,
          sessionId: row.session_id,
        });
      }
    }
    if (previousRowids.length > 0) {
      // Keys never change, so reading them unlocked is safe; the lock comes with the upsert.
      const rows = (
        await client.query<{ project_id: string; session_id: string }>(
          'SELECT project_id, session_id FROM sessions WHERE id = ANY($1::bigint[])',
          [previousRowids],
        )
      ).rows;
      for (const row of rows) {
        keys.set(keyOf(row.project_id, row.session_id), {
          projectId: row.project_id,
          sessionId: row.session_id,
        });
      }
    }
    if (keys.size === 0) return;
    const sessions = (
      await client.query<{ id: string; project_id: string; session_id: string }>(
        LOCK_SESSIONS_SQL,
        [[...keys.values()].map((k) => k.projectId), [...keys.values()].map((k) => k.sessionId)],
      )
    ).rows;
    const sessionRowids = new Map(
      sessions.map((row) => [keyOf(row.project_id, row.session_id), row.id]),
    );
    const changed = recomputed
      .map((row) => ({
        id: row.id,
        sessionRowid:
          row.session_id === null
            ? null
            : sessionRowids.get(keyOf(row.project_id, row.session_id))!,
      }))
      .filter((row) => row.sessionRowid !== previous.get(row.id));
    if (changed.length > 0) {
      await client.query(SET_TRACE_SESSIONS_SQL, [
        changed.map((row) => row.id),
        changed.map((row) => row.sessionRowid),
      ]);
    }
    const touchedSessions = sessions.map((row) => row.id);
    await client.query(RECOMPUTE_SESSIONS_SQL, [touchedSessions]);
    await client.query('DELETE FROM sessions WHERE id = ANY($1::bigint[]) AND trace_count = 0', [
      touchedSessions,
    ]);
  }
}
