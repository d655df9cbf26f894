/**
 * The embedded SQLite `Store`: one database file in the working directory, WAL mode.
 *
 * Writes go to a writer worker thread (sqlite-writer-worker.ts). Reads run on the calling
 * thread through a separate query-only connection; every read is bounded by a LIMIT on an
 * indexed order, so none holds the event loop for long.
 */
import type Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SpanRecord } from '../../spans/span-record.js';
import { fullTextCondition } from '../../query/full-text-condition.js';
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
import {
  getSessionsBy,
  getTraceBy,
  listSessions,
  listSessionTraces,
  listTraces,
  listTraceSpanOutlines,
  projectSummary,
  traceSortValue,
} from './sqlite-trace-reads.js';
import { DEFAULT_SEARCH_TEXT_MAX_CHARS } from '../../spans/span-search-text.js';
import { registerSqliteFilterFunctions } from '../../query/sqlite-dialect.js';
import { registerSearchFunctions } from './search-functions.js';
import { migrateSqlite, type Migration } from './sqlite-migrations.js';
import { SqliteAnnotationStore } from './sqlite-annotation-store.js';
import { openSqlite } from './open-sqlite.js';
import { fromSpanDbRow, toSpanRow, type SpanDbRow } from './span-row.js';
import type { WriterRequest, WriterResponse, WriterWorkerData } from './sqlite-writer-worker.js';

