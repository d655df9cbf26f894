/**
 * Reads of spans on a SQLite connection. Full-text search in a span list is driven by the
 * search index (newest hit first) rather than by walking the project's spans and testing each,
 * so a rare word costs as little as a common one.
 */
import type Database from 'better-sqlite3';
import { andFilters, type CompiledFilter } from '../../query/compiled-filter.js';
import {
  fullTextCondition,
  ftsMatchQuery,
  textScanCondition,
  unindexedMatchIds,
} from '../../query/full-text-condition.js';
import { SPAN_SORT_SQL } from '../span-sort.js';
import type { SpanListQuery, SpanPage, StoredSpan } from '../store.js';
import { fromSpanDbRow, type SpanDbRow } from './span-row.js';

/** The conditions of a span list, except full-text search, over table `spans`. */
function spanConditions(projectId: number, query: SpanListQuery): CompiledFilter[] {
  // With trace ids the spans are found through their traces (the span key); the unary + keeps
  // SQLite from walking the whole project in id order instead (it has no statistics to know
  // that a project holds most spans).
  const byTrace = query.traceIds !== undefined && query.traceIds.length > 0;
  const conditions: CompiledFilter[] = [
    { sql: byTrace ? '+spans.project_id = ?' : 'spans.project_id = ?', params: [projectId] },
  ];
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
  if (byTrace) {
    // Spans are keyed by their trace's row (see migrations/0009-span-key-by-trace.sql).
    conditions.push({
      sql: `spans.trace_rowid IN (SELECT id FROM traces WHERE trace_id IN (${query
        .traceIds!.map(() => '?')
        .join(', ')}))`,
      params: query.traceIds!,
    });
  }
  for (const [column, values] of [
    ['span_id', query.spanIds],
    ['parent_id', query.parentIds],
    ['name', query.names],
    ['span_kind', query.spanKinds],
    ['status_code', query.statusCodes],
  ] as const) {
    if (values && values.length > 0) {
      conditions.push({
        sql: `spans.${column} IN (${values.map(() => '?').join(', ')})`,
        params: values,
      });
    }
  }
  if (query.filter) conditions.push(query.filter);
  return conditions;
}

export function listSpans(
  db: Database.Database,
  projectId: number,
  query: SpanListQuery,
): SpanPage {
  const conditions = spanConditions(projectId, query);
  if (query.sort !== undefined) return listSortedSpans(db, conditions, query);
  const match = query.search === undefined ? null : ftsMatchQuery('any', query.search);
  let rows: SpanDbRow[];
  if (query.search === undefined || match === null) {
    if (query.search !== undefined) {
      conditions.push(textScanCondition('spans', 'any', query.search));
    }
    rows = selectSpans(db, andFilters(conditions), query.limit + 1);
  } else {
    rows = searchSpans(db, conditions, query.search, match, query.limit + 1);
  }
  const items = rows.map(fromSpanDbRow);
  if (items.length <= query.limit) return { items, nextCursor: null };
  return { items: items.slice(0, query.limit), nextCursor: items[query.limit]!.rowid };
}

/**
 * A page in a key order (span-sort.ts): keyset on (key, id). Search is a condition here, not the
 * driver (a page in key order cannot be read off the search index in rowid order).
 */
function listSortedSpans(
  db: Database.Database,
  conditions: CompiledFilter[],
  query: SpanListQuery,
): SpanPage {
  const sort = query.sort!;
  const key = SPAN_SORT_SQL[sort.key];
  if (query.search !== undefined) {
    conditions.push(fullTextCondition('sqlite', 'spans', 'any', query.search));
  }
  if (sort.cursor) {
    const operator = sort.order === 'desc' ? '<' : '>';
    const value = BigInt(sort.cursor.value ?? '0');
    conditions.push({
      sql: `(${key} ${operator} ? OR (${key} = ? AND spans.id ${operator}= ?))`,
      params: [value, value, sort.cursor.rowid],
    });
  }
  const where = andFilters(conditions);
  const direction = sort.order === 'desc' ? 'DESC' : 'ASC';
  const rows = db
    .prepare(
      `SELECT spans.*, ${key} AS sort_key FROM spans WHERE ${where.sql}
       ORDER BY sort_key ${direction}, spans.id ${direction} LIMIT ?`,
    )
    .safeIntegers(true)
    .all(...where.params, query.limit + 1) as (SpanDbRow & { sort_key: bigint })[];
  const items = rows.slice(0, query.limit).map(fromSpanDbRow);
  const next = rows[query.limit];
  return next
    ? { items, nextCursor: Number(next.id), nextSortValue: String(next.sort_key) }
    : { items, nextCursor: null };
}

