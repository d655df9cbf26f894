/**
 * The storage contract. SQLite (embedded, default) and PostgreSQL (scale-out) implement it;
 * nothing above `store/` knows which one it talks to.
 *
 * Rules every implementation keeps:
 * - `insertSpans` commits all the given spans in one transaction before it resolves
 *   (durable acknowledgement), or rejects and commits none of them.
 * - A span is identified by (trace_id, span_id). Re-inserting one replaces the stored version
 *   (last write wins), never adds a second row.
 * - Rollups (trace, session) are recomputed from the stored spans of every trace a batch
 *   touches, so they come out the same whatever order spans arrive in.
 * - A span whose trace already exists joins the trace's project, whatever project it names.
 * - Ids returned as `rowid` are positive integers, stable for the life of the row; list
 *   cursors are rowids.
 */
import type { SpanRecord, SpanKind, StatusCode } from '../spans/span-record.js';

export interface InsertSpansResult {
  /** Spans written (new or replaced). */
  spanCount: number;
  /** Traces touched by the batch. */
  traceCount: number;
}

export interface ProjectRow {
  rowid: number;
  name: string;
  description: string | null;
  createdAt: string; // ISO 8601
  updatedAt: string;
}

export interface TraceRow {
  rowid: number;
  traceId: string;
  projectId: number;
  sessionId: string | null;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  latencyMs: number;
  spanCount: number;
  errorCount: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** span_id of the root span (parent_id null, else the earliest orphan); null if none stored. */
  rootSpanId: string | null;
}

export interface SessionRow {
  rowid: number;
  sessionId: string;
  projectId: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  traceCount: number;
}

export type StoredSpan = Omit<SpanRecord, 'projectName'> & {
  rowid: number;
  projectId: number;
};

export interface Page<T> {
  items: T[];
  /** rowid of the first item of the next page, or null on the last page. */
  nextCursor: number | null;
}

export interface ProjectListQuery {
  cursor?: number;
  limit: number;
  nameContains?: string;
}

export interface SpanListQuery {
  /** rowid: the page starts at this row (inclusive), newest first. */
  cursor?: number;
  limit: number;
  /** [start, end) on the span start time, in ns. */
  startTime?: bigint;
  endTime?: bigint;
  traceIds?: string[];
  spanIds?: string[];
  /** true: only spans with parent_id null. */
  rootsOnly?: boolean;
  parentIds?: string[];
  names?: string[];
  spanKinds?: SpanKind[];
  statusCodes?: StatusCode[];
}

export interface TraceListQuery {
  cursor?: number;
  limit: number;
  startTime?: bigint;
  endTime?: bigint;
}

export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  /** Writes spans and their rollups in one transaction; see the rules above. */
  insertSpans(spans: SpanRecord[]): Promise<InsertSpansResult>;
  listProjects(query: ProjectListQuery): Promise<Page<ProjectRow>>;
  getProjectById(rowid: number): Promise<ProjectRow | null>;
  getProjectByName(name: string): Promise<ProjectRow | null>;
  listSpans(projectId: number, query: SpanListQuery): Promise<Page<StoredSpan>>;
  listTraces(projectId: number, query: TraceListQuery): Promise<Page<TraceRow>>;
  getTrace(traceId: string): Promise<TraceRow | null>;
  getSession(projectId: number, sessionId: string): Promise<SessionRow | null>;
  /** Resolves when the database answers a trivial query (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
