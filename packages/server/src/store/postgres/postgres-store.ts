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
 *   may take long) run on the read replica when one is configured, else on the primary. A
 *   replica may lag the primary by its replication delay.
 */
import type pg from 'pg';
import type { SpanRecord } from '../../spans/span-record.js';
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
import { createPostgresPool } from './postgres-connection.js';
import { migratePostgres, type Migration } from './postgres-migrations.js';
import { getProjectBy, listProjects } from './postgres-project-reads.js';
import {
  existingSpanKeys,
  findSpansBySpanId,
  getSpanByRowid,
  listSpans,
  listTraceSpans,
} from './postgres-span-reads.js';
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
  onMigration?: (migration: Migration) => void;
}

export class PostgresStore implements Store {
  readonly dialect = 'postgres' as const;
  readonly annotations: PostgresAnnotationStore;
  private readonly spanWriter: PostgresSpanWriter;
  private closed = false;

  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    await migratePostgres(options.url, { schema: options.schema, onApply: options.onMigration });
    const size = options.poolSize ?? DEFAULT_POSTGRES_POOL_SIZE;
    const pool = createPostgresPool({ url: options.url, schema: options.schema, max: size });
    const replica =
      options.readReplicaUrl === undefined
        ? null
        : createPostgresPool({ url: options.readReplicaUrl, schema: options.schema, max: size });
    const store = new PostgresStore(pool, replica, options.searchTextMaxChars);
    try {
      await store.ping();
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  /** For tests and tools that manage their own pools; `close()` ends them. */
  constructor(
    private readonly pool: pg.Pool,
    private readonly replica: pg.Pool | null = null,
    searchTextMaxChars?: number,
  ) {
    this.annotations = new PostgresAnnotationStore(pool);
    this.spanWriter = new PostgresSpanWriter(pool, { searchTextMaxChars });
  }

  /** The pool long reads use: the replica if there is one. */
  private get reads(): pg.Pool {
    return this.replica ?? this.pool;
  }

  private write<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    return inWriteTransaction(this.pool, { maxAttempts: DEFAULT_WRITE_ATTEMPTS }, work);
  }

  async insertSpans(spans: SpanRecord[]): Promise<InsertSpansResult> {
    if (this.closed) throw new Error('store is closed');
    return this.spanWriter.insertSpans(spans);
  }

  async listProjects(query: ProjectListQuery): Promise<Page<ProjectRow>> {
    return listProjects(this.reads, query);
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
    return this.write((client) => traceWrites.deleteProject(client, rowid));
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
    return this.write((client) => traceWrites.deleteSpan(client, rowid));
  }

  async listSpans(projectId: number, query: SpanListQuery): Promise<Page<StoredSpan>> {
    return listSpans(this.reads, projectId, query);
  }

  async listTraces(projectId: number, query: TraceListQuery): Promise<KeysetPage<TraceRow>> {
    return listTraces(this.reads, projectId, query);
  }

  async getTrace(traceId: string): Promise<TraceRow | null> {
    return getTraceBy(this.pool, 'trace_id', traceId);
  }

  async getTraceByRowid(rowid: number): Promise<TraceRow | null> {
    return getTraceBy(this.pool, 'id', rowid);
  }

  async listTraceSpanOutlines(traceRowids: number[]): Promise<SpanOutline[]> {
    return listTraceSpanOutlines(this.reads, traceRowids);
  }

  async listTraceSpans(traceRowid: number, limit: number): Promise<StoredSpan[]> {
    return listTraceSpans(this.reads, traceRowid, limit);
  }

  async deleteTrace(rowid: number): Promise<boolean> {
    return this.write((client) => traceWrites.deleteTrace(client, rowid));
  }

  async transferTraces(traceRowids: number[], destinationProjectId: number): Promise<number> {
    return this.write((client) =>
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
    return listSessions(this.reads, projectId, query);
  }

  async listSessionTraces(sessionRowid: number): Promise<TraceRow[]> {
    return listSessionTraces(this.reads, sessionRowid);
  }

  async deleteSessions(rowids: number[]): Promise<number> {
    return this.write((client) => traceWrites.deleteSessions(client, rowids));
  }

  async projectSummary(
    projectId: number,
    startTime?: bigint,
    endTime?: bigint,
  ): Promise<ProjectSummary> {
    return projectSummary(this.reads, projectId, startTime, endTime);
  }

  /** The primary and, when configured, the replica answer. */
  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
    if (this.replica) await this.replica.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([this.pool.end(), this.replica?.end()]);
  }
}
