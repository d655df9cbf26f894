/**
 * The bounded ingest queue with group commit.
 *
 * Each export request `submit`s its spans and waits. While the store commits one batch, the
 * requests that arrive meanwhile pile up; they are committed together as the next batch, in one
 * transaction. So a request is acknowledged only after its spans are durable, yet concurrent
 * requests share the cost of a commit.
 *
 * `maxConcurrentCommits` batches may be committing at once (PostgreSQL: each on its own
 * connection, safe as two nodes are). With 2, the next batch is prepared in this process while
 * the database writes the previous one, instead of the two taking turns.
 *
 * A store that groups concurrent inserts itself (`Store.groupsConcurrentInserts`: SQLite's
 * writer thread) gets each request at once instead; this queue then only bounds and counts what
 * is in flight.
 *
 * The queue is bounded in spans: past `maxQueuedSpans`, `submit` throws `QueueFullError` at once
 * (the HTTP layer answers 503 + Retry-After, gRPC RESOURCE_EXHAUSTED) instead of growing memory.
 */
import type { SpanRecord } from '../spans/span-record.js';
import type { InsertSpansResult, Store } from '../store/store.js';

/** Told about every commit (observability/heron-metrics.ts counts them). */
export interface CommitObserver {
  committed(spans: number, seconds: number): void;
  commitFailed(spans: number): void;
}

export class QueueFullError extends Error {
  constructor(
    readonly queuedSpans: number,
    readonly maxQueuedSpans: number,
  ) {
    super(
      `Heron's ingest queue is full (${queuedSpans} spans waiting, limit ${maxQueuedSpans}); retry shortly`,
    );
    this.name = 'QueueFullError';
  }
}

export class QueueClosedError extends Error {
  constructor() {
    super('Heron is shutting down and no longer accepts spans');
    this.name = 'QueueClosedError';
  }
}

interface Waiting {
  spans: SpanRecord[];
  resolve: () => void;
  reject: (error: Error) => void;
}

export interface IngestQueueOptions {
  maxQueuedSpans: number;
  maxBatchSpans: number;
  /** Batches committing at once (default 1). */
  maxConcurrentCommits?: number;
}

export interface IngestQueueStats {
  queuedSpans: number;
  committedSpans: number;
  committedBatches: number;
}

export class IngestQueue {
  private waiting: Waiting[] = [];
  private queuedSpans = 0;
  /** Commit loops running (each commits one batch at a time). */
  private committing = 0;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  private committedSpans = 0;
  private committedBatches = 0;
  private lastTransactionId: number | undefined;

  constructor(
    private readonly store: Store,
    private readonly options: IngestQueueOptions,
    private readonly observer?: CommitObserver,
  ) {}

  /** Resolves once the spans are committed; rejects with QueueFullError without queueing them. */
  submit(spans: SpanRecord[]): Promise<void> {
    if (this.closed) return Promise.reject(new QueueClosedError());
    if (spans.length === 0) return Promise.resolve();
    // A single request larger than the whole queue is still taken when the queue is empty:
    // its size is already bounded by the request body limit.
    if (this.queuedSpans > 0 && this.queuedSpans + spans.length > this.options.maxQueuedSpans) {
      return Promise.reject(new QueueFullError(this.queuedSpans, this.options.maxQueuedSpans));
    }
    this.queuedSpans += spans.length;
    if (this.store.groupsConcurrentInserts) {
      return this.handOver(this.store.insertSpans(spans), spans.length);
    }
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ spans, resolve, reject });
      if (this.committing < Math.max(1, this.options.maxConcurrentCommits ?? 1)) {
        void this.commitLoop();
      }
    });
  }

  get stats(): IngestQueueStats {
    return {
      queuedSpans: this.queuedSpans,
      committedSpans: this.committedSpans,
      committedBatches: this.committedBatches,
    };
  }

  /** Stops taking new spans and resolves when everything queued is committed (or failed). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.queuedSpans === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Waits for one request handed to a store that groups concurrent inserts itself. Takes the
   * store's promise and the span count, not the spans: this async function's locals live until
   * the commit (see ExportIngester.ingest).
   */
  private async handOver(committing: Promise<InsertSpansResult>, spans: number): Promise<void> {
    const started = performance.now();
    try {
      const { transaction } = await committing;
      this.committedSpans += spans;
      // Requests that shared a transaction count (and are observed) as one batch; their
      // answers arrive one after another.
      if (transaction === undefined) {
        this.committedBatches += 1;
        this.observer?.committed(spans, (performance.now() - started) / 1000);
      } else if (transaction.id !== this.lastTransactionId) {
        this.committedBatches += 1;
        this.observer?.committed(transaction.spans, transaction.seconds);
      }
      this.lastTransactionId = transaction?.id;
    } catch (error) {
      this.observer?.commitFailed(spans);
      throw error;
    } finally {
      this.queuedSpans -= spans;
      if (this.queuedSpans === 0) this.wakeIdleWaiters();
    }
  }

  private wakeIdleWaiters(): void {
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private async commitLoop(): Promise<void> {
    this.committing++;
    while (this.waiting.length > 0) {
      const batch = this.takeBatch();
      const spans = batch.length === 1 ? batch[0]!.spans : batch.flatMap((w) => w.spans);
      try {
        const started = performance.now();
        await this.store.insertSpans(spans);
        this.observer?.committed(spans.length, (performance.now() - started) / 1000);
        this.committedSpans += spans.length;
        this.committedBatches += 1;
        for (const w of batch) w.resolve();
      } catch (error) {
        this.observer?.commitFailed(spans.length);
        if (batch.length === 1) batch[0]!.reject(error as Error);
        // One request's bad data must not fail the others it happened to share a batch with.
        else for (const w of batch) await this.commitAlone(w);
      } finally {
        this.queuedSpans -= spans.length;
      }
    }
    this.committing--;
    if (this.committing > 0) return;
    this.wakeIdleWaiters();
  }

  private async commitAlone(w: Waiting): Promise<void> {
    try {
      const started = performance.now();
      await this.store.insertSpans(w.spans);
      this.observer?.committed(w.spans.length, (performance.now() - started) / 1000);
      this.committedSpans += w.spans.length;
      this.committedBatches += 1;
      w.resolve();
    } catch (error) {
      this.observer?.commitFailed(w.spans.length);
      w.reject(error as Error);
    }
  }

  /** Takes whole requests until the batch reaches maxBatchSpans (always at least one). */
  private takeBatch(): Waiting[] {
    let count = 0;
    let n = 0;
    while (n < this.waiting.length) {
      const size = this.waiting[n]!.spans.length;
      if (n > 0 && count + size > this.options.maxBatchSpans) break;
      count += size;
      n++;
    }
    return this.waiting.splice(0, n);
  }
}
