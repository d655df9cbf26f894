/**
 * The named write operations the SQLite writer thread runs besides span batches (annotations,
 * deletes, project edits…). Each runs inside one IMMEDIATE transaction on the writer's
 * connection and returns a structured-cloneable result.
 *
 * To add one: write a module exporting `(db, args) => result` functions (one file per concern)
 * and list them here. The parent calls them with `SqliteStore.write(name, args)`.
 */
import type Database from 'better-sqlite3';
import type { SpanBatchWriter } from './span-batch-writer.js';
import { TRACE_WRITE_OPERATIONS } from './sqlite-trace-writes.js';
import { PRICE_WRITE_OPERATIONS } from './sqlite-price-writes.js';
import { ANNOTATION_WRITE_OPERATIONS } from './sqlite-annotation-writes.js';
import { SAVED_VIEW_WRITE_OPERATIONS } from './sqlite-saved-views.js';
import { RETENTION_WRITE_OPERATIONS } from './sqlite-retention.js';
import { AUTH_WRITE_OPERATIONS } from './sqlite-auth-store.js';

/** What an operation may use besides the connection: the span writer's rollup logic. */
export interface WriteContext {
  spanWriter: SpanBatchWriter;
}

export type WriteOperation = (db: Database.Database, args: never, context: WriteContext) => unknown;

export const WRITE_OPERATIONS: Record<string, WriteOperation> = {
  ...TRACE_WRITE_OPERATIONS,
  ...PRICE_WRITE_OPERATIONS,
  ...ANNOTATION_WRITE_OPERATIONS,
  ...SAVED_VIEW_WRITE_OPERATIONS,
  ...RETENTION_WRITE_OPERATIONS,
  ...AUTH_WRITE_OPERATIONS,
};
