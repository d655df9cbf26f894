/**
 * The embedded SQLite `Store`: one database file in the working directory, WAL mode.
 *
 * Writes go to a writer thread (sqlite-writer-worker.ts). Reads that may take long (lists,
 * searches, filters, summaries) go to reader threads (read-pool.ts); point lookups by key run on
 * a query-only connection on the calling thread, where they cost microseconds.
 */
import type Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DEFAULT_SEARCH_TEXT_MAX_CHARS } from '../../spans/span-search-text.js';
import type { SpanRecord } from '../../spans/span-record.js';
import type {
  RetentionPolicy,
  RetentionSweepOptions,
  RetentionSweepResult,
  RetentionSweepStep,
} from '../retention-policy.js';
import type {
  DeleteSpanResult,
  InsertSpansResult,
  KeysetPage,
  Page,
  ProjectListQuery,
  ProjectRow,
  ProjectSummary,
  SessionListQuery,
  SessionRow,
  SpanListQuery,
  SpanOutline,
  Store,
  StoredSpan,
  TraceListQuery,
  TraceRow,
} from '../store.js';
import { openSqlite } from './open-sqlite.js';
import { openSqliteReader } from './open-sqlite-reader.js';
import { ReadPool } from './read-pool.js';
import type { ChangeTarget, StoreChangeSink } from '../store-change.js';
import type { ProjectClearStep, ProjectClearStepOptions } from '../project-clear.js';
import { SqliteChangeReporter } from './sqlite-change-reporter.js';
import { toSpanRow } from './span-row.js';
import { SqliteAnnotationStore } from './sqlite-annotation-store.js';
import { SqliteSavedViewStore } from './sqlite-saved-views.js';
import { SqliteAuthStore } from './sqlite-auth-store.js';
import { SqlitePriceStore } from './sqlite-price-store.js';
import type { ReadArgs, ReadOperationName, ReadResult } from './read-operations.js';
import type { FilterSuggestions, FilterSuggestionsQuery } from '../filter-suggestions.js';
import { allBuckets, type ProjectMetrics, type ProjectMetricsQuery } from '../project-metrics.js';
import { migrateSqlite, type Migration } from './sqlite-migrations.js';
import { getProjectBy } from './sqlite-project-reads.js';
import type { DocumentEvaluationRow, EvaluationSummaryRows } from '../evaluation-summary.js';
import { getRetentionPolicy } from './sqlite-retention.js';
import { existingSpanKeys, findSpansBySpanId, getSpanByRowid } from './sqlite-span-reads.js';
import { getSessionsBy, getTraceBy } from './sqlite-trace-reads.js';
import type { WriterRequest, WriterResponse, WriterWorkerData } from './sqlite-writer-worker.js';
import type { CheckpointerWorkerData } from './sqlite-checkpointer-worker.js';

/** Reader threads by default: one per core, at least 2 (so one long read never blocks all). */
export const DEFAULT_READER_THREADS = Math.max(2, availableParallelism());
/** Longest a read may run before it is stopped. */
export const DEFAULT_QUERY_TIMEOUT_MS = 30_000;

export interface SqliteStoreOptions {
  path: string;
  synchronous: 'FULL' | 'NORMAL';
  /** Characters of a span's input/output text kept for full-text search. */
  searchTextMaxChars?: number;
  /** Threads that run long reads. */
  readerThreads?: number;
  /** A read running longer than this is stopped (QueryTimeoutError). */
  queryTimeoutMs?: number;
  onMigration?: (migration: Migration) => void;
  /** Told what each committed write changed (live updates). */
  changes?: StoreChangeSink;
  /** Most spans one transaction of concurrent `insertSpans` calls takes (default 5,000). */
  maxBatchSpans?: number;
}

