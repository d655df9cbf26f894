/**
 * Reads of spans on PostgreSQL. Full-text search is one more condition on the span list: a
 * substring match on the folded search text columns, which trigram indexes answer
 * (query/full-text-condition.ts, dialect 'postgres').
 */
import type pg from 'pg';
import { fullTextCondition } from '../../query/full-text-condition.js';
import { SPAN_SORT_SQL } from '../span-sort.js';
import type { SpanListQuery, SpanPage, StoredSpan } from '../store.js';
import { spanCostFromColumns } from '../../spans/prices/span-cost-columns.js';
import {
  placeholders,
  toPgStatement,
  typed,
  whereStatement,
  type PgFragment,
} from './postgres-statement.js';

/** Every column a StoredSpan is made of (not the search text, which only searches read). */
export const SPAN_COLUMNS = [
  'id',
  'project_id',
  'trace_id',
  'span_id',
  'parent_id',
  'name',
  'span_kind',
  'otel_kind',
  'start_time',
  'end_time',
  'latency_ms',
  'status_code',
  'status_message',
  'attributes',
  'events',
  'links',
  'resource_attributes',
  'scope_name',
  'scope_version',
  'trace_state',
  'flags',
  'session_id',
  'user_id',
  'model_name',
  'provider',
  'prompt_tokens',
  'completion_tokens',
  'total_tokens',
  'input_preview',
  'output_preview',
  'cost',
  'cost_prompt',
  'cost_completion',
  'cost_details',
  'cost_price_id',
]
  .map((column) => `spans.${column}`)
  .join(', ');

/** A `spans` row as `pg` returns it: BIGINT as decimal strings, JSONB parsed. */
interface SpanDbRow {
  id: string;
  project_id: string;
  trace_id: string;
  span_id: string;
  parent_id: string | null;
  name: string;
  span_kind: string;
  otel_kind: number;
  start_time: string;
  end_time: string;
  latency_ms: number;
  status_code: string;
  status_message: string;
  attributes: StoredSpan['attributes'];
  events: StoredSpan['events'];
  links: StoredSpan['links'];
  resource_attributes: StoredSpan['resourceAttributes'];
  scope_name: string;
  scope_version: string;
  trace_state: string;
  flags: string;
  session_id: string | null;
  user_id: string | null;
  model_name: string | null;
  provider: string | null;
  prompt_tokens: string | null;
  completion_tokens: string | null;
  total_tokens: string | null;
  input_preview: string | null;
  output_preview: string | null;
  cost: number | null;
  cost_prompt: number | null;
  cost_completion: number | null;
  cost_details: string | null;
  cost_price_id: string | null;
}

const toNumber = (value: string | null): number | null => (value === null ? null : Number(value));

function fromSpanDbRow(row: SpanDbRow): StoredSpan {
  return {
    rowid: Number(row.id),
    projectId: Number(row.project_id),
    traceId: row.trace_id,
    spanId: row.span_id,
    parentId: row.parent_id,
    name: row.name,
    spanKind: row.span_kind as StoredSpan['spanKind'],
    otelKind: row.otel_kind,
    startTimeUnixNano: BigInt(row.start_time),
    endTimeUnixNano: BigInt(row.end_time),
    latencyMs: row.latency_ms,
    statusCode: row.status_code as StoredSpan['statusCode'],
    statusMessage: row.status_message,
    attributes: row.attributes,
    events: row.events,
    links: row.links,
    resourceAttributes: row.resource_attributes,
    scopeName: row.scope_name,
    scopeVersion: row.scope_version,
    traceState: row.trace_state,
    flags: Number(row.flags),
    sessionId: row.session_id,
    userId: row.user_id,
    modelName: row.model_name,
    provider: row.provider,
    promptTokens: toNumber(row.prompt_tokens),
    completionTokens: toNumber(row.completion_tokens),
    totalTokens: toNumber(row.total_tokens),
    inputPreview: row.input_preview,
    outputPreview: row.output_preview,
    // Only priced spans carry a cost (absent = no price).
    ...withCost(row),
  };
}

function withCost(row: SpanDbRow): Pick<StoredSpan, 'cost'> {
  const cost = spanCostFromColumns(
    row.cost,
    row.cost_prompt,
    row.cost_completion,
    row.cost_details,
    row.cost_price_id,
  );
  return cost === undefined ? {} : { cost };
}

