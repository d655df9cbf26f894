/**
 * The PostgreSQL `Store`: several stateless Heron processes on one database. `open` runs the
 * migrations (under their advisory lock, so nodes starting together are safe), then opens the
 * pools.
 *
 * Where each call goes:
 * - Writes (ingestion, project edits, deletes, moves) run on the primary, each in one
 *   transaction retried on deadlock or serialization failure.
 * - Point lookups by key (a project, span, trace or session by id; existingSpanKeys) run on the
 *   primary too: they are cheap, and they are what a client asks right after writing (log
 *   spans, then annotate them), so they must see their own writes.
 * - Lists, searches, filters, trace outlines and spans, and project summaries (the reads that
 *   may take long) run on their own pool: on the read replica when one is configured, else on
 *   the primary. Its sessions carry the read time limit (HERON_QUERY_TIMEOUT_SECONDS) as
 *   statement_timeout, so PostgreSQL cancels a runaway read the way SQLite's reader threads
 *   abandon one. A replica may lag the primary by its replication delay.
 */
import type { ProjectClearStep, ProjectClearStepOptions } from '../project-clear.js';
import type pg from 'pg';
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
import { PostgresAnnotationStore } from './postgres-annotation-store.js';
import { PostgresPriceStore } from './postgres-price-store.js';
import { filterSuggestions } from './postgres-filter-suggestions.js';
import { evaluationSummaryRows, spanDocumentEvaluations } from './postgres-evaluation-summaries.js';
import type { DocumentEvaluationRow, EvaluationSummaryRows } from '../evaluation-summary.js';
import { projectMetrics } from './postgres-project-metrics.js';
import { PostgresSavedViewStore } from './postgres-saved-views.js';
import { PostgresAuthStore } from './postgres-auth-store.js';
import type { FilterSuggestions, FilterSuggestionsQuery } from '../filter-suggestions.js';
import type { ProjectMetrics, ProjectMetricsQuery } from '../project-metrics.js';
import { createPostgresPool, isStatementTimeout } from './postgres-connection.js';
import { QueryTimeoutError } from '../query-timeout-error.js';
import { migratePostgres, type Migration } from './postgres-migrations.js';
import { getProjectBy, listProjects } from './postgres-project-reads.js';
import {
  existingSpanKeys,
  findSpansBySpanId,
  getSpanByRowid,
  listSpans,
  listTraceSpans,
} from './postgres-span-reads.js';
import * as retention from './postgres-retention.js';
import {
  PostgresSearchIndexer,
  type PostgresSearchIndexerOptions,
} from './postgres-search-indexer.js';
import { PostgresSpanWriter } from './postgres-span-writer.js';
import {
  getSessionsBy,
  getTraceBy,
  listSessions,
  listSessionTraces,
  listTraces,
  listTraceSpanOutlines,
  projectSummary,
} from './postgres-trace-reads.js';
import * as traceWrites from './postgres-trace-writes.js';
import { DEFAULT_WRITE_ATTEMPTS, inWriteTransaction } from './postgres-transaction.js';
import type { ChangeTarget } from '../store-change.js';
import { PostgresChangeNotices } from './postgres-change-notices.js';
import { changeChannelName } from './postgres-change-payload.js';

/** Connections per pool (primary, and replica when configured). */
export const DEFAULT_POSTGRES_POOL_SIZE = 10;

export interface PostgresStoreOptions {
  url: string;
  /** Schema holding Heron's tables (created by the migrations if missing). Default `public`. */
  schema?: string;
  /** A read replica of the same database, for the long reads (see the top of this file). */
  readReplicaUrl?: string;
  /** Connections per pool. */
  poolSize?: number;
  /** Characters of a span's input/output text kept for full-text search. */
  searchTextMaxChars?: number;
  /** Long reads running longer are cancelled (QueryTimeoutError); default: no limit. */
  queryTimeoutMs?: number;
  onMigration?: (migration: Migration) => void;
  /** Told when background work (the search indexer) fails; it tries again later. */
  onBackgroundError?: (error: unknown) => void;
}

