/**
 * A SQLite reader thread: runs READ_OPERATIONS on its own query-only connection, one at a time.
 * Protocol: the parent posts `{id, name, args}`; each gets one `{id, ok, result | error}`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openSqliteReader } from './open-sqlite-reader.js';
import { READ_OPERATIONS, type ReadOperationName } from './read-operations.js';

export interface ReaderWorkerData {
  path: string;
  synchronous: 'FULL' | 'NORMAL';
  searchTextMaxChars: number;
}

export interface ReadRequest {
  id: number;
  name: ReadOperationName;
  args: unknown[];
}

export type ReadResponse =
  { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

const { path, synchronous, searchTextMaxChars } = workerData as ReaderWorkerData;
const db = openSqliteReader(path, synchronous, searchTextMaxChars);

parentPort!.on('message', (request: ReadRequest | 'close') => {
  if (request === 'close') {
    db.close();
    parentPort!.close();
    return;
  }
  let response: ReadResponse;
  try {
    const operation = READ_OPERATIONS[request.name] as (...args: unknown[]) => unknown;
    response = { id: request.id, ok: true, result: operation(db, ...request.args) };
  } catch (error) {
    response = { id: request.id, ok: false, error: (error as Error).message };
  }
  parentPort!.postMessage(response);
});