/** The conditions of a span list over table `spans`, search included. */
function spanConditions(projectId: number, query: SpanListQuery): PgFragment[] {
  const conditions: PgFragment[] = [{ sql: 'spans.project_id = ?', params: [projectId] }];
  if (query.cursor !== undefined && query.sort === undefined) {
    conditions.push({ sql: 'spans.id <= ?', params: [query.cursor] });
  }
  if (query.startTime !== undefined) {
    conditions.push({ sql: 'spans.start_time >= ?', params: [query.startTime] });
  }
  if (query.endTime !== undefined) {
    conditions.push({ sql: 'spans.start_time < ?', params: [query.endTime] });
  }
  if (query.rootsOnly) conditions.push({ sql: 'spans.parent_id IS NULL', params: [] });
  for (const [column, values] of [
    ['trace_id', query.traceIds],
    ['span_id', query.spanIds],
    ['parent_id', query.parentIds],
    ['name', query.names],
    ['span_kind', query.spanKinds],
    ['status_code', query.statusCodes],
  ] as const) {
    if (values && values.length > 0) {
      conditions.push({ sql: `spans.${column} IN (${placeholders(values)})`, params: values });
    }
  }
  if (query.filter) conditions.push(typed(query.filter));
  if (query.search !== undefined) {
    conditions.push(typed(fullTextCondition('postgres', 'spans', 'any', query.search)));
  }
  return conditions;
}

export async function listSpans(
  db: pg.Pool,
  projectId: number,
  query: SpanListQuery,
): Promise<SpanPage> {
  if (query.sort !== undefined) return listSortedSpans(db, projectId, query);
  const { rows } = await db.query<SpanDbRow>(
    whereStatement(`SELECT ${SPAN_COLUMNS} FROM spans`, spanConditions(projectId, query), {
      sql: 'ORDER BY spans.id DESC LIMIT ?',
      params: [query.limit + 1],
    }),
  );
  const items = rows.map(fromSpanDbRow);
  if (items.length <= query.limit) return { items, nextCursor: null };
  return { items: items.slice(0, query.limit), nextCursor: items[query.limit]!.rowid };
}

/** A page in a key order (span-sort.ts): keyset on (key, id). */
async function listSortedSpans(
  db: pg.Pool,
  projectId: number,
  query: SpanListQuery,
): Promise<SpanPage> {
  const sort = query.sort!;
  const key = SPAN_SORT_SQL[sort.key];
  const conditions = spanConditions(projectId, query);
  if (sort.cursor) {
    const operator = sort.order === 'desc' ? '<' : '>';
    const value = sort.cursor.value ?? '0';
    conditions.push({
      sql: `(${key} ${operator} ?::bigint OR (${key} = ?::bigint AND spans.id ${operator}= ?))`,
      params: [value, value, sort.cursor.rowid],
    });
  }
  const direction = sort.order === 'desc' ? 'DESC' : 'ASC';
  const { rows } = await db.query<SpanDbRow & { sort_key: string }>(
    whereStatement(`SELECT ${SPAN_COLUMNS}, ${key} AS sort_key FROM spans`, conditions, {
      sql: `ORDER BY ${key} ${direction}, spans.id ${direction} LIMIT ?`,
      params: [query.limit + 1],
    }),
  );
  const items = rows.slice(0, query.limit).map(fromSpanDbRow);
  const next = rows[query.limit];
  return next
    ? { items, nextCursor: Number(next.id), nextSortValue: String(next.sort_key) }
    : { items, nextCursor: null };
}

export async function getSpanByRowid(db: pg.Pool, rowid: number): Promise<StoredSpan | null> {
  const { rows } = await db.query<SpanDbRow>(
    toPgStatement({ sql: `SELECT ${SPAN_COLUMNS} FROM spans WHERE id = ?`, params: [rowid] }),
  );
  return rows[0] ? fromSpanDbRow(rows[0]) : null;
}

export async function findSpansBySpanId(db: pg.Pool, spanId: string): Promise<StoredSpan[]> {
  const { rows } = await db.query<SpanDbRow>(
    toPgStatement({
      sql: `SELECT ${SPAN_COLUMNS} FROM spans WHERE span_id = ? ORDER BY id DESC`,
      params: [spanId],
    }),
  );
  return rows.map(fromSpanDbRow);
}

/** One statement for all keys (SQLite asks key by key, which is cheap there, not here). */
export async function existingSpanKeys(
  db: pg.Pool,
  keys: { traceId: string; spanId: string }[],
): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const { rows } = await db.query<{ trace_id: string; span_id: string }>(
    `SELECT spans.trace_id, spans.span_id
     FROM unnest($1::text[], $2::text[]) AS k(trace_id, span_id)
     JOIN spans ON spans.trace_id = k.trace_id AND spans.span_id = k.span_id`,
    [keys.map((k) => k.traceId), keys.map((k) => k.spanId)],
  );
  const stored = new Set(rows.map((row) => `${row.trace_id}:${row.span_id}`));
  // In the order asked, as SQLite answers.
  return new Set(keys.map((k) => `${k.traceId}:${k.spanId}`).filter((key) => stored.has(key)));
}

export async function listTraceSpans(
  db: pg.Pool,
  traceRowid: number,
  limit: number,
): Promise<StoredSpan[]> {
  const { rows } = await db.query<SpanDbRow>(
    toPgStatement({
      sql: `SELECT ${SPAN_COLUMNS} FROM spans WHERE trace_rowid = ? ORDER BY start_time, id LIMIT ?`,
      params: [traceRowid, limit],
    }),
  );
  return rows.map(fromSpanDbRow);
}