export class PostgresStore implements Store {
  readonly dialect = 'postgres' as const;
  readonly annotations: PostgresAnnotationStore;
  readonly savedViews: PostgresSavedViewStore;
  readonly auth: PostgresAuthStore;
  readonly prices: PostgresPriceStore;
  private readonly spanWriter: PostgresSpanWriter;
  private readonly changeNotices: PostgresChangeNotices | null;
  /** Moves queued search text into the trigram-indexed table when ingestion is quiet. */
  readonly searchIndexer: PostgresSearchIndexer;
  private closed = false;

  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    await migratePostgres(options.url, { schema: options.schema, onApply: options.onMigration });
    const size = options.poolSize ?? DEFAULT_POSTGRES_POOL_SIZE;
    const pool = createPostgresPool({ url: options.url, schema: options.schema, max: size });
    // Long reads get their own pool, on the replica when there is one, whose sessions carry the
    // read time limit as statement_timeout; writes (ingestion) never get a time limit.
    const longReads = createPostgresPool({
      url: options.readReplicaUrl ?? options.url,
      schema: options.schema,
      max: size,
      statementTimeoutMs: options.queryTimeoutMs,
    });
    const store = new PostgresStore(
      pool,
      longReads,
      options.searchTextMaxChars,
      { queryTimeoutMs: options.queryTimeoutMs },
      changeChannelName(options.schema),
      { onError: options.onBackgroundError },
    );
    try {
      await store.ping();
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  /**
   * For tests and tools that manage their own pools; `close()` ends them. `longReads` serves the
   * reads that may take long (the primary when null); `queryTimeoutMs` is the statement_timeout
   * its sessions were opened with, for the error message. Writes that change spans NOTIFY
   * `changeChannel` (live updates; see postgres-change-notices.ts) when it is given. The search
   * indexer starts at once (options: postgres-search-indexer.ts) and stops with `close()`.
   */
  constructor(
    private readonly pool: pg.Pool,
    private readonly longReads: pg.Pool | null = null,
    searchTextMaxChars?: number,
    private readonly limits: { queryTimeoutMs?: number } = {},
    changeChannel: string | null = null,
    searchIndexing: PostgresSearchIndexerOptions = {},
  ) {
    this.annotations = new PostgresAnnotationStore(pool);
    this.savedViews = new PostgresSavedViewStore(pool);
    this.auth = new PostgresAuthStore(pool);
    this.prices = new PostgresPriceStore(pool, longReads ?? pool);
    this.changeNotices = changeChannel === null ? null : new PostgresChangeNotices(changeChannel);
    this.spanWriter = new PostgresSpanWriter(pool, {
      searchTextMaxChars,
      changeNotices: this.changeNotices,
    });
    this.searchIndexer = new PostgresSearchIndexer(pool, searchIndexing);
    if (searchIndexing.background !== false) this.searchIndexer.start();
  }

  /**
   * Runs a read that may take long on the long-reads pool, turning a statement_timeout
   * cancellation into QueryTimeoutError (answered 503 with advice).
   */
  private async longRead<T>(read: (pool: pg.Pool) => Promise<T>): Promise<T> {
    try {
      return await read(this.longReads ?? this.pool);
    } catch (error) {
      if (isStatementTimeout(error) && this.limits.queryTimeoutMs !== undefined) {
        throw new QueryTimeoutError(this.limits.queryTimeoutMs);
      }
      throw error;
    }
  }

  private write<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    return inWriteTransaction(this.pool, { maxAttempts: DEFAULT_WRITE_ATTEMPTS }, work);
  }

  /** A delete or move, announced in its own transaction when it changed anything. */
  private writeReported<T>(
    target: ChangeTarget,
    work: (client: pg.PoolClient) => Promise<T>,
  ): Promise<T> {
    return this.write(async (client) => {
      const changes = (await this.changeNotices?.describe(client, target)) ?? [];
      const result = await work(client);
      if (result) await this.changeNotices?.notify(client, changes);
      return result;
    });
  }

