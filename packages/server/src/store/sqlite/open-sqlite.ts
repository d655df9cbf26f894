/** Opens a connection to the Heron SQLite file with the settings every connection shares. */
import Database from 'better-sqlite3';

/** Page size of a new database file. */
export const PAGE_SIZE_BYTES = 8192;

export function openSqlite(path: string, synchronous: 'FULL' | 'NORMAL'): Database.Database {
  const db = new Database(path);
  // Only takes effect when this connection creates the file (an existing database keeps its
  // page size). A span row is ~2.5 KB: on 4 KiB pages most pages held one row and wasted the
  // rest; larger pages cost more for indexes with random keys (span ids, users, sessions,
  // latencies), where each commit rewrites nearly every leaf page it touches. 8 KiB measured as
  // fast as 16 KiB on ingest and writes a third fewer bytes (bench/RESULTS.md, "Ingest").
  db.pragma(`page_size = ${PAGE_SIZE_BYTES}`);
  // WAL lets readers run while the writer commits; busy_timeout covers the brief moments
  // (checkpoints) when one connection must wait for another.
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('busy_timeout = 10000');
  db.pragma('foreign_keys = ON');
  return db;
}
