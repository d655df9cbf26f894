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
import type {
  InsertSpansResult,
  Page,
  ProjectListQuery,
  ProjectRow,
  SessionRow,
  SpanListQuery,
  Store,
  StoredSpan,
  TraceListQuery,
  TraceRow,
} from '../store.js';
import { migrateSqlite, type Migration } from './sqlite-migrations.js';
import { openSqlite } from './open-sqlite.js';
import { fromSpanDbRow, toSpanRow, type SpanDbRow } from './span-row.js';
import type { WriterRequest, WriterResponse, WriterWorkerData } from './sqlite-writer-worker.js';

export interface SqliteStoreOptions {
  path: string;
  synchronous: 'FULL' | 'NORMAL';
  onMigration?: (migration: Migration) => void;
}

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export class SqliteStore implements Store {
  readonly dialect = 'sqlite' as const;
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
    const workerData: WriterWorkerData = { path: options.path, synchronous: options.synchronous };
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
    const sql = `SELECT * FROM spans WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`;
    const rows = this.reader
      .prepare(sql)
      .safeIntegers(true)
      .all(...params, query.limit + 1) as SpanDbRow[];
    return toPage(rows.map(fromSpanDbRow), query.limit);
  }

  async listTraces(projectId: number, query: TraceListQuery): Promise<Page<TraceRow>> {
    const where = ['t.project_id = ?'];
    const params: unknown[] = [projectId];
    if (query.cursor !== undefined) {
      where.push('t.id <= ?');
      params.push(query.cursor);
    }
    if (query.startTime !== undefined) {
      where.push('t.start_time >= ?');
      params.push(query.startTime);
    }
    if (query.endTime !== undefined) {
      where.push('t.start_time < ?');
      params.push(query.endTime);
    }
    const sql = `${TRACE_SELECT} WHERE ${where.join(' AND ')} ORDER BY t.id DESC LIMIT ?`;
    const rows = this.reader
      .prepare(sql)
      .safeIntegers(true)
      .all(...params, query.limit + 1) as TraceDbRow[];
    return toPage(rows.map(fromTraceDbRow), query.limit);
  }

  async getTrace(traceId: string): Promise<TraceRow | null> {
    const row = this.reader
      .prepare(`${TRACE_SELECT} WHERE t.trace_id = ?`)
      .safeIntegers(true)
      .get(traceId);
    return row ? fromTraceDbRow(row as TraceDbRow) : null;
  }

  async getSession(projectId: number, sessionId: string): Promise<SessionRow | null> {
    const row = this.reader
      .prepare('SELECT * FROM sessions WHERE project_id = ? AND session_id = ?')
      .safeIntegers(true)
      .get(projectId, sessionId) as SessionDbRow | undefined;
    if (!row) return null;
    return {
      rowid: Number(row.id),
      sessionId: row.session_id,
      projectId: Number(row.project_id),
      startTimeUnixNano: row.start_time,
      endTimeUnixNano: row.end_time,
      traceCount: Number(row.trace_count),
    };
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

const TRACE_SELECT = `SELECT t.*, s.session_id AS session_id FROM traces t
  LEFT JOIN sessions s ON s.id = t.session_rowid`;

interface TraceDbRow {
  id: bigint;
  trace_id: string;
  project_id: bigint;
  session_id: string | null;
  start_time: bigint;
  end_time: bigint;
  span_count: bigint;
  error_count: bigint;
  prompt_tokens: bigint;
  completion_tokens: bigint;
  total_tokens: bigint;
  root_span_id: string | null;
}

function fromTraceDbRow(row: TraceDbRow): TraceRow {
  return {
    rowid: Number(row.id),
    traceId: row.trace_id,
    projectId: Number(row.project_id),
    sessionId: row.session_id,
    startTimeUnixNano: row.start_time,
    endTimeUnixNano: row.end_time,
    latencyMs: Number(row.end_time - row.start_time) / 1e6,
    spanCount: Number(row.span_count),
    errorCount: Number(row.error_count),
    promptTokens: Number(row.prompt_tokens),
    completionTokens: Number(row.completion_tokens),
    totalTokens: Number(row.total_tokens),
    rootSpanId: row.root_span_id,
  };
}

interface SessionDbRow {
  id: bigint;
  session_id: string;
  project_id: bigint;
  start_time: bigint;
  end_time: bigint;
  trace_count: bigint;
}

/** Lists fetch limit+1 rows; the extra row, if any, is where the next page starts. */
function toPage<T extends { rowid: number }>(items: T[], limit: number): Page<T> {
  if (items.length <= limit) return { items, nextCursor: null };
  const next = items[limit]!;
  return { items: items.slice(0, limit), nextCursor: next.rowid };
}
