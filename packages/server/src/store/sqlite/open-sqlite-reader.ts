/** A query-only connection with the SQL functions that search and filters call. */
import type Database from 'better-sqlite3';
import { registerSqliteFilterFunctions } from '../../query/sqlite-dialect.js';
import { openSqlite } from './open-sqlite.js';
import { registerSearchFunctions } from './search-functions.js';

export function openSqliteReader(
  path: string,
  synchronous: 'FULL' | 'NORMAL',
  searchTextMaxChars: number,
): Database.Database {
  const db = openSqlite(path, synchronous);
  db.pragma('query_only = ON');
  registerSearchFunctions(db, searchTextMaxChars);
  registerSqliteFilterFunctions(db);
  return db;
}
