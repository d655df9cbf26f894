/**
 * Reads of traces, sessions and project summaries on a SQLite read connection. Lists use
 * keyset pagination on (sort key, id) so a page boundary never moves when rows are inserted,
 * and every sort has an index in (project_id, key) order (migration 0003).
 */
import type Database from 'better-sqlite3';
import { andFilters, type CompiledFilter } from '../../query/compiled-filter.js';
import { fullTextCondition } from '../../query/full-text-condition.js';
import { annotationSortKeySql } from '../annotation-sort.js';
import type {
  KeysetPage,
  Page,
  ProjectSummary,
  SessionListQuery,
  SessionRow,
  SpanOutline,
  TraceListQuery,
  TraceRow,
  TraceSort,
} from '../store.js';

/** SQL of each trace sort key; the expressions match the indexes of migration 0003 exactly. */
const TRACE_SORT_SQL: Record<TraceSort, string> = {
  start_time: 'traces.start_time',
  latency_ms: '(traces.end_time - traces.start_time)',
  token_count_total: 'traces.total_tokens',
  cost: 'COALESCE(traces.cost, -1)',
};

const TRACE_FROM = 'FROM traces LEFT JOIN sessions ON sessions.id = traces.session_rowid';
const TRACE_SELECT = `SELECT traces.*, sessions.session_id AS session_id ${TRACE_FROM}`;

export function listTraces(
  db: Database.Database,
  projectId: number,
  query: TraceListQuery,
): KeysetPage<TraceRow> {
  const key = TRACE_SORT_SQL[query.sort];
  const conditions: CompiledFilter[] = [{ sql: 'traces.project_id = ?', params: [projectId] }];
  if (query.startTime !== undefined) {
    conditions.push({ sql: 'traces.start_time >= ?', params: [query.startTime] });
  }
  if (query.endTime !== undefined) {
    conditions.push({ sql: 'traces.start_time < ?', params: [query.endTime] });
  }
  if (query.sessionRowids !== undefined) {
    const ids = query.sessionRowids;
    conditions.push({
      sql: ids.length ? `traces.session_rowid IN (${ids.map(() => '?').join(', ')})` : '0',
      params: ids,
    });
  }
  if (query.filter) conditions.push(query.filter);
  if (query.search !== undefined) {
    const text = fullTextCondition('sqlite', 'search_spans', 'any', query.search);
    conditions.push({
      sql: `traces.id IN (SELECT search_spans.trace_rowid FROM spans AS search_spans WHERE ${text.sql})`,
      params: text.params,
    });
  }
  if (query.annotationSort !== undefined) {
    return listTracesByAnnotation(db, conditions, query, query.annotationSort);
  }
  if (query.cursor) {
    const value = cursorValue(query.sort, query.cursor.value);
    const operator = query.order === 'desc' ? '<' : '>';
    conditions.push({
      sql: `(${key} ${operator} ? OR (${key} = ? AND traces.id ${operator}= ?))`,
      params: [value, value, query.cursor.rowid],
    });
  }
  const where = andFilters(conditions);
  const direction = query.order === 'desc' ? 'DESC' : 'ASC';
  const sql = `SELECT traces.*, sessions.session_id AS session_id, ${key} AS sort_key
    ${TRACE_FROM} WHERE ${where.sql} ORDER BY ${key} ${direction}, traces.id ${direction} LIMIT ?`;
  const rows = db
    .prepare(sql)
    .safeIntegers(true)
    .all(...where.params, query.limit + 1) as (TraceDbRow & { sort_key: bigint | number })[];
  const items = rows.slice(0, query.limit).map(fromTraceDbRow);
  const next = rows[query.limit];
  return {
    items,
    nextCursor: next ? { rowid: Number(next.id), value: String(next.sort_key) } : null,
  };
}

/**
 * A page by annotation score (annotation-sort.ts). The key is computed once per trace in a
 * subquery, so the keyset condition and the order compare the same value.
 */