function selectSpans(db: Database.Database, where: CompiledFilter, limit: number): SpanDbRow[] {
  return db
    .prepare(`SELECT * FROM spans WHERE ${where.sql} ORDER BY spans.id DESC LIMIT ?`)
    .safeIntegers(true)
    .all(...where.params, limit) as SpanDbRow[];
}

/**
 * Two queries in one snapshot: the index, walked newest first, for the spans it covers; a scan
 * of the few spans it does not cover yet (newer than its watermark, or waiting to be
 * re-indexed). Every span is in exactly one of the two; the newest `limit` of both are kept.
 */
function searchSpans(
  db: Database.Database,
  conditions: CompiledFilter[],
  needle: string,
  match: string,
  limit: number,
): SpanDbRow[] {
  return db.transaction(() => {
    const watermark = db
      .prepare('SELECT indexed_through FROM search_index_state')
      .pluck()
      .safeIntegers(true)
      .get() as bigint;
    const unindexed = unindexedMatchIds('any', needle);
    const tail = selectSpans(
      db,
      andFilters([
        ...conditions,
        { sql: `spans.id IN (${unindexed.sql})`, params: unindexed.params },
      ]),
      limit,
    );
    const where = andFilters(conditions);
    const indexed = db
      .prepare(
        `SELECT spans.* FROM span_search JOIN spans ON spans.id = span_search.rowid
         WHERE span_search MATCH ? AND span_search.rowid <= ? AND ${where.sql}
         ORDER BY span_search.rowid DESC LIMIT ?`,
      )
      .safeIntegers(true)
      .all(match, watermark, ...where.params, limit) as SpanDbRow[];
    return [...tail, ...indexed].sort((a, b) => (a.id < b.id ? 1 : -1)).slice(0, limit);
  })();
}

export function getSpanByRowid(db: Database.Database, rowid: number): StoredSpan | null {
  const row = db.prepare('SELECT * FROM spans WHERE id = ?').safeIntegers(true).get(rowid);
  return row ? fromSpanDbRow(row as SpanDbRow) : null;
}

export function findSpansBySpanId(db: Database.Database, spanId: string): StoredSpan[] {
  const rows = db
    .prepare('SELECT * FROM spans WHERE span_id = ? ORDER BY id DESC')
    .safeIntegers(true)
    .all(spanId) as SpanDbRow[];
  return rows.map(fromSpanDbRow);
}

export function existingSpanKeys(
  db: Database.Database,
  keys: { traceId: string; spanId: string }[],
): Set<string> {
  const found = new Set<string>();
  const statement = db
    .prepare(
      `SELECT 1 FROM spans
       WHERE trace_rowid = (SELECT id FROM traces WHERE trace_id = ?) AND span_id = ?`,
    )
    .pluck();
  for (const key of keys) {
    if (statement.get(key.traceId, key.spanId) !== undefined) {
      found.add(`${key.traceId}:${key.spanId}`);
    }
  }
  return found;
}

export function listTraceSpans(
  db: Database.Database,
  traceRowid: number,
  limit: number,
): StoredSpan[] {
  const rows = db
    .prepare('SELECT * FROM spans WHERE trace_rowid = ? ORDER BY start_time, id LIMIT ?')
    .safeIntegers(true)
    .all(traceRowid, limit) as SpanDbRow[];
  return rows.map(fromSpanDbRow);
}
