/**
 * Cost recompute jobs: after prices change, re-price the stored LLM spans of a time range (and
 * a project) and their traces' cost rollups, in the background, with progress.
 *
 * A job walks the span table by row id in windows of `batchSpans` rows; each window is one short
 * transaction (`PriceStore.recomputeBatch`). On SQLite the batches go through the writer thread
 * like any other write, so ingest batches queued meanwhile run between them; on PostgreSQL each
 * batch takes the span writer's locks in its order. Spans written after the job started are
 * priced at ingest with the new prices, so the job stops at the highest row id it saw at start.
 *
 * Jobs live in this process's memory. If the server stops mid-job, the batches already done stay
 * done (each committed), the rest keep their old cost, and the job id is gone (404): run the
 * recompute again (it is idempotent). On PostgreSQL a job can be read only from the node that
 * started it.
 */
import type { PriceStore, RecomputeRange } from './price-store.js';

/** Span rows per recompute transaction, by default. */
export const DEFAULT_COST_RECOMPUTE_BATCH_SPANS = 2000;
/** Finished jobs remembered (for GET) before the oldest are forgotten. */
const KEPT_FINISHED_JOBS = 100;

export type RecomputeState = 'running' | 'succeeded' | 'failed';

export interface RecomputeJob {
  id: string;
  state: RecomputeState;
  range: RecomputeRange;
  /** LLM spans in the range when the job started. */
  spansTotal: number;
  /** LLM spans recomputed so far. */
  spansDone: number;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
}

export class CostRecomputeJobs {
  private readonly jobs = new Map<string, RecomputeJob>();
  private nextId = 1;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly prices: PriceStore,
    private readonly batchSpans = DEFAULT_COST_RECOMPUTE_BATCH_SPANS,
  ) {}

  /** The job that is running, if any (one at a time per process). */
  current(): RecomputeJob | null {
    for (const job of this.jobs.values()) if (job.state === 'running') return job;
    return null;
  }

  get(id: string): RecomputeJob | null {
    return this.jobs.get(id) ?? null;
  }

  /** Starts a job; null when one is already running (the caller answers 409). */
  async start(range: RecomputeRange): Promise<RecomputeJob | null> {
    if (this.current() !== null || this.stopped) return null;
    const id = `recompute-${Date.now().toString(36)}-${this.nextId++}`;
    const job: RecomputeJob = {
      id,
      state: 'running',
      range,
      spansTotal: 0,
      spansDone: 0,
      startedAt: new Date().toISOString(),
      finishedAt: null,
      error: null,
    };
    this.jobs.set(id, job);
    this.forgetOldJobs();
    try {
      const extent = await this.prices.recomputeExtent(range);
      job.spansTotal = extent.spanCount;
      this.running = this.run(job, extent.maxRowid);
    } catch (error) {
      this.finish(job, error as Error);
    }
    return job;
  }

  private async run(job: RecomputeJob, maxRowid: number): Promise<void> {
    try {
      for (let from = 1; from <= maxRowid && !this.stopped; from += this.batchSpans) {
        const to = Math.min(from + this.batchSpans, maxRowid + 1);
        job.spansDone += await this.prices.recomputeBatch(job.range, from, to);
        // Let other work (requests, ingest commits) run between batches.
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (this.stopped) throw new Error('the server stopped before the job finished');
      this.finish(job, null);
    } catch (error) {
      this.finish(job, error as Error);
    }
  }

  private finish(job: RecomputeJob, error: Error | null): void {
    job.state = error === null ? 'succeeded' : 'failed';
    job.error = error === null ? null : error.message;
    job.finishedAt = new Date().toISOString();
    // Spans seen in the range may differ from the count at start (ingest went on meanwhile).
    if (error === null) job.spansTotal = Math.max(job.spansTotal, job.spansDone);
  }

  private forgetOldJobs(): void {
    const finished = [...this.jobs.values()].filter((job) => job.state !== 'running');
    for (const job of finished.slice(0, Math.max(0, finished.length - KEPT_FINISHED_JOBS))) {
      this.jobs.delete(job.id);
    }
  }

  /** Waits for the running job, if any (tests; shutdown). */
  async idle(): Promise<void> {
    await this.running;
  }

  /** Stops after the current batch (server shutdown); the job ends as failed. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }
}