function listTracesByAnnotation(
  db: Database.Database,
  conditions: CompiledFilter[],
  query: TraceListQuery,
  name: string,
): KeysetPage<TraceRow> {
  const where = andFilters(conditions);
  const operator = query.order === 'desc' ? '<' : '>';
  const direction = query.order === 'desc' ? 'DESC' : 'ASC';
  const cursor = query.cursor;
  const after = cursor
    ? `WHERE (sort_key ${operator} ? OR (sort_key = ? AND id ${operator}= ?))`
    : '';
  const cursorParams = cursor ? [Number(cursor.value), Number(cursor.value), cursor.rowid] : [];
  const sql = `SELECT * FROM (
      SELECT traces.*, sessions.session_id AS session_id,
        ${annotationSortKeySql('sqlite')} AS sort_key
      ${TRACE_FROM} WHERE ${where.sql}
    ) ${after} ORDER BY sort_key ${direction}, id ${direction} LIMIT ?`;
  const rows = db
    .prepare(sql)
    .safeIntegers(true)
    .all(name, name, ...where.params, ...cursorParams, query.limit + 1) as (TraceDbRow & {
    sort_key: number;
  })[];
  const items = rows.slice(0, query.limit).map(fromTraceDbRow);
  const next = rows[query.limit];
  return {
    items,
    nextCursor: next ? { rowid: Number(next.id), value: String(Number(next.sort_key)) } : null,
  };
}

/** The sort key of a cursor as the SQL value it is compared with. */
function cursorValue(sort: TraceSort, value: string | undefined): bigint | number {
  if (value === undefined) throw new Error('cursor without a sort value');
  return sort === 'cost' ? Number(value) : BigInt(value);
}

/** The sort key of a stored trace (to turn a plain Trace GlobalID into a keyset cursor). */
export function traceSortValue(
  db: Database.Database,
  rowid: number,
  sort: TraceSort,
): string | null {
  const value = db
    .prepare(`SELECT ${TRACE_SORT_SQL[sort]} FROM traces WHERE id = ?`)
    .pluck()
    .safeIntegers(true)
    .get(rowid) as bigint | number | undefined;
  return value === undefined ? null : String(value);
}

export function getTraceBy(
  db: Database.Database,
  column: 'id' | 'trace_id',
  value: number | string,
): TraceRow | null {
  const row = db
    .prepare(`${TRACE_SELECT} WHERE traces.${column} = ?`)
    .safeIntegers(true)
    .get(value) as TraceDbRow | undefined;
  return row ? fromTraceDbRow(row) : null;
}

export function listSessionTraces(db: Database.Database, sessionRowid: number): TraceRow[] {
  const rows = db
    .prepare(`${TRACE_SELECT} WHERE traces.session_rowid = ? ORDER BY traces.start_time, traces.id`)
    .safeIntegers(true)
    .all(sessionRowid) as TraceDbRow[];
  return rows.map(fromTraceDbRow);
}

export function listTraceSpanOutlines(db: Database.Database, traceRowids: number[]): SpanOutline[] {
  if (traceRowids.length === 0) return [];
  const rows = db
    .prepare(
      `SELECT id, trace_rowid, span_id, parent_id, name, span_kind, status_code, start_time,
         end_time FROM spans WHERE trace_rowid IN (${traceRowids.map(() => '?').join(', ')})
       ORDER BY start_time, id`,
    )
    .safeIntegers(true)
    .all(...traceRowids) as {
    id: bigint;
    trace_rowid: bigint;
    span_id: string;
    parent_id: string | null;
    name: string;
    span_kind: string;
    status_code: string;
    start_time: bigint;
    end_time: bigint;
  }[];
  return rows.map((row) => ({
    rowid: Number(row.id),
    traceRowid: Number(row.trace_rowid),
    spanId: row.span_id,
    parentId: row.parent_id,
    name: row.name,
    spanKind: row.span_kind as SpanOutline['spanKind'],
    statusCode: row.status_code as SpanOutline['statusCode'],
    startTimeUnixNano: row.start_time,
    endTimeUnixNano: row.end_time,
  }));
}

/** Nearest-rank median of the session's trace latencies (ns), as projectSummary's p50. */
const SESSION_LATENCY_P50 = `(SELECT latency FROM (
      SELECT end_time - start_time AS latency,
        ROW_NUMBER() OVER (ORDER BY end_time - start_time) AS position, COUNT(*) OVER () AS n
      FROM traces WHERE session_rowid = sessions.id
    ) WHERE position = (n + 1) / 2)`;

