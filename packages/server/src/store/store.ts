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
import type { CompiledFilter } from '../query/compiled-filter.js';
import type { AnnotationStore } from './annotation-store.js';
import type { AuthStore } from './auth-store.js';
import type { PriceStore } from './price-store.js';
import type { FilterSuggestions, FilterSuggestionsQuery } from './filter-suggestions.js';
import type { ProjectMetrics, ProjectMetricsQuery } from './project-metrics.js';
import type { DocumentEvaluationRow, EvaluationSummaryRows } from './evaluation-summary.js';
import type { ProjectClearStep, ProjectClearStepOptions } from './project-clear.js';
import type { SavedViewStore } from './saved-view-store.js';
import type { SpanSort } from './span-sort.js';
import type {
  RetentionPolicy,
  RetentionSweepOptions,
  RetentionSweepResult,
} from './retention-policy.js';
import type { SpanRecord, SpanKind, StatusCode } from '../spans/span-record.js';

export interface InsertSpansResult {
  /** Spans written (new or replaced). */
  spanCount: number;
  /** Traces touched by the batch. */
  traceCount: number;
  /**
   * The transaction that committed these spans, from stores that group concurrent calls
   * themselves (several calls may share one): its sequence number, its spans and its duration.
   */
  transaction?: { id: number; spans: number; seconds: number };
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
  /** Sum of the LLM spans' costs in USD; null while no span of the trace has a price. */
  cost: number | null;
}

