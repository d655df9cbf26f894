/**
 * The SQLite writer thread. Every write to the database happens here, so the server's event
 * loop never waits on a commit (or an fsync) and writes are serialised without locking.
 *
 * Protocol: the parent posts `WriterRequest`s; each is answered by one `WriterResponse` with the
 * same id, after its transaction has committed (or failed and rolled back).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openSqlite } from './open-sqlite.js';
import { SpanBatchWriter } from './span-batch-writer.js';
import type { SpanRow } from './span-row.js';
import { SearchIndexer } from './search-indexer.js';
import { WRITE_OPERATIONS } from './write-operations.js';

export interface WriterWorkerData {
  path: string;
  synchronous: 'FULL' | 'NORMAL';
  searchTextMaxChars: number;
}

export type WriterRequest =
  | { id: number; op: 'insertSpans'; rows: SpanRow[] }
  /** One of WRITE_OPERATIONS, in its own transaction. */
  | { id: number; op: 'write'; name: string; args: unknown };

export type WriterResponse =
  { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

const { path, synchronous, searchTextMaxChars } = workerData as WriterWorkerData;
const db = openSqlite(path, synchronous);
const spanWriter = new SpanBatchWriter(db);
const searchIndexer = new SearchIndexer(db, searchTextMaxChars);
let closed = false;

/**
 * The search index catches up one chunk at a time. setImmediate runs after pending messages
 * (span batches) have been handled, so indexing only uses the writer's idle time.
 */
let indexingScheduled = false;
function scheduleIndexing(): void {
  if (indexingScheduled || closed) return;
  indexingScheduled = true;
  setImmediate(() => {
    indexingScheduled = false;
    if (closed) return;
    try {
      if (searchIndexer.runChunk() > 0) scheduleIndexing();
    } catch (error) {
      // Not fatal: the scan keeps search exact; try again after the next write.
      console.error(`heron: search indexing failed: ${(error as Error).message}`);
    }
  });
}

function handle(request: WriterRequest): unknown {
  switch (request.op) {
    case 'insertSpans':
      return spanWriter.writeRows(request.rows);
    case 'write': {
      const operation = WRITE_OPERATIONS[request.name];
      if (!operation) throw new Error(`unknown write operation ${request.name}`);
      const result = db
        .transaction(() => operation(db, request.args as never, { spanWriter }))
        .immediate();
      // Operations may delete or rename projects; the span writer re-reads project ids.
      spanWriter.forgetProjects();
      return result;
    }
  }
}

parentPort!.on('message', (request: WriterRequest | 'close') => {
  if (request === 'close') {
    closed = true;
    db.close();
    parentPort!.close();
    return;
  }
  let response: WriterResponse;
  try {
    response = { id: request.id, ok: true, result: handle(request) };
  } catch (error) {
    response = { id: request.id, ok: false, error: (error as Error).message };
  }
  parentPort!.postMessage(response);
  scheduleIndexing();
});

scheduleIndexing();