/** A column of the root span of the session's first (ASC) or last (DESC) trace. */
function sessionRootColumn(column: string, order: 'ASC' | 'DESC', condition = '1'): string {
  return `(SELECT spans.${column} FROM traces
      JOIN spans ON spans.trace_rowid = traces.id AND spans.span_id = traces.root_span_id
      WHERE traces.session_rowid = sessions.id AND ${condition}
      ORDER BY traces.start_time ${order}, traces.id ${order} LIMIT 1)`;
}

const SESSION_SELECT = `SELECT sessions.*,
    COALESCE((SELECT SUM(prompt_tokens) FROM traces WHERE session_rowid = sessions.id), 0)
      AS prompt_tokens,
    COALESCE((SELECT SUM(completion_tokens) FROM traces WHERE session_rowid = sessions.id), 0)
      AS completion_tokens,
    COALESCE((SELECT SUM(total_tokens) FROM traces WHERE session_rowid = sessions.id), 0)
      AS total_tokens,
    (SELECT SUM(cost) FROM traces WHERE session_rowid = sessions.id) AS cost,
    ${SESSION_LATENCY_P50} AS latency_p50,
    ${sessionRootColumn('input_preview', 'ASC')} AS first_input_preview,
    ${sessionRootColumn('output_preview', 'DESC')} AS last_output_preview,
    ${sessionRootColumn('user_id', 'ASC', 'spans.user_id IS NOT NULL')} AS user_id
  FROM sessions`;

export function listSessions(
  db: Database.Database,
  projectId: number,
  query: SessionListQuery,
): Page<SessionRow> {
  const conditions: CompiledFilter[] = [{ sql: 'sessions.project_id = ?', params: [projectId] }];
  if (query.cursor !== undefined) {
    const operator = query.order === 'desc' ? '<=' : '>=';
    conditions.push({ sql: `sessions.id ${operator} ?`, params: [query.cursor] });
  }
  // A session is in the window when it was active in it (overlap), not only started in it.
  if (query.startTime !== undefined) {
    conditions.push({ sql: 'sessions.end_time >= ?', params: [query.startTime] });
  }
  if (query.endTime !== undefined) {
    conditions.push({ sql: 'sessions.start_time < ?', params: [query.endTime] });
  }
  if (query.filter) conditions.push(query.filter);
  const where = andFilters(conditions);
  const direction = query.order === 'desc' ? 'DESC' : 'ASC';
  const rows = db
    .prepare(`${SESSION_SELECT} WHERE ${where.sql} ORDER BY sessions.id ${direction} LIMIT ?`)
    .safeIntegers(true)
    .all(...where.params, query.limit + 1) as SessionDbRow[];
  const items = rows.map(fromSessionDbRow);
  if (items.length <= query.limit) return { items, nextCursor: null };
  return { items: items.slice(0, query.limit), nextCursor: items[query.limit]!.rowid };
}

export function getSessionsBy(
  db: Database.Database,
  where: string,
  params: unknown[],
): SessionRow[] {
  const rows = db
    .prepare(`${SESSION_SELECT} WHERE ${where} ORDER BY sessions.end_time DESC, sessions.id DESC`)
    .safeIntegers(true)
    .all(...params) as SessionDbRow[];
  return rows.map(fromSessionDbRow);
}

