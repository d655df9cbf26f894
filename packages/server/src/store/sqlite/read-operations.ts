/**
 * The reads that may take long (lists, searches, filters, summaries): they run in the reader
 * threads (read-pool.ts), never on the server's event loop. Point lookups by key stay on the
 * main thread, where a message round trip would cost more than the lookup.
 */
import type Database from 'better-sqlite3';
import type { TraceListQuery } from '../store.js';
import { EVALUATION_SUMMARY_READ_OPERATIONS } from './sqlite-evaluation-summaries.js';
import { filterSuggestions } from './sqlite-filter-suggestions.js';
import { projectSpanMetrics, projectTraceMetrics } from './sqlite-project-metrics.js';
import { PRICE_READ_OPERATIONS } from './sqlite-price-reads.js';
import { listProjects } from './sqlite-project-reads.js';
import { listSpans, listTraceSpans } from './sqlite-span-reads.js';
import {
  listSessions,
  listSessionTraces,
  listTraces,
  listTraceSpanOutlines,
  projectSummary,
  traceSortValue,
} from './sqlite-trace-reads.js';

/** A plain Trace GlobalID as cursor (Phoenix's kind) starts at that row's sort key. */
function listTracesFromCursor(db: Database.Database, projectId: number, query: TraceListQuery) {
  let cursor = query.cursor;
  if (cursor && cursor.value === undefined) {
    const value = traceSortValue(db, cursor.rowid, query.sort);
    if (value === null) return { items: [], nextCursor: null };
    cursor = { rowid: cursor.rowid, value };
  }
  return listTraces(db, projectId, { ...query, cursor });
}

export const READ_OPERATIONS = {
  listProjects,
  listSpans,
  listTraceSpans,
  listTraces: listTracesFromCursor,
  listTraceSpanOutlines,
  listSessions,
  listSessionTraces,
  projectSummary,
  projectTraceMetrics,
  projectSpanMetrics,
  filterSuggestions,
  ...PRICE_READ_OPERATIONS,
  ...EVALUATION_SUMMARY_READ_OPERATIONS,
  ping: (db: Database.Database) => db.prepare('SELECT 1').get() !== undefined,
};

export type ReadOperations = typeof READ_OPERATIONS;
export type ReadOperationName = keyof ReadOperations;
/** The arguments of an operation, without the connection. */
export type ReadArgs<K extends ReadOperationName> =
  Parameters<ReadOperations[K]> extends [Database.Database, ...infer Rest] ? Rest : never;
export type ReadResult<K extends ReadOperationName> = ReturnType<ReadOperations[K]>;
