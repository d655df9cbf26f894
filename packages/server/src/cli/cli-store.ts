/**
 * The store a one-shot command (export, import) works on: the same database `heron serve` uses
 * with the same flags and settings. SQLite runs in WAL mode, so this works while a server has
 * the file open; writes go through the store, so rollups stay right.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { HeronConfig } from '../config.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';

export async function openCliStore(config: HeronConfig): Promise<Store> {
  if (config.databaseUrl !== undefined) {
    return PostgresStore.open({
      url: config.databaseUrl,
      schema: config.databaseSchema,
      searchTextMaxChars: config.searchTextMaxChars,
      // An export is one long walk; the server's per-request timeout does not apply.
      poolSize: 2,
    });
  }
  mkdirSync(dirname(config.sqlitePath), { recursive: true });
  return SqliteStore.open({
    path: config.sqlitePath,
    synchronous: config.sqliteSynchronous,
    searchTextMaxChars: config.searchTextMaxChars,
    readerThreads: 1,
    maxBatchSpans: config.limits.maxBatchSpans,
  });
}