export interface SessionRow {
  rowid: number;
  sessionId: string;
  projectId: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  traceCount: number;
  /** Sums over the session's traces. */
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** Sum of its traces' costs in USD; null while none of them has a price. */
  cost: number | null;
  /** Median trace latency (nearest rank, as the project summary's p50); null without traces. */
  latencyMsP50: number | null;
  /** input_preview of the root span of its first trace (by start time). */
  firstInputPreview: string | null;
  /** output_preview of the root span of its last trace (by start time). */
  lastOutputPreview: string | null;
  /** user.id of the earliest root span that carries one. */
  userId: string | null;
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

/**
 * A keyset position: the first row of a page. For lists sorted by something other than the
 * row id, `value` is that row's sort key (as a decimal string, exact for ns times).
 */
export interface KeysetCursor {
  rowid: number;
  value?: string;
}

/** A page of a list sorted by a key: `nextCursor` carries the next page's first key. */
export interface KeysetPage<T> {
  items: T[];
  nextCursor: KeysetCursor | null;
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
  /** A compiled span filter expression (query/span-filter-compiler.ts) over table `spans`. */
  filter?: CompiledFilter;
  /** Full-text search in the span's input or output text. */
  search?: string;
  /** A keyset sort other than newest row first (span-sort.ts); replaces `cursor` when set. */
  sort?: { key: SpanSort; order: 'asc' | 'desc'; cursor?: KeysetCursor };
}

/** A span list page; with `sort`, `nextSortValue` is the next page's first sort key. */
export interface SpanPage extends Page<StoredSpan> {
  nextSortValue?: string;
}

export const TRACE_SORTS = ['start_time', 'latency_ms', 'token_count_total', 'cost'] as const;
export type TraceSort = (typeof TRACE_SORTS)[number];

export interface TraceListQuery {
  cursor?: KeysetCursor;
  limit: number;
  /** [start, end) on the trace start time, in ns. */
  startTime?: bigint;
  endTime?: bigint;
  sort: TraceSort;
  /** Sort by this annotation's score instead of `sort` (annotation-sort.ts). */
  annotationSort?: string;
  order: 'asc' | 'desc';
  /** Only traces in these sessions (session rowids). */
  sessionRowids?: number[];
  /** A compiled trace filter expression over table `traces`. */
  filter?: CompiledFilter;
  /** Traces with a span whose input or output text contains this. */
  search?: string;
}

export interface SessionListQuery {
  cursor?: number;
  limit: number;
  /** By row id, as Phoenix orders sessions. */
  order: 'asc' | 'desc';
  startTime?: bigint;
  endTime?: bigint;
  /** A compiled session filter expression over table `sessions`. */
  filter?: CompiledFilter;
}

/** A span in the outline of a trace (trace lists with include_spans, the trace tree). */
export interface SpanOutline {
  rowid: number;
  traceRowid: number;
  spanId: string;
  parentId: string | null;
  name: string;
  spanKind: SpanKind;
  statusCode: StatusCode;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
}

export interface ProjectSummary {
  traceCount: number;
  spanCount: number;
  errorTraceCount: number;
  latencyMsP50: number | null;
  latencyMsP90: number | null;
  latencyMsP99: number | null;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  cost: number | null;
  /** The cost split by token type; null until per-span costs are stored. */
  costPrompt: number | null;
  costCompletion: number | null;
  /** Sessions whose first trace started in the window. */
  sessionCount: number;
  /** Newest span end in the whole project (not only the window); null when it has no span. */
  lastActivityUnixNano: bigint | null;
}

export interface DeleteSpanResult {
  /** The span's trace was left empty and deleted too. */
  traceDeleted: boolean;
}

export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  readonly annotations: AnnotationStore;
  /** Model prices, span costs, cost recompute batches (price-store.ts). */
  readonly prices: PriceStore;
  readonly savedViews: SavedViewStore;
  /** Users, API keys and login sessions (auth-store.ts). */
  readonly auth: AuthStore;
  /**
   * True when concurrent `insertSpans` calls are combined into shared transactions by the store
   * itself (group commit): the ingest queue then hands each request over at once instead of
   * batching requests itself (ingest/ingest-queue.ts).
   */
  readonly groupsConcurrentInserts?: boolean;
  /** Writes spans and their rollups in one transaction; see the rules above. */
  insertSpans(spans: SpanRecord[]): Promise<InsertSpansResult>;
  listProjects(query: ProjectListQuery): Promise<Page<ProjectRow>>;
  getProjectById(rowid: number): Promise<ProjectRow | null>;
  getProjectByName(name: string): Promise<ProjectRow | null>;
  listSpans(projectId: number, query: SpanListQuery): Promise<SpanPage>;
  /** Creates a project; null when the name is taken. */
  createProject(name: string, description: string | null): Promise<ProjectRow | null>;
  updateProject(rowid: number, description: string | null): Promise<ProjectRow | null>;
  /** Deletes the project and everything in it; false when it did not exist. */
  deleteProject(rowid: number): Promise<boolean>;
  getSpanByRowid(rowid: number): Promise<StoredSpan | null>;
  /** Spans with this OTel span id (normally one; ids are only unique within a trace). */
  findSpansBySpanId(spanId: string): Promise<StoredSpan[]>;
  /** Which of these (trace_id, span_id) pairs are stored. */
  existingSpanKeys(keys: { traceId: string; spanId: string }[]): Promise<Set<string>>;
  /** Deletes one span (its children stay, orphaned) and corrects the rollups. */
  deleteSpan(rowid: number): Promise<DeleteSpanResult | null>;
  listTraces(projectId: number, query: TraceListQuery): Promise<KeysetPage<TraceRow>>;
  getTrace(traceId: string): Promise<TraceRow | null>;
  getTraceByRowid(rowid: number): Promise<TraceRow | null>;
  /** Outlines of all spans of these traces, by start time. */
  listTraceSpanOutlines(traceRowids: number[]): Promise<SpanOutline[]>;
  /** Full spans of one trace, by start time (bounded by `limit`). */
  listTraceSpans(traceRowid: number, limit: number): Promise<StoredSpan[]>;
  deleteTrace(rowid: number): Promise<boolean>;
  /** Moves traces (with their spans and sessions' membership) to another project. */
  transferTraces(traceRowids: number[], destinationProjectId: number): Promise<number>;
  getSession(projectId: number, sessionId: string): Promise<SessionRow | null>;
  getSessionByRowid(rowid: number): Promise<SessionRow | null>;
  /** Sessions with this user-given session id, most recently active first. */
  findSessionsBySessionId(sessionId: string): Promise<SessionRow[]>;
  listSessions(projectId: number, query: SessionListQuery): Promise<Page<SessionRow>>;
  /** Traces of a session, by start time. */
  listSessionTraces(sessionRowid: number): Promise<TraceRow[]>;
  /** Deletes sessions with their traces and spans; returns how many existed. */
  deleteSessions(rowids: number[]): Promise<number>;
  /** Counts, latency percentiles and token totals of the traces started in [start, end). */
  projectSummary(projectId: number, startTime?: bigint, endTime?: bigint): Promise<ProjectSummary>;
  /** Traces per time bucket, LLM usage by model and spans by kind in [start, end). */
  projectMetrics(projectId: number, query: ProjectMetricsQuery): Promise<ProjectMetrics>;
  /**
   * Annotation groups and document annotations of the project's targets started in a window;
   * at most `maxDocuments` document annotations (default DEFAULT_MAX_SUMMARY_ANNOTATIONS).
   */
  evaluationSummaryRows(
    projectId: number,
    startTime?: bigint,
    endTime?: bigint,
    maxDocuments?: number,
  ): Promise<EvaluationSummaryRows>;
  /** The document annotations of one span (its retrieval metrics). */
  spanDocumentEvaluations(spanRowid: number): Promise<DocumentEvaluationRow[]>;
  /** Attribute keys of the newest spans, annotation names and span kinds of the project. */
  filterSuggestions(projectId: number, query: FilterSuggestionsQuery): Promise<FilterSuggestions>;
  /** The project's own retention policy; null when it follows the default. */
  getRetentionPolicy(projectId: number): Promise<RetentionPolicy | null>;
  /** Sets the project's own retention policy; false when the project does not exist. */
  setRetentionPolicy(projectId: number, policy: RetentionPolicy): Promise<boolean>;
  /** Back to the default policy; false when the project had none of its own. */
  clearRetentionPolicy(projectId: number): Promise<boolean>;
  /** One bounded retention step in one short transaction (see retention-policy.ts). */
  sweepRetention(options: RetentionSweepOptions): Promise<RetentionSweepResult>;
  /** One bounded batch of clearing a project's data, one short transaction (project-clear.ts). */
  clearProjectStep(projectId: number, options: ProjectClearStepOptions): Promise<ProjectClearStep>;
  /** Resolves when the database answers a trivial query (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
