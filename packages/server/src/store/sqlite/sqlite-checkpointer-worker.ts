/**
 * The SQLite checkpointer thread: copies committed pages from the write-ahead log into the
 * database file while the writer thread goes on committing.
 *
 * In WAL mode every page a commit changes is written twice: to the log at commit, and later to
 * the database file by a checkpoint. SQLite runs that checkpoint in the committing connection
 * itself, so the writer thread would spend about a third of its time copying pages instead of
 * writing spans (bench/RESULTS.md, "Ingest"). Here a PASSIVE checkpoint on a connection of its
 * own does the copying concurrently (it never waits for, nor blocks, the writer or readers).
 * The writer keeps a large automatic checkpoint threshold (sqlite-writer-worker.ts) only so
 * that the log is restarted from its beginning: by then this thread has copied nearly all of it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openSqlite } from './open-sqlite.js';

export interface CheckpointerWorkerData {
  path: string;
  synchronous: 'FULL' | 'NORMAL';
}

/** How often the log is copied into the database file. */
export const CHECKPOINT_INTERVAL_MS = 200;

const { path, synchronous } = workerData as CheckpointerWorkerData;
const db = openSqlite(path, synchronous);
// A checkpoint already running (the writer's own) is simply left to finish; never wait.
db.pragma('busy_timeout = 0');

const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    // Not fatal: the writer's own checkpoint still bounds the log.
    console.error(`heron: checkpoint failed: ${(error as Error).message}`);
  }
}, CHECKPOINT_INTERVAL_MS);

parentPort!.on('message', (message: 'close') => {
  if (message !== 'close') return;
  clearInterval(timer);
  db.close();
  parentPort!.close();
});
