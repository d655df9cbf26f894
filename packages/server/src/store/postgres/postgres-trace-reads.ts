/**
 * Reads of traces, sessions and project summaries on PostgreSQL, with the semantics of the
 * SQLite ones (sqlite/sqlite-trace-reads.ts). Lists use keyset pagination on (sort key, id),
 * and every sort has an index in (project_id, key, id) order (migration 0001).
 */
import type pg from 'pg';
import { fullTextCondition } from '../../query/full-text-condition.js';
import { toPostgresParams, toPostgresPlaceholders } from '../../query/postgres-placeholders.js';
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
import {
  placeholders,
  toPgStatement,
  typed,
  whereStatement,
  type PgFragment,
} from './postgres-statement.js';

/** SQL of each trace sort key; the expressions match the indexes of migration 0001 exactly. */
const TRACE_SORT_SQL: Record<TraceSort, string> = {
  start_time: 'traces.start_time',
  latency_ms: '(traces.end_time - traces.start_time)',
  token_count_total: 'traces.total_tokens',
  cost: 'COALESCE(traces.cost, -1)',
};

/** The SQL type a cursor's sort value is compared as. */
const TRACE_SORT_TYPE: Record<TraceSort, string> = {
  start_time: 'bigint',
  latency_ms: 'bigint',
  token_count_total: 'bigint',
  cost: 'double precision',
};

const TRACE_COLUMNS = `traces.id, traces.trace_id, traces.project_id,
  sessions.session_id AS session_id, traces.start_time, traces.end_time, traces.span_count,
  traces.error_count, traces.prompt_tokens, traces.completion_tokens, traces.total_tokens,
  traces.root_span_id, traces.cost`;
const TRACE_FROM = 'FROM traces LEFT JOIN sessions ON sessions.id = traces.session_rowid';
const TRACE_SELECT = `SELECT ${TRACE_COLUMNS} ${TRACE_FROM}`;