  async insertSpans(spans: SpanRecord[]): Promise<InsertSpansResult> {
    if (this.closed) throw new Error('store is closed');
    this.searchIndexer.writeStarted();
    try {
      await this.prices.priceSpans(spans);
      return await this.spanWriter.insertSpans(spans);
    } finally {
      this.searchIndexer.writeFinished();
    }
  }

  async listProjects(query: ProjectListQuery): Promise<Page<ProjectRow>> {
    return this.longRead((pool) => listProjects(pool, query));
  }

  async getProjectById(rowid: number): Promise<ProjectRow | null> {
    return getProjectBy(this.pool, 'id', rowid);
  }

  async getProjectByName(name: string): Promise<ProjectRow | null> {
    return getProjectBy(this.pool, 'name', name);
  }

  async createProject(name: string, description: string | null): Promise<ProjectRow | null> {
    return this.write((client) => traceWrites.createProject(client, name, description));
  }

  async updateProject(rowid: number, description: string | null): Promise<ProjectRow | null> {
    return this.write((client) => traceWrites.updateProject(client, rowid, description));
  }

  async deleteProject(rowid: number): Promise<boolean> {
    return this.writeReported({ project: rowid }, (client) =>
      traceWrites.deleteProject(client, rowid),
    );
  }

  async getSpanByRowid(rowid: number): Promise<StoredSpan | null> {
    return getSpanByRowid(this.pool, rowid);
  }

  async findSpansBySpanId(spanId: string): Promise<StoredSpan[]> {
    return findSpansBySpanId(this.pool, spanId);
  }

  async existingSpanKeys(keys: { traceId: string; spanId: string }[]): Promise<Set<string>> {
    return existingSpanKeys(this.pool, keys);
  }

  async deleteSpan(rowid: number): Promise<DeleteSpanResult | null> {
    return this.writeReported({ span: rowid }, (client) => traceWrites.deleteSpan(client, rowid));
  }

  async listSpans(projectId: number, query: SpanListQuery): Promise<Page<StoredSpan>> {
    return this.longRead((pool) => listSpans(pool, projectId, query));
  }

  async listTraces(projectId: number, query: TraceListQuery): Promise<KeysetPage<TraceRow>> {
    return this.longRead((pool) => listTraces(pool, projectId, query));
  }

  async getTrace(traceId: string): Promise<TraceRow | null> {
    return getTraceBy(this.pool, 'trace_id', traceId);
  }

  async getTraceByRowid(rowid: number): Promise<TraceRow | null> {
    return getTraceBy(this.pool, 'id', rowid);
  }

  async listTraceSpanOutlines(traceRowids: number[]): Promise<SpanOutline[]> {
    return this.longRead((pool) => listTraceSpanOutlines(pool, traceRowids));
  }

  async listTraceSpans(traceRowid: number, limit: number): Promise<StoredSpan[]> {
    return this.longRead((pool) => listTraceSpans(pool, traceRowid, limit));
  }

  async deleteTrace(rowid: number): Promise<boolean> {
    return this.writeReported({ traces: [rowid] }, (client) =>
      traceWrites.deleteTrace(client, rowid),
    );
  }

  async transferTraces(traceRowids: number[], destinationProjectId: number): Promise<number> {
    return this.writeReported({ transfer: traceRowids, destinationProjectId }, (client) =>
      traceWrites.transferTraces(client, traceRowids, destinationProjectId),
    );
  }

  async getSession(projectId: number, sessionId: string): Promise<SessionRow | null> {
    const sessions = await getSessionsBy(this.pool, {
      sql: 'sessions.project_id = ? AND sessions.session_id = ?',
      params: [projectId, sessionId],
    });
    return sessions[0] ?? null;
  }

