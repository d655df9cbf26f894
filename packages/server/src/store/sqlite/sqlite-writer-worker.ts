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
import { WRITE_OPERATIONS } from './write-operations.js';

export interface WriterWorkerData {
  path: string;
  synchronous: 'FULL' | 'NORMAL';
}

export type WriterRequest =
  | { id: number; op: 'insertSpans'; rows: SpanRow[] }
  /** One of WRITE_OPERATIONS, in its own transaction. */
  | { id: number; op: 'write'; name: string; args: unknown };

export type WriterResponse =
  { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

const { path, synchronous } = workerData as WriterWorkerData;
const db = openSqlite(path, synchronous);
const spanWriter = new SpanBatchWriter(db);

function handle(request: WriterRequest): unknown {
  switch (request.op) {
    case 'insertSpans':
      return spanWriter.writeRows(request.rows);
    case 'write': {
      const operation = WRITE_OPERATIONS[request.name];
      if (!operation) throw new Error(`unknown write operation ${request.name}`);
      return db.transaction(() => operation(db, request.args as never)).immediate();
    }
  }
}

parentPort!.on('message', (request: WriterRequest | 'close') => {
  if (request === 'close') {
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
});