export async function listTraces(
  db: pg.Pool,
  projectId: number,
  query: TraceListQuery,
): Promise<KeysetPage<TraceRow>> {
  const key = TRACE_SORT_SQL[query.sort];
  let cursor = query.cursor;
  // A plain Trace GlobalID as cursor (Phoenix's kind) starts at that row's sort key.
  if (cursor && cursor.value === undefined) {
    const value = await traceSortValue(db, cursor.rowid, query.sort);
    if (value === null) return { items: [], nextCursor: null };
    cursor = { rowid: cursor.rowid, value };
  }
  const conditions: PgFragment[] = [{ sql: 'traces.project_id = ?', params: [projectId] }];
  if (query.startTime !== undefined) {
    conditions.push({ sql: 'traces.start_time >= ?', params: [query.startTime] });
  }
  if (query.endTime !== undefined) {
    conditions.push({ sql: 'traces.start_time < ?', params: [query.endTime] });
  }
  if (query.sessionRowids !== undefined) {
    const ids = query.sessionRowids;
    conditions.push({
      sql: ids.length ? `traces.session_rowid IN (${placeholders(ids)})` : 'FALSE',
      params: ids,
    });
  }
  if (query.filter) conditions.push(typed(query.filter));
  if (query.search !== undefined) {
    const text = fullTextCondition('postgres', 'search_spans', 'any', query.search);
    // A span is always in its trace's project; saying so lets the search stay in the project.
    // The project is given as a value, not as traces.project_id: a correlated subquery would
    // be run once per trace (found by the PostgreSQL query benchmark: 42 s at 50k spans).
    conditions.push(
      typed({
        sql:
          'traces.id IN (SELECT search_spans.trace_rowid FROM spans AS search_spans' +
          ` WHERE search_spans.project_id = ? AND ${text.sql})`,
        params: [projectId, ...text.params],
      }),
    );
  }
  if (query.annotationSort !== undefined) {
    return listTracesByAnnotation(db, conditions, query, query.annotationSort);
  }
  if (cursor) {
    if (cursor.value === undefined) throw new Error('cursor without a sort value');
    const value = `?::${TRACE_SORT_TYPE[query.sort]}`;
    const operator = query.order === 'desc' ? '<=' : '>=';
    // A row comparison, which PostgreSQL uses as a bound on the (project, key, id) index: a
    // deep page starts where it should instead of scanning every newer entry (the spelled-out
    // `key < v OR (key = v AND id <= r)` cannot bound an index scan).
    conditions.push({
      sql: `(${key}, traces.id) ${operator} (${value}, ?::bigint)`,
      params: [cursor.value, cursor.rowid],
    });
  }
  const direction = query.order === 'desc' ? 'DESC' : 'ASC';
  const { rows } = await db.query<TraceDbRow & { sort_key: string | number }>(
    whereStatement(`SELECT ${TRACE_COLUMNS}, ${key} AS sort_key ${TRACE_FROM}`, conditions, {
      sql: `ORDER BY ${key} ${direction}, traces.id ${direction} LIMIT ?`,
      params: [query.limit + 1],
    }),
  );
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
async function listTracesByAnnotation(
  db: pg.Pool,
  conditions: PgFragment[],
  query: TraceListQuery,
  name: string,
): Promise<KeysetPage<TraceRow>> {
  const operator = query.order === 'desc' ? '<' : '>';
  const direction = query.order === 'desc' ? 'DESC' : 'ASC';
  const cursor = query.cursor;
  if (cursor && cursor.value === undefined) throw new Error('cursor without a sort value');
  // The name's placeholders sit in the select list, before the conditions: each fragment is
  // numbered after the ones before it, typed ones with their values' types.
  const fragments: PgFragment[] = [
    { sql: annotationSortKeySql('postgres'), params: [name, name] },
    ...conditions,
    cursor
      ? {
          sql: `(sort_key ${operator} ?::double precision OR (sort_key = ?::double precision AND id ${operator}= ?))`,
          params: [cursor.value, cursor.value, cursor.rowid],
        }
      : { sql: 'TRUE', params: [] },
    { sql: '?', params: [query.limit + 1] },
  ];
  const texts: string[] = [];
  const params: unknown[] = [];
  for (const fragment of fragments) {
    texts.push(
      toPostgresPlaceholders(
        fragment.sql,
        params.length,
        fragment.typed ? fragment.params : undefined,
      ),
    );
    params.push(...fragment.params);
  }
  const [key, ...rest] = texts;
  const limit = rest.pop()!;
  const after = rest.pop()!;
  const where = rest.map((text) => `(${text})`).join(' AND ');
  const { rows } = await db.query<TraceDbRow & { sort_key: number }>({
    text: `SELECT * FROM (
        SELECT ${TRACE_COLUMNS}, ${key} AS sort_key ${TRACE_FROM} WHERE ${where}
      ) AS sorted WHERE ${after} ORDER BY sort_key ${direction}, id ${direction} LIMIT ${limit}`,
    values: toPostgresParams(params),
  });
  const items = rows.slice(0, query.limit).map(fromTraceDbRow);
  const next = rows[query.limit];
  return {
    items,
    nextCursor: next ? { rowid: Number(next.id), value: String(Number(next.sort_key)) } : null,
  };
}

/** The sort key of a stored trace (to turn a plain Trace GlobalID into a keyset cursor). */
async function traceSortValue(db: pg.Pool, rowid: number, sort: TraceSort): Promise<string | null> {
  const { rows } = await db.query<{ value: string | number }>(
    toPgStatement({
      sql: `SELECT ${TRACE_SORT_SQL[sort]} AS value FROM traces WHERE id = ?`,
      params: [rowid],
    }),
  );
  return rows[0] ? String(rows[0].value) : null;
}

export async function getTraceBy(
  db: pg.Pool,
  column: 'id' | 'trace_id',
  value: number | string,
): Promise<TraceRow | null> {
  const { rows } = await db.query<TraceDbRow>(
    toPgStatement({ sql: `${TRACE_SELECT} WHERE traces.${column} = ?`, params: [value] }),
  );
  return rows[0] ? fromTraceDbRow(rows[0]) : null;
}

export async function listSessionTraces(db: pg.Pool, sessionRowid: number): Promise<TraceRow[]> {
  const { rows } = await db.query<TraceDbRow>(
    toPgStatement({
      sql: `${TRACE_SELECT} WHERE traces.session_rowid = ? ORDER BY traces.start_time, traces.id`,
      params: [sessionRowid],
    }),
  );
  return rows.map(fromTraceDbRow);
}

export async function listTraceSpanOutlines(
  db: pg.Pool,
  traceRowids: number[],
): Promise<SpanOutline[]> {
  if (traceRowids.length === 0) return [];
  const { rows } = await db.query<{
    id: string;
    trace_rowid: string;
    span_id: string;
    parent_id: string | null;
    name: string;
    span_kind: string;
    status_code: string;
    start_time: string;
    end_time: string;
  }>(
    `SELECT id, trace_rowid, span_id, parent_id, name, span_kind, status_code, start_time,
       end_time FROM spans WHERE trace_rowid = ANY($1::bigint[])
     ORDER BY start_time, id`,
    [traceRowids],
  );
  return rows.map((row) => ({
    rowid: Number(row.id),
    traceRowid: Number(row.trace_rowid),
    spanId: row.span_id,
    parentId: row.parent_id,
    name: row.name,
    spanKind: row.span_kind as SpanOutline['spanKind'],
    statusCode: row.status_code as SpanOutline['statusCode'],
    startTimeUnixNano: BigInt(row.start_time),
    endTimeUnixNano: BigInt(row.end_time),
  }));
}

/**
 * A column of the root span of the session's first (ASC) or last (DESC) trace; joined on
 * (trace_id, span_id), the unique key, so a 5,000-span trace costs one index probe.
 */
function sessionRootColumn(column: string, order: 'ASC' | 'DESC', condition = 'TRUE'): string {
  return `(SELECT spans.${column} FROM traces
      JOIN spans ON spans.trace_id = traces.trace_id AND spans.span_id = traces.root_span_id
      WHERE traces.session_rowid = sessions.id AND ${condition}
      ORDER BY traces.start_time ${order}, traces.id ${order} LIMIT 1)`;
}

// Sums and the median latency over the session's traces, computed per session row (index
// traces_session). percentile_disc(0.5) is the nearest-rank median, as on SQLite.
const SESSION_SELECT = `SELECT sessions.id, sessions.session_id, sessions.project_id,
    sessions.start_time, sessions.end_time, sessions.trace_count, session_tokens.prompt_tokens,
    session_tokens.completion_tokens, session_tokens.total_tokens, session_tokens.cost,
    session_tokens.latency_p50,
    ${sessionRootColumn('input_preview', 'ASC')} AS first_input_preview,
    ${sessionRootColumn('output_preview', 'DESC')} AS last_output_preview,
    ${sessionRootColumn('user_id', 'ASC', 'spans.user_id IS NOT NULL')} AS user_id
  FROM sessions CROSS JOIN LATERAL (
    SELECT COALESCE(SUM(traces.prompt_tokens), 0) AS prompt_tokens,
      COALESCE(SUM(traces.completion_tokens), 0) AS completion_tokens,
      COALESCE(SUM(traces.total_tokens), 0) AS total_tokens, SUM(traces.cost) AS cost,
      percentile_disc(0.5) WITHIN GROUP (ORDER BY traces.end_time - traces.start_time)
        AS latency_p50
    FROM traces WHERE traces.session_rowid = sessions.id
  ) AS session_tokens`;

export async function listSessions(
  db: pg.Pool,
  projectId: number,
  query: SessionListQuery,
): Promise<Page<SessionRow>> {
  const conditions: PgFragment[] = [{ sql: 'sessions.project_id = ?', params: [projectId] }];
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
  if (query.filter) conditions.push(typed(query.filter));
  const direction = query.order === 'desc' ? 'DESC' : 'ASC';
  const { rows } = await db.query<SessionDbRow>(
    whereStatement(SESSION_SELECT, conditions, {
      sql: `ORDER BY sessions.id ${direction} LIMIT ?`,
      params: [query.limit + 1],
    }),
  );
  const items = rows.map(fromSessionDbRow);
  if (items.length <= query.limit) return { items, nextCursor: null };
  return { items: items.slice(0, query.limit), nextCursor: items[query.limit]!.rowid };
}

export async function getSessionsBy(db: pg.Pool, where: PgFragment): Promise<SessionRow[]> {
  const { rows } = await db.query<SessionDbRow>(
    whereStatement(SESSION_SELECT, [where], {
      sql: 'ORDER BY sessions.end_time DESC, sessions.id DESC',
      params: [],
    }),
  );
  return rows.map(fromSessionDbRow);
}

/** Totals and latency percentiles over the traces that started in [start, end). */
export async function projectSummary(
  db: pg.Pool,
  projectId: number,
  startTime: bigint | undefined,
  endTime: bigint | undefined,
): Promise<ProjectSummary> {
  const conditions: PgFragment[] = [{ sql: 'project_id = ?', params: [projectId] }];
  if (startTime !== undefined) conditions.push({ sql: 'start_time >= ?', params: [startTime] });
  if (endTime !== undefined) conditions.push({ sql: 'start_time < ?', params: [endTime] });
  // Answered from the (project_id, start_time, id) index, which carries the totals.
  const { rows } = await db.query<{
    trace_count: string;
    span_count: string;
    error_trace_count: string;
    prompt_tokens: string;
    completion_tokens: string;
    total_tokens: string;
    cost: number | null;
    cost_prompt: number | null;
    cost_completion: number | null;
  }>(
    whereStatement(
      `SELECT COUNT(*) AS trace_count, COALESCE(SUM(span_count), 0) AS span_count,
         COUNT(*) FILTER (WHERE error_count > 0) AS error_trace_count,
         COALESCE(SUM(prompt_tokens), 0) AS prompt_tokens,
         COALESCE(SUM(completion_tokens), 0) AS completion_tokens,
         COALESCE(SUM(total_tokens), 0) AS total_tokens, SUM(cost) AS cost,
         SUM(cost_prompt) AS cost_prompt, SUM(cost_completion) AS cost_completion
       FROM traces`,
      conditions,
    ),
  );
  const totals = rows[0]!;
  const count = Number(totals.trace_count);
  // Nearest rank, read from the (project_id, latency, id) index that carries start_time: from
  // the low end for ranks below the middle, from the high end above it, so p99 walks 1% of the
  // window (as on SQLite).
  const percentile = async (p: number): Promise<number | null> => {
    if (count === 0) return null;
    const rank = Math.max(1, Math.ceil(p * count));
    const fromTop = rank > count / 2;
    const { rows: ranked } = await db.query<{ latency: string }>(
      whereStatement('SELECT end_time - start_time AS latency FROM traces', conditions, {
        sql: `ORDER BY end_time - start_time ${fromTop ? 'DESC' : 'ASC'} LIMIT 1 OFFSET ?`,
        params: [fromTop ? count - rank : rank - 1],
      }),
    );
    // Traces deleted between the two statements: no rank to read.
    return ranked[0] ? Number(ranked[0].latency) / 1e6 : null;
  };
  const { rows: sessions } = await db.query<{ count: string }>(
    whereStatement('SELECT COUNT(*) AS count FROM sessions', conditions),
  );
  // Trace end = its newest span end; one seek on traces_project_end (migration 0004).
  const { rows: activity } = await db.query<{ last: string | null }>(
    'SELECT MAX(end_time) AS last FROM traces WHERE project_id = $1',
    [projectId],
  );
  const last = activity[0]?.last ?? null;
  return {
    traceCount: count,
    spanCount: Number(totals.span_count),
    errorTraceCount: Number(totals.error_trace_count),
    latencyMsP50: await percentile(0.5),
    latencyMsP90: await percentile(0.9),
    latencyMsP99: await percentile(0.99),
    promptTokens: Number(totals.prompt_tokens),
    completionTokens: Number(totals.completion_tokens),
    totalTokens: Number(totals.total_tokens),
    cost: totals.cost,
    costPrompt: totals.cost_prompt,
    costCompletion: totals.cost_completion,
    sessionCount: Number(sessions[0]!.count),
    lastActivityUnixNano: last === null ? null : BigInt(last),
  };
}

/** A `traces` row joined with its session's id, as `pg` returns it (BIGINT as strings). */
interface TraceDbRow {
  id: string;
  trace_id: string;
  project_id: string;
  session_id: string | null;
  start_time: string;
  end_time: string;
  span_count: number;
  error_count: number;
  prompt_tokens: string;
  completion_tokens: string;
  total_tokens: string;
  root_span_id: string | null;
  cost: number | null;
}

function fromTraceDbRow(row: TraceDbRow): TraceRow {
  const startTime = BigInt(row.start_time);
  const endTime = BigInt(row.end_time);
  return {
    rowid: Number(row.id),
    traceId: row.trace_id,
    projectId: Number(row.project_id),
    sessionId: row.session_id,
    startTimeUnixNano: startTime,
    endTimeUnixNano: endTime,
    latencyMs: Number(endTime - startTime) / 1e6,
    spanCount: Number(row.span_count),
    errorCount: Number(row.error_count),
    promptTokens: Number(row.prompt_tokens),
    completionTokens: Number(row.completion_tokens),
    totalTokens: Number(row.total_tokens),
    rootSpanId: row.root_span_id,
    cost: row.cost,
  };
}

interface SessionDbRow {
  id: string;
  session_id: string;
  project_id: string;
  start_time: string;
  end_time: string;
  trace_count: number;
  prompt_tokens: string;
  completion_tokens: string;
  total_tokens: string;
  cost: number | null;
  latency_p50: string | null;
  first_input_preview: string | null;
  last_output_preview: string | null;
  user_id: string | null;
}

function fromSessionDbRow(row: SessionDbRow): SessionRow {
  return {
    rowid: Number(row.id),
    sessionId: row.session_id,
    projectId: Number(row.project_id),
    startTimeUnixNano: BigInt(row.start_time),
    endTimeUnixNano: BigInt(row.end_time),
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