  async getSessionByRowid(rowid: number): Promise<SessionRow | null> {
    const sessions = await getSessionsBy(this.pool, { sql: 'sessions.id = ?', params: [rowid] });
    return sessions[0] ?? null;
  }

  async findSessionsBySessionId(sessionId: string): Promise<SessionRow[]> {
    return getSessionsBy(this.pool, { sql: 'sessions.session_id = ?', params: [sessionId] });
  }

  async listSessions(projectId: number, query: SessionListQuery): Promise<Page<SessionRow>> {
    return this.longRead((pool) => listSessions(pool, projectId, query));
  }

  async listSessionTraces(sessionRowid: number): Promise<TraceRow[]> {
    return this.longRead((pool) => listSessionTraces(pool, sessionRowid));
  }

  async deleteSessions(rowids: number[]): Promise<number> {
    return this.writeReported({ sessions: rowids }, (client) =>
      traceWrites.deleteSessions(client, rowids),
    );
  }

  async projectSummary(
    projectId: number,
    startTime?: bigint,
    endTime?: bigint,
  ): Promise<ProjectSummary> {
    return this.longRead((pool) => projectSummary(pool, projectId, startTime, endTime));
  }

  async projectMetrics(projectId: number, query: ProjectMetricsQuery): Promise<ProjectMetrics> {
    return this.longRead((pool) => projectMetrics(pool, projectId, query));
  }

  async evaluationSummaryRows(
    projectId: number,
    startTime?: bigint,
    endTime?: bigint,
    maxDocuments?: number,
  ): Promise<EvaluationSummaryRows> {
    return this.longRead((pool) =>
      evaluationSummaryRows(pool, projectId, startTime, endTime, maxDocuments),
    );
  }

  async spanDocumentEvaluations(spanRowid: number): Promise<DocumentEvaluationRow[]> {
    return spanDocumentEvaluations(this.pool, spanRowid);
  }

  async filterSuggestions(
    projectId: number,
    query: FilterSuggestionsQuery,
  ): Promise<FilterSuggestions> {
    return this.longRead((pool) => filterSuggestions(pool, projectId, query));
  }

  async getRetentionPolicy(projectId: number): Promise<RetentionPolicy | null> {
    return retention.getRetentionPolicy(this.pool, projectId);
  }

  async setRetentionPolicy(projectId: number, policy: RetentionPolicy): Promise<boolean> {
    return this.write((client) => retention.setRetentionPolicy(client, projectId, policy));
  }

  async clearRetentionPolicy(projectId: number): Promise<boolean> {
    return this.write((client) => retention.clearRetentionPolicy(client, projectId));
  }

  /** Safe with several nodes sweeping at once (postgres-retention.ts). */
  async sweepRetention(options: RetentionSweepOptions): Promise<RetentionSweepResult> {
    return this.write(async (client) => {
      const step: RetentionSweepStep = await retention.sweepRetention(client, options);
      const { projectIds, ...result } = step;
      // Live updates, in the sweep's own transaction: anything in these projects may have changed.
      const notices = this.changeNotices;
      if (notices !== null) {
        for (const projectId of projectIds) {
          await notices.notify(client, await notices.describe(client, { project: projectId }));
        }
      }
      return result;
    });
  }

  /** One batch in one transaction, like a sweep step (postgres-retention.ts). */
  async clearProjectStep(
    projectId: number,
    options: ProjectClearStepOptions,
  ): Promise<ProjectClearStep> {
    return this.write(async (client) => {
      const step = await retention.clearProjectStep(client, projectId, options);
      const notices = this.changeNotices;
      if (notices !== null && step.deletedTraces > 0) {
        await notices.notify(client, await notices.describe(client, { project: projectId }));
      }
      return step;
    });
  }

  /** The primary and, when configured, the replica answer. */
  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
    if (this.longReads) await this.longReads.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.searchIndexer.stop();
    await Promise.all([this.pool.end(), this.longReads?.end()]);
  }
}