/** Default of `maxBatchSpans` (HERON_MAX_BATCH_SPANS). */
export const DEFAULT_MAX_BATCH_SPANS = 5_000;

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export class SqliteStore implements Store {
  readonly dialect = 'sqlite' as const;
  /** The writer thread groups concurrent span requests into shared transactions. */
  readonly groupsConcurrentInserts = true;
  readonly annotations = new SqliteAnnotationStore(this);
  readonly savedViews = new SqliteSavedViewStore(this);
  readonly auth = new SqliteAuthStore(this);
  readonly prices = new SqlitePriceStore(this);
  private readonly reader: Database.Database;
  private readonly reads: ReadPool;
  private readonly worker: Worker;
  private readonly checkpointer: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextRequestId = 1;
  private closed = false;
  private readonly changes: SqliteChangeReporter | null;

  static async open(options: SqliteStoreOptions): Promise<SqliteStore> {
    mkdirSync(dirname(options.path), { recursive: true });
    // Migrate before any other connection opens, so the writer and readers see the final schema.
    const db = openSqlite(options.path, options.synchronous);
    try {
      migrateSqlite(db, options.onMigration);
    } finally {
      db.close();
    }
    const store = new SqliteStore(options);
    await store.ping();
    return store;
  }

  private constructor(options: SqliteStoreOptions) {
    const searchTextMaxChars = options.searchTextMaxChars ?? DEFAULT_SEARCH_TEXT_MAX_CHARS;
    this.reader = openSqliteReader(options.path, options.synchronous, searchTextMaxChars);
    this.changes = options.changes ? new SqliteChangeReporter(this.reader, options.changes) : null;
    this.reads = new ReadPool({
      threads: options.readerThreads ?? DEFAULT_READER_THREADS,
      timeoutMs: options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS,
      workerData: { path: options.path, synchronous: options.synchronous, searchTextMaxChars },
    });
    const workerData: WriterWorkerData = {
      path: options.path,
      synchronous: options.synchronous,
      searchTextMaxChars,
      maxBatchSpans: options.maxBatchSpans ?? DEFAULT_MAX_BATCH_SPANS,
    };
    this.worker = new Worker(new URL('./sqlite-writer-worker.js', import.meta.url), { workerData });
    const checkpointerData: CheckpointerWorkerData = {
      path: options.path,
      synchronous: options.synchronous,
    };
    this.checkpointer = new Worker(new URL('./sqlite-checkpointer-worker.js', import.meta.url), {
      workerData: checkpointerData,
    });
    // Not fatal: the writer's own checkpoint keeps the log bounded without it.
    this.checkpointer.on('error', (error) =>
      console.error(`heron: checkpointer: ${error.message}`),
    );
    this.worker.on('message', (response: WriterResponse) => {
      const pending = this.pending.get(response.id);
      if (!pending) return;
      this.pending.delete(response.id);
      if (response.ok) pending.resolve(response.result);
      else pending.reject(new Error(`SQLite write failed: ${response.error}`));
    });
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.on('exit', (code) => {
      if (!this.closed) this.failAll(new Error(`SQLite writer thread exited (code ${code})`));
    });
  }

  private failAll(error: Error): void {
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }

  private send(request: DistributiveOmit<WriterRequest, 'id'>): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    const id = this.nextRequestId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id });
    });
  }

  /**
   * Sends the spans to the writer at once, as rows; the writer commits them together with the
   * other requests waiting there (span-group-commit.ts). Neither the span records nor the rows
   * are kept while the commit is pending (so no `async` here: V8 keeps an async function's
   * locals until it ends), so they die young, cheap for the garbage collector.
   */
  insertSpans(spans: SpanRecord[]): Promise<InsertSpansResult> {
    if (spans.length === 0) return Promise.resolve({ spanCount: 0, traceCount: 0 });
    return this.prices.priceSpans(spans).then(() => this.sendSpans(spans));
  }

  private sendSpans(spans: SpanRecord[]): Promise<InsertSpansResult> {
    const resourceJson = new Map<object, string>();
    const rows = spans.map((span) => toSpanRow(span, resourceJson));
    const committed = this.changes?.spansToReport(spans) ?? null;
    return this.send({ op: 'insertSpans', rows }).then((result) => {
      if (committed !== null) this.changes?.spansCommitted(committed);
      return result as InsertSpansResult;
    });
  }

  /** Runs a delete or move, then reports what it changed (when it changed anything). */
  private async reported<T>(target: ChangeTarget, write: () => Promise<T>): Promise<T> {
    const changes = this.changes?.describe(target) ?? [];
    const result = await write();
    if (result) this.changes?.publish(changes);
    return result;
  }

  /**
   * Runs a named write operation (write-operations.ts) on the writer thread, in one
   * transaction; resolves with its result after the commit.
   */
  write<T>(name: string, args: unknown): Promise<T> {
    return this.send({ op: 'write', name, args }) as Promise<T>;
  }

  /** The query-only connection for reads on the calling thread (used by the read modules). */
  /** Runs a read operation (read-operations.ts) in a reader thread (used by the read modules). */
  read<K extends ReadOperationName>(
    name: K,
    ...args: ReadArgs<K>
  ): Promise<Awaited<ReadResult<K>>> {
    return this.reads.run(name, ...args) as Promise<Awaited<ReadResult<K>>>;
  }

  get readConnection(): Database.Database {
    return this.reader;
  }

  async listProjects(query: ProjectListQuery): Promise<Page<ProjectRow>> {
    return this.reads.run('listProjects', query);
  }

  async getProjectById(rowid: number): Promise<ProjectRow | null> {
    return getProjectBy(this.reader, 'id', rowid);
  }

  async getProjectByName(name: string): Promise<ProjectRow | null> {
    return getProjectBy(this.reader, 'name', name);
  }

  async createProject(name: string, description: string | null): Promise<ProjectRow | null> {
    const rowid = await this.write<number | null>('createProject', { name, description });
    return rowid === null ? null : this.getProjectById(rowid);
  }

  async updateProject(rowid: number, description: string | null): Promise<ProjectRow | null> {
    const updated = await this.write<boolean>('updateProject', { rowid, description });
    return updated ? this.getProjectById(rowid) : null;
  }

  async deleteProject(rowid: number): Promise<boolean> {
    return this.reported({ project: rowid }, () => this.write<boolean>('deleteProject', { rowid }));
  }

  async getSpanByRowid(rowid: number): Promise<StoredSpan | null> {
    return getSpanByRowid(this.reader, rowid);
  }

  async findSpansBySpanId(spanId: string): Promise<StoredSpan[]> {
    return findSpansBySpanId(this.reader, spanId);
  }

  async existingSpanKeys(keys: { traceId: string; spanId: string }[]): Promise<Set<string>> {
    return existingSpanKeys(this.reader, keys);
  }

  async deleteSpan(rowid: number): Promise<DeleteSpanResult | null> {
    return this.reported({ span: rowid }, () =>
      this.write<DeleteSpanResult | null>('deleteSpan', { rowid }),
    );
  }

  async listSpans(projectId: number, query: SpanListQuery): Promise<Page<StoredSpan>> {
    return this.reads.run('listSpans', projectId, query);
  }

  async listTraces(projectId: number, query: TraceListQuery): Promise<KeysetPage<TraceRow>> {
    return this.reads.run('listTraces', projectId, query);
  }

  async getTrace(traceId: string): Promise<TraceRow | null> {
    return getTraceBy(this.reader, 'trace_id', traceId);
  }

  async getTraceByRowid(rowid: number): Promise<TraceRow | null> {
    return getTraceBy(this.reader, 'id', rowid);
  }

  async listTraceSpanOutlines(traceRowids: number[]): Promise<SpanOutline[]> {
    return this.reads.run('listTraceSpanOutlines', traceRowids);
  }

  async listTraceSpans(traceRowid: number, limit: number): Promise<StoredSpan[]> {
    return this.reads.run('listTraceSpans', traceRowid, limit);
  }

  async deleteTrace(rowid: number): Promise<boolean> {
    return this.reported({ traces: [rowid] }, () => this.write<boolean>('deleteTrace', { rowid }));
  }

  async transferTraces(traceRowids: number[], destinationProjectId: number): Promise<number> {
    return this.reported({ transfer: traceRowids, destinationProjectId }, () =>
      this.write<number>('transferTraces', { traceRowids, destinationProjectId }),
    );
  }

  async getSession(projectId: number, sessionId: string): Promise<SessionRow | null> {
    return (
      getSessionsBy(this.reader, 'sessions.project_id = ? AND sessions.session_id = ?', [
        projectId,
        sessionId,
      ])[0] ?? null
    );
  }

  async getSessionByRowid(rowid: number): Promise<SessionRow | null> {
    return getSessionsBy(this.reader, 'sessions.id = ?', [rowid])[0] ?? null;
  }

  async findSessionsBySessionId(sessionId: string): Promise<SessionRow[]> {
    return getSessionsBy(this.reader, 'sessions.session_id = ?', [sessionId]);
  }

  async listSessions(projectId: number, query: SessionListQuery): Promise<Page<SessionRow>> {
    return this.reads.run('listSessions', projectId, query);
  }

  async listSessionTraces(sessionRowid: number): Promise<TraceRow[]> {
    return this.reads.run('listSessionTraces', sessionRowid);
  }

  async deleteSessions(rowids: number[]): Promise<number> {
    return this.reported({ sessions: rowids }, () =>
      this.write<number>('deleteSessions', { rowids }),
    );
  }

  async projectSummary(
    projectId: number,
    startTime?: bigint,
    endTime?: bigint,
  ): Promise<ProjectSummary> {
    return this.reads.run('projectSummary', projectId, startTime, endTime);
  }

  /** The trace and the span halves on two reader threads at once. */
  async projectMetrics(projectId: number, query: ProjectMetricsQuery): Promise<ProjectMetrics> {
    const [filled, spans] = await Promise.all([
      this.reads.run('projectTraceMetrics', projectId, query),
      this.reads.run('projectSpanMetrics', projectId, query),
    ]);
    return { buckets: allBuckets(query, filled), ...spans };
  }

  async evaluationSummaryRows(
    projectId: number,
    startTime?: bigint,
    endTime?: bigint,
    maxDocuments?: number,
  ): Promise<EvaluationSummaryRows> {
    return this.reads.run('evaluationSummaryRows', projectId, startTime, endTime, maxDocuments);
  }

  async spanDocumentEvaluations(spanRowid: number): Promise<DocumentEvaluationRow[]> {
    return this.reads.run('spanDocumentEvaluations', spanRowid);
  }

  async filterSuggestions(
    projectId: number,
    query: FilterSuggestionsQuery,
  ): Promise<FilterSuggestions> {
    return this.reads.run('filterSuggestions', projectId, query);
  }

  async getRetentionPolicy(projectId: number): Promise<RetentionPolicy | null> {
    return getRetentionPolicy(this.reader, projectId);
  }

  async setRetentionPolicy(projectId: number, policy: RetentionPolicy): Promise<boolean> {
    return this.write<boolean>('setRetentionPolicy', { projectId, policy });
  }

  async clearRetentionPolicy(projectId: number): Promise<boolean> {
    return this.write<boolean>('clearRetentionPolicy', { projectId });
  }

  /** On the writer thread, so each step interleaves with span batches (sqlite-retention.ts). */
  async sweepRetention(options: RetentionSweepOptions): Promise<RetentionSweepResult> {
    const step = await this.write<RetentionSweepStep>('sweepRetention', options);
    const { projectIds, ...result } = step;
    // Live updates: anything in these projects may have changed.
    for (const projectId of projectIds) {
      this.changes?.publish(this.changes.describe({ project: projectId }));
    }
    return result;
  }

  /** On the writer thread, like a retention step (sqlite-retention.ts). */
  async clearProjectStep(
    projectId: number,
    options: ProjectClearStepOptions,
  ): Promise<ProjectClearStep> {
    const step = await this.write<ProjectClearStep>('clearProjectStep', { projectId, ...options });
    if (step.deletedTraces > 0) {
      this.changes?.publish(this.changes.describe({ project: projectId }));
    }
    return step;
  }

  /** Both the calling thread's connection and a reader thread answer. */
  async ping(): Promise<void> {
    this.reader.prepare('SELECT 1').get();
    await this.reads.run('ping');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // The checkpointer first, so that the writer's connection is the last one and closing it
    // checkpoints the whole log into the database file.
    const checkpointerExited = new Promise((resolve) => this.checkpointer.once('exit', resolve));
    this.checkpointer.postMessage('close');
    await checkpointerExited;
    const exited = new Promise((resolve) => this.worker.once('exit', resolve));
    this.worker.postMessage('close');
    await exited;
    this.failAll(new Error('store is closed'));
    await this.reads.close();
    this.reader.close();
  }
}
