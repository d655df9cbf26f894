/**
 * Reader threads for the reads that may take long, so the event loop (OTLP acknowledgements,
 * health checks, other requests) never waits on a big search or filter.
 *
 * Each thread runs one read at a time; reads wait in a queue for a free thread. A read that runs
 * longer than the time limit is answered with QueryTimeoutError at once and its thread is told
 * to end; a fresh thread takes its place, so later reads do not wait. (The statement itself
 * cannot be interrupted from outside: the old thread ends when SQLite returns to JavaScript.)
 */
import { Worker } from 'node:worker_threads';
import { QueryTimeoutError } from '../query-timeout-error.js';
import type { ReadArgs, ReadOperationName, ReadResult } from './read-operations.js';
import type { ReaderWorkerData, ReadRequest, ReadResponse } from './sqlite-reader-worker.js';

export interface ReadPoolOptions {
  threads: number;
  timeoutMs: number;
  workerData: ReaderWorkerData;
}

interface Job {
  request: ReadRequest;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

interface Reader {
  worker: Worker;
  job: Job | null;
  timer: NodeJS.Timeout | null;
}

export class ReadPool {
  private readonly readers: Reader[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: ReadPoolOptions) {
    for (let i = 0; i < options.threads; i++) this.readers.push(this.startReader());
  }

  run<K extends ReadOperationName>(name: K, ...args: ReadArgs<K>): Promise<ReadResult<K>> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    return new Promise((resolve, reject) => {
      const request: ReadRequest = { id: this.nextId++, name, args };
      this.queue.push({ request, resolve: resolve as (value: unknown) => void, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('store is closed'));
    await Promise.all(
      this.readers.map(async (reader) => {
        if (reader.timer) clearTimeout(reader.timer);
        reader.job?.reject(new Error('store is closed'));
        reader.job = null;
        await reader.worker.terminate();
      }),
    );
  }

  private startReader(): Reader {
    const worker = new Worker(new URL('./sqlite-reader-worker.js', import.meta.url), {
      workerData: this.options.workerData,
    });
    const reader: Reader = { worker, job: null, timer: null };
    worker.on('message', (response: ReadResponse) => {
      const job = reader.job;
      if (!job || job.request.id !== response.id) return;
      this.finish(reader);
      if (response.ok) job.resolve(response.result);
      else job.reject(new Error(`SQLite read failed: ${response.error}`));
      this.dispatch();
    });
    const replace = (error: Error) => {
      if (this.closed) return;
      const job = reader.job;
      this.finish(reader);
      job?.reject(error);
      this.replace(reader);
    };
    worker.on('error', replace);
    worker.on('exit', (code) => replace(new Error(`SQLite reader thread exited (code ${code})`)));
    return reader;
  }

  private finish(reader: Reader): void {
    if (reader.timer) clearTimeout(reader.timer);
    reader.timer = null;
    reader.job = null;
  }

  /** Swaps a dead or stopped reader for a new one and gives it the next job. */
  private replace(reader: Reader): void {
    const index = this.readers.indexOf(reader);
    if (index === -1) return;
    reader.worker.removeAllListeners();
    void reader.worker.terminate();
    this.readers[index] = this.startReader();
    this.dispatch();
  }

  private dispatch(): void {
    for (const reader of this.readers) {
      if (this.queue.length === 0) return;
      if (reader.job) continue;
      const job = this.queue.shift()!;
      reader.job = job;
      reader.timer = setTimeout(() => {
        this.finish(reader);
        job.reject(new QueryTimeoutError(this.options.timeoutMs));
        this.replace(reader);
      }, this.options.timeoutMs);
      reader.worker.postMessage(job.request);
    }
  }
}