/** Totals and latency percentiles over the traces that started in [start, end). */
export function projectSummary(
  db: Database.Database,
  projectId: number,
  startTime: bigint | undefined,
  endTime: bigint | undefined,
): ProjectSummary {
  const conditions: CompiledFilter[] = [{ sql: 'project_id = ?', params: [projectId] }];
  if (startTime !== undefined) conditions.push({ sql: 'start_time >= ?', params: [startTime] });
  if (endTime !== undefined) conditions.push({ sql: 'start_time < ?', params: [endTime] });
  const where = andFilters(conditions);
  const totals = db
    .prepare(
      `SELECT COUNT(*) AS trace_count, COALESCE(SUM(span_count), 0) AS span_count,
         COALESCE(SUM(error_count > 0), 0) AS error_trace_count,
         COALESCE(SUM(prompt_tokens), 0) AS prompt_tokens,
         COALESCE(SUM(completion_tokens), 0) AS completion_tokens,
         COALESCE(SUM(total_tokens), 0) AS total_tokens, SUM(cost) AS cost,
         SUM(cost_prompt) AS cost_prompt, SUM(cost_completion) AS cost_completion
       FROM traces INDEXED BY traces_project_start_totals WHERE ${where.sql}`,
    )
    .get(...where.params) as {
    trace_count: number;
    span_count: number;
    error_trace_count: number;
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
    cost: number | null;
    cost_prompt: number | null;
    cost_completion: number | null;
  };
  // Nearest rank, read from the (project_id, latency, start_time) index: from the low end for
  // ranks below the middle, from the high end above it, so p99 walks 1% of the window.
  const percentile = (p: number): number | null => {
    const count = totals.trace_count;
    if (count === 0) return null;
    const rank = Math.max(1, Math.ceil(p * count));
    const fromTop = rank > count / 2;
    const ns = db
      .prepare(
        `SELECT end_time - start_time FROM traces INDEXED BY traces_project_latency_start
         WHERE ${where.sql}
         ORDER BY end_time - start_time ${fromTop ? 'DESC' : 'ASC'} LIMIT 1 OFFSET ?`,
      )
      .pluck()
      .get(...where.params, fromTop ? count - rank : rank - 1) as number;
    return ns / 1e6;
  };
  const sessionCount = db
    .prepare(`SELECT COUNT(*) FROM sessions WHERE ${where.sql}`)
    .pluck()
    .get(...where.params) as number;
  // Trace end = its newest span end; one seek on traces_project_end (migration 0006).
  const lastActivity = db
    .prepare('SELECT MAX(end_time) FROM traces WHERE project_id = ?')
    .pluck()
    .safeIntegers(true)
    .get(projectId) as bigint | null;
  return {
    traceCount: totals.trace_count,
    spanCount: totals.span_count,
    errorTraceCount: totals.error_trace_count,
    latencyMsP50: percentile(0.5),
    latencyMsP90: percentile(0.9),
    latencyMsP99: percentile(0.99),
    promptTokens: totals.prompt_tokens,
    completionTokens: totals.completion_tokens,
    totalTokens: totals.total_tokens,
    cost: totals.cost,
    costPrompt: totals.cost_prompt,
    costCompletion: totals.cost_completion,
    sessionCount,
    lastActivityUnixNano: lastActivity,
  };
}

interface TraceDbRow {
  id: bigint;
  trace_id: string;
  project_id: bigint;
  session_id: string | null;
  start_time: bigint;
  end_time: bigint;
  span_count: bigint;
  error_count: bigint;
  prompt_tokens: bigint;
  completion_tokens: bigint;
  total_tokens: bigint;
  root_span_id: string | null;
  cost: number | null;
}

function fromTraceDbRow(row: TraceDbRow): TraceRow {
  return {
    rowid: Number(row.id),
    traceId: row.trace_id,
    projectId: Number(row.project_id),
    sessionId: row.session_id,
    startTimeUnixNano: row.start_time,
    endTimeUnixNano: row.end_time,
    latencyMs: Number(row.end_time - row.start_time) / 1e6,
    spanCount: Number(row.span_count),
    errorCount: Number(row.error_count),
    promptTokens: Number(row.prompt_tokens),
    completionTokens: Number(row.completion_tokens),
    totalTokens: Number(row.total_tokens),
    rootSpanId: row.root_span_id,
    cost: row.cost === null ? null : Number(row.cost),
  };
}

interface SessionDbRow {
  id: bigint;
  session_id: string;
  project_id: bigint;
  start_time: bigint;
  end_time: bigint;
  trace_count: bigint;
  prompt_tokens: bigint;
  completion_tokens: bigint;
  total_tokens: bigint;
  cost: number | null;
  latency_p50: bigint | null;
  first_input_preview: string | null;
  last_output_preview: string | null;
  user_id: string | null;
}

function fromSessionDbRow(row: SessionDbRow): SessionRow {
  return {
    rowid: Number(row.id),
    sessionId: row.session_id,
    projectId: Number(row.project_id),
    startTimeUnixNano: row.start_time,
    endTimeUnixNano: row.end_time,
    traceCount: Number(row.trace_count),
    promptTokens: Number(row.prompt_tokens),
    completionTokens: Number(row.completion_tokens),
    totalTokens: Number(row.total_tokens),
    cost: row.cost === null ? null : Number(row.cost),
    latencyMsP50: row.latency_p50 === null ? null : Number(row.latency_p50) / 1e6,
    firstInputPreview: row.first_input_preview,
    lastOutputPreview: row.last_output_preview,
    userId: row.user_id,
  };
}