export interface SqliteStoreOptions {
  path: string;
  synchronous: 'FULL' | 'NORMAL';
  /** Characters of a span's input/output text kept for full-text search. */
  searchTextMaxChars?: number;
  onMigration?: (migration: Migration) => void;
}

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export class SqliteStore implements Store {
  readonly dialect = 'sqlite' as const;
  readonly annotations = new SqliteAnnotationStore(this);
  private readonly reader: Database.Database;
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextRequestId = 1;
  private closed = false;

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
    this.reader = openSqlite(options.path, options.synchronous);
    this.reader.pragma('query_only = ON');
    const searchTextMaxChars = options.searchTextMaxChars ?? DEFAULT_SEARCH_TEXT_MAX_CHARS;
    registerSearchFunctions(this.reader, searchTextMaxChars);
    registerSqliteFilterFunctions(this.reader);
    const workerData: WriterWorkerData = {
      path: options.path,
      synchronous: options.synchronous,
      searchTextMaxChars,
    };
    this.worker = new Worker(new URL('./sqlite-writer-worker.js', import.meta.url), { workerData });
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

  async insertSpans(spans: SpanRecord[]): Promise<InsertSpansResult> {
    if (spans.length === 0) return { spanCount: 0, traceCount: 0 };
    const resourceJson = new Map<object, string>();
    const rows = spans.map((span) => toSpanRow(span, resourceJson));
    return (await this.send({ op: 'insertSpans', rows })) as InsertSpansResult;
  }

  /**
   * Runs a named write operation (write-operations.ts) on the writer thread, in one
   * transaction; resolves with its result after the commit.
   */
  write<T>(name: string, args: unknown): Promise<T> {
    return this.send({ op: 'write', name, args }) as Promise<T>;
  }

  /** The query-only connection for reads on the calling thread (used by the read modules). */
  get readConnection(): Database.Database {
    return this.reader;
  }

  async listProjects(query: ProjectListQuery): Promise<Page<ProjectRow>> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.cursor !== undefined) {
      where.push('id >= ?');
      params.push(query.cursor);
    }
    if (query.nameContains) {
      where.push('instr(lower(name), lower(?)) > 0');
      params.push(query.nameContains);
    }
    const sql = `SELECT * FROM projects ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY id LIMIT ?`;
    const rows = this.reader.prepare(sql).all(...params, query.limit + 1) as ProjectDbRow[];
    return toPage(rows.map(fromProjectDbRow), query.limit);
  }

  async getProjectById(rowid: number): Promise<ProjectRow | null> {
    const row = this.reader.prepare('SELECT * FROM projects WHERE id = ?').get(rowid);
    return row ? fromProjectDbRow(row as ProjectDbRow) : null;
  }

  async getProjectByName(name: string): Promise<ProjectRow | null> {
    const row = this.reader.prepare('SELECT * FROM projects WHERE name = ?').get(name);
    return row ? fromProjectDbRow(row as ProjectDbRow) : null;
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
    return this.write<boolean>('deleteProject', { rowid });
  }

  async getSpanByRowid(rowid: number): Promise<StoredSpan | null> {
    const row = this.reader
      .prepare('SELECT * FROM spans WHERE id = ?')
      .safeIntegers(true)
      .get(rowid);
    return row ? fromSpanDbRow(row as SpanDbRow) : null;
  }

  async findSpansBySpanId(spanId: string): Promise<StoredSpan[]> {
    const rows = this.reader
      .prepare('SELECT * FROM spans WHERE span_id = ? ORDER BY id DESC')
      .safeIntegers(true)
      .all(spanId) as SpanDbRow[];
    return rows.map(fromSpanDbRow);
  }

  async existingSpanKeys(keys: { traceId: string; spanId: string }[]): Promise<Set<string>> {
    const found = new Set<string>();
    const statement = this.reader
      .prepare('SELECT 1 FROM spans WHERE trace_id = ? AND span_id = ?')
      .pluck();
    for (const key of keys) {
      if (statement.get(key.traceId, key.spanId) !== undefined) {
        found.add(`${key.traceId}:${key.spanId}`);
      }
    }
    return found;
  }

  async deleteSpan(rowid: number): Promise<DeleteSpanResult | null> {
    return this.write<DeleteSpanResult | null>('deleteSpan', { rowid });
  }

  async listSpans(projectId: number, query: SpanListQuery): Promise<Page<StoredSpan>> {
    const where = ['project_id = ?'];
    const params: unknown[] = [projectId];
    if (query.cursor !== undefined) {
      where.push('id <= ?');
      params.push(query.cursor);
    }
    if (query.startTime !== undefined) {
      where.push('start_time >= ?');
      params.push(query.startTime);
    }
    if (query.endTime !== undefined) {
      where.push('start_time < ?');
      params.push(query.endTime);
    }
    if (query.rootsOnly) where.push('parent_id IS NULL');
    for (const [column, values] of [
      ['trace_id', query.traceIds],
      ['span_id', query.spanIds],
      ['parent_id', query.parentIds],
      ['name', query.names],
      ['span_kind', query.spanKinds],
      ['status_code', query.statusCodes],
    ] as const) {
      if (values && values.length > 0) {
        where.push(`${column} IN (${values.map(() => '?').join(', ')})`);
        params.push(...values);
      }
    }
    if (query.filter) {
      where.push(`(${query.filter.sql})`);
      params.push(...query.filter.params);
    }
    if (query.search !== undefined) {
      const text = fullTextCondition('sqlite', 'spans', 'any', query.search);
      where.push(text.sql);
      params.push(...text.params);
    }
    const sql = `SELECT * FROM spans WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`;
    const rows = this.reader
      .prepare(sql)
      .safeIntegers(true)
      .all(...params, query.limit + 1) as SpanDbRow[];
    return toPage(rows.map(fromSpanDbRow), query.limit);
  }

  async listTraces(projectId: number, query: TraceListQuery): Promise<KeysetPage<TraceRow>> {
    let cursor = query.cursor;
    if (cursor && cursor.value === undefined) {
      // A plain Trace GlobalID (Phoenix's cursor): start at that row's sort key.
      const value = traceSortValue(this.reader, cursor.rowid, query.sort);
      if (value === null) return { items: [], nextCursor: null };
      cursor = { rowid: cursor.rowid, value };
    }
    return listTraces(this.reader, projectId, { ...query, cursor });
  }

  async getTrace(traceId: string): Promise<TraceRow | null> {
    return getTraceBy(this.reader, 'trace_id', traceId);
  }

  async getTraceByRowid(rowid: number): Promise<TraceRow | null> {
    return getTraceBy(this.reader, 'id', rowid);
  }

  async listTraceSpanOutlines(traceRowids: number[]): Promise<SpanOutline[]> {
    return listTraceSpanOutlines(this.reader, traceRowids);
  }

  async listTraceSpans(traceRowid: number, limit: number): Promise<StoredSpan[]> {
    const rows = this.reader
      .prepare('SELECT * FROM spans WHERE trace_rowid = ? ORDER BY start_time, id LIMIT ?')
      .safeIntegers(true)
      .all(traceRowid, limit) as SpanDbRow[];
    return rows.map(fromSpanDbRow);
  }

  async deleteTrace(rowid: number): Promise<boolean> {
    return this.write<boolean>('deleteTrace', { rowid });
  }

  async transferTraces(traceRowids: number[], destinationProjectId: number): Promise<number> {
    return this.write<number>('transferTraces', { traceRowids, destinationProjectId });
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
    return listSessions(this.reader, projectId, query);
  }

  async listSessionTraces(sessionRowid: number): Promise<TraceRow[]> {
    return listSessionTraces(this.reader, sessionRowid);
  }

  async deleteSessions(rowids: number[]): Promise<number> {
    return this.write<number>('deleteSessions', { rowids });
  }

  async projectSummary(
    projectId: number,
    startTime?: bigint,
    endTime?: bigint,
  ): Promise<ProjectSummary> {
    return projectSummary(this.reader, projectId, startTime, endTime);
  }

  async ping(): Promise<void> {
    this.reader.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const exited = new Promise((resolve) => this.worker.once('exit', resolve));
    this.worker.postMessage('close');
    await exited;
    this.failAll(new Error('store is closed'));
    this.reader.close();
  }
}

interface ProjectDbRow {
  id: number;
  name: string;
  description: string | null;
  created_at: string;
  updated_at: string;
}

function fromProjectDbRow(row: ProjectDbRow): ProjectRow {
  return {
    rowid: row.id,
    name: row.name,
    description: row.description,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Lists fetch limit+1 rows; the extra row, if any, is where the next page starts. */
function toPage<T extends { rowid: number }>(items: T[], limit: number): Page<T> {
  if (items.length <= limit) return { items, nextCursor: null };
  const next = items[limit]!;
  return { items: items.slice(0, limit), nextCursor: next.rowid };
}
