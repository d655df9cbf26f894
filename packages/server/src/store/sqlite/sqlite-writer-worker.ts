/**
 * The SQLite writer thread. Every write to the database happens here, so the server's event
 * loop never waits on a commit (or an fsync) and writes are serialised without locking.
 *
 * Protocol: the parent posts `WriterRequest`s; each is answered by one `WriterResponse` with the
 * same id, after its transaction has committed (or failed and rolled back). Span requests are
 * grouped into shared transactions here (span-group-commit.ts); a named write operation first
 * commits the span requests that arrived before it, so writes take effect in the order sent.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openSqlite } from './open-sqlite.js';
import { SpanBatchWriter } from './span-batch-writer.js';
import { SpanGroupCommit } from './span-group-commit.js';
import { BusyShare } from './busy-share.js';
import type { SpanRow } from './span-row.js';
import { SearchIndexer } from './search-indexer.js';
import { WRITE_OPERATIONS } from './write-operations.js';

/** Page cache of the writer's connection (KiB); readers keep SQLite's default. */
const WRITER_CACHE_KIB = 64 * 1024;
/** Log pages after which the writer checkpoints itself (256 MiB of 8 KiB pages). */
const WRITER_CHECKPOINT_PAGES = 32_768;

/**
 * The search index is filled only while ingestion is light: the writer has had no request for
 * INDEX_AFTER_IDLE_MS, and spent less than INDEX_MAX_WRITER_LOAD of the last second committing
 * spans. Indexing a span costs several times more than writing it, so under heavy ingestion
 * every moment (and, on a small machine, every core) goes to committing spans, and the index
 * catches up when the load drops. Searches stay exact meanwhile by scanning the spans not yet
 * indexed (query/full-text-condition.ts).
 */
export const INDEX_AFTER_IDLE_MS = 20;
export const INDEX_MAX_WRITER_LOAD = 0.25;

export interface WriterWorkerData {
  path: string;
  synchronous: 'FULL' | 'NORMAL';
  searchTextMaxChars: number;
  /** Most spans one shared transaction takes. */
  maxBatchSpans: number;
}

export type WriterRequest =
  | { id: number; op: 'insertSpans'; rows: SpanRow[] }
  /** One of WRITE_OPERATIONS, in its own transaction. */
  | { id: number; op: 'write'; name: string; args: unknown };

export type WriterResponse =
  { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

const { path, synchronous, searchTextMaxChars, maxBatchSpans } = workerData as WriterWorkerData;
const db = openSqlite(path, synchronous);
// Index pages stay cached between transactions instead of being read back for each one.
db.pragma(`cache_size = -${WRITER_CACHE_KIB}`);
// The checkpointer thread copies the log into the database file as it grows
// (sqlite-checkpointer-worker.ts); the writer's own checkpoint, rarely needed, restarts the log
// and bounds its size. The log file is not cut back after a burst: rewriting pages the file
// already has costs less than growing it again (a truncation took 30 ms of the writer's time),
// and it is removed when Heron stops.
db.pragma(`wal_autocheckpoint = ${WRITER_CHECKPOINT_PAGES}`);
const spanWriter = new SpanBatchWriter(db);
const groupCommit = new SpanGroupCommit((rows) => spanWriter.writeRows(rows), maxBatchSpans);
const searchIndexer = new SearchIndexer(db, searchTextMaxChars);
const writerLoad = new BusyShare(1000);
let closed = false;

function respond(response: WriterResponse): void {
  parentPort!.postMessage(response);
}

/**
 * Commits run from setImmediate, which comes after the messages that arrived meanwhile have been
 * handled: each transaction takes every span request that is waiting.
 */
let commitScheduled = false;
function scheduleCommit(): void {
  if (commitScheduled) return;
  commitScheduled = true;
  setImmediate(() => {
    commitScheduled = false;
    const started = performance.now();
    groupCommit.commitNext();
    writerLoad.add(started, performance.now());
    if (groupCommit.hasPending) scheduleCommit();
    else scheduleIndexing(INDEX_AFTER_IDLE_MS);
  });
}

function commitWaitingSpans(): void {
  while (groupCommit.hasPending) groupCommit.commitNext();
}

let lastRequestAt = 0;
let indexingTimer: NodeJS.Timeout | null = null;
function scheduleIndexing(delayMs: number): void {
  if (indexingTimer !== null || closed) return;
  indexingTimer = setTimeout(indexWhenIdle, delayMs);
}

/** One chunk of the search index, if the writer is still idle; then the next. */
function indexWhenIdle(): void {
  indexingTimer = null;
  if (closed || commitScheduled || groupCommit.hasPending) return; // rescheduled after the commit
  const now = performance.now();
  const idleMs = now - lastRequestAt;
  if (idleMs < INDEX_AFTER_IDLE_MS) {
    scheduleIndexing(INDEX_AFTER_IDLE_MS - idleMs);
    return;
  }
  if (writerLoad.share(now) >= INDEX_MAX_WRITER_LOAD) {
    scheduleIndexing(INDEX_AFTER_IDLE_MS);
    return;
  }
  try {
    if (searchIndexer.runChunk() > 0) scheduleIndexing(0);
  } catch (error) {
    // Not fatal: the scan keeps search exact; try again after the next write.
    console.error(`heron: search indexing failed: ${(error as Error).message}`);
  }
}

function runWriteOperation(name: string, args: unknown): unknown {
  const operation = WRITE_OPERATIONS[name];
  if (!operation) throw new Error(`unknown write operation ${name}`);
  const result = db.transaction(() => operation(db, args as never, { spanWriter })).immediate();
  // Operations may delete or rename projects; the span writer re-reads project ids.
  spanWriter.forgetProjects();
  return result;
}

parentPort!.on('message', (request: WriterRequest | 'close') => {
  lastRequestAt = performance.now();
  if (request === 'close') {
    commitWaitingSpans();
    closed = true;
    if (indexingTimer !== null) clearTimeout(indexingTimer);
    db.close();
    parentPort!.close();
    return;
  }
  const id = request.id;
  if (request.op === 'insertSpans') {
    groupCommit.add({
      rows: request.rows,
      done: (result) => respond({ id, ok: true, result }),
      failed: (error) => respond({ id, ok: false, error: error.message }),
    });
    scheduleCommit();
    return;
  }
  commitWaitingSpans();
  try {
    respond({ id, ok: true, result: runWriteOperation(request.name, request.args) });
  } catch (error) {
    respond({ id, ok: false, error: (error as Error).message });
  }
  scheduleIndexing(INDEX_AFTER_IDLE_MS);
});

scheduleIndexing(0);
