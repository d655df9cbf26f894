/** Opens a connection to the Heron SQLite file with the settings every connection shares. */
import Database from 'better-sqlite3';

export function openSqlite(path: string, synchronous: 'FULL' | 'NORMAL'): Database.Database {
  const db = new Database(path);
  // WAL lets readers run while the writer commits; busy_timeout covers the brief moments
  // (checkpoints) when one connection must wait for another.
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('busy_timeout = 10000');
  db.pragma('foreign_keys = ON');
  return db;
}
