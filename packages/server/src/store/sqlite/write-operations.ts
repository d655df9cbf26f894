/**
 * The named write operations the SQLite writer thread runs besides span batches (annotations,
 * deletes, project edits…). Each runs inside one IMMEDIATE transaction on the writer's
 * connection and returns a structured-cloneable result.
 *
 * To add one: write a module exporting `(db, args) => result` functions (one file per concern)
 * and list them here. The parent calls them with `SqliteStore.write(name, args)`.
 */
import type Database from 'better-sqlite3';

export type WriteOperation = (db: Database.Database, args: never) => unknown;

export const WRITE_OPERATIONS: Record<string, WriteOperation> = {};
