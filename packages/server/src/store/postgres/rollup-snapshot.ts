/**
 * For tests: every trace and session rollup of a store as plain comparable values, read from
 * PostgreSQL, from a SqliteStore, or computed from a set of spans with the reference definition
 * (sqlite/trace-rollup.ts), so backends and writers can be compared field by field.
 */
import type pg from 'pg';
import type { SpanRecord } from '../../spans/span-record.js';
import { toSpanRow } from '../sqlite/span-row.js';
import type { SqliteStore } from '../sqlite/sqlite-store.js';
import { computeTraceRollup } from '../sqlite/trace-rollup.js';

export interface TraceSnapshot {
  traceId: string;
  project: string;
  sessionId: string | null;
  startTime: string;
  endTime: string;
  spanCount: number;
  errorCount: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  rootSpanId: string | null;
}

export interface SessionSnapshot {
  project: string;
  sessionId: string;
  startTime: string;
  endTime: string;
  traceCount: number;
}

export interface SpanSnapshot {
  traceId: string;
  spanId: string;
  project: string;
  parentId: string | null;
  name: string;
  startTime: string;
  endTime: string;
  statusCode: string;
  sessionId: string | null;
  totalTokens: number | null;
  attributes: unknown;
}

export interface RollupSnapshot {
  projects: string[];
  traces: TraceSnapshot[];
  sessions: SessionSnapshot[];
  spans: SpanSnapshot[];
}

const byTrace = (a: { traceId: string }, b: { traceId: string }) =>
  a.traceId < b.traceId ? -1 : a.traceId > b.traceId ? 1 : 0;
const bySession = (a: SessionSnapshot, b: SessionSnapshot) =>
  `${a.project}\u0000${a.sessionId}` < `${b.project}\u0000${b.sessionId}` ? -1 : 1;
const bySpan = (a: SpanSnapshot, b: SpanSnapshot) =>
  `${a.traceId}${a.spanId}` < `${b.traceId}${b.spanId}` ? -1 : 1;

export async function postgresSnapshot(pool: pg.Pool): Promise<RollupSnapshot> {
  const projects = (await pool.query<{ name: string }>('SELECT name FROM projects')).rows
    .map((row) => row.name)
    .sort();
  const traces = (
    await pool.query(
      `SELECT t.trace_id, p.name AS project, s.session_id, t.start_time, t.end_time,
         t.span_count, t.error_count, t.prompt_tokens, t.completion_tokens, t.total_tokens,
         t.root_span_id
       FROM traces t JOIN projects p ON p.id = t.project_id
       LEFT JOIN sessions s ON s.id = t.session_rowid`,
    )
  ).rows.map((row): TraceSnapshot => ({
    traceId: row.trace_id,
    project: row.project,
    sessionId: row.session_id,
    startTime: String(row.start_time),
    endTime: String(row.end_time),
    spanCount: Number(row.span_count),
    errorCount: Number(row.error_count),
    promptTokens: Number(row.prompt_tokens),
    completionTokens: Number(row.completion_tokens),
    totalTokens: Number(row.total_tokens),
    rootSpanId: row.root_span_id,
  }));
  const sessions = (
    await pool.query(
      `SELECT p.name AS project, s.session_id, s.start_time, s.end_time, s.trace_count
       FROM sessions s JOIN projects p ON p.id = s.project_id`,
    )
  ).rows.map((row): SessionSnapshot => ({
    project: row.project,
    sessionId: row.session_id,
    startTime: String(row.start_time),
    endTime: String(row.end_time),
    traceCount: Number(row.trace_count),
  }));
  const spans = (
    await pool.query(
      `SELECT s.trace_id, s.span_id, p.name AS project, s.parent_id, s.name, s.start_time,
         s.end_time, s.status_code, s.session_id, s.total_tokens, s.attributes
       FROM spans s JOIN projects p ON p.id = s.project_id`,
    )
  ).rows.map((row): SpanSnapshot => ({
    traceId: row.trace_id,
    spanId: row.span_id,
    project: row.project,
    parentId: row.parent_id,
    name: row.name,
    startTime: String(row.start_time),
    endTime: String(row.end_time),
    statusCode: row.status_code,
    sessionId: row.session_id,
    totalTokens: row.total_tokens === null ? null : Number(row.total_tokens),
    attributes: row.attributes,
  }));
  return {
    projects,
    traces: traces.sort(byTrace),
    sessions: sessions.sort(bySession),
    spans: spans.sort(bySpan),
  };
}

/** The same snapshot through the Store interface of a SqliteStore. */
export async function sqliteSnapshot(
  store: SqliteStore,
  traceIds: Iterable<string>,
): Promise<RollupSnapshot> {
  const projectRows = (await store.listProjects({ limit: 1000 })).items;
  const projectName = new Map(projectRows.map((p) => [p.rowid, p.name]));
  const traces: TraceSnapshot[] = [];
  const spans: SpanSnapshot[] = [];
  for (const traceId of new Set(traceIds)) {
    const trace = await store.getTrace(traceId);
    if (trace === null) continue;
    traces.push({
      traceId: trace.traceId,
      project: projectName.get(trace.projectId)!,
      sessionId: trace.sessionId,
      startTime: String(trace.startTimeUnixNano),
      endTime: String(trace.endTimeUnixNano),
      spanCount: trace.spanCount,
      errorCount: trace.errorCount,
      promptTokens: trace.promptTokens,
      completionTokens: trace.completionTokens,
      totalTokens: trace.totalTokens,
      rootSpanId: trace.rootSpanId,
    });
    for (const span of await store.listTraceSpans(trace.rowid, 100_000)) {
      spans.push({
        traceId: span.traceId,
        spanId: span.spanId,
        project: projectName.get(span.projectId)!,
        parentId: span.parentId,
        name: span.name,
        startTime: String(span.startTimeUnixNano),
        endTime: String(span.endTimeUnixNano),
        statusCode: span.statusCode,
        sessionId: span.sessionId,
        totalTokens: span.totalTokens,
        attributes: span.attributes,
      });
    }
  }
  const sessions: SessionSnapshot[] = [];
  for (const project of projectRows) {
    const page = await store.listSessions(project.rowid, { limit: 100_000, order: 'asc' });
    for (const session of page.items) {
      sessions.push({
        project: project.name,
        sessionId: session.sessionId,
        startTime: String(session.startTimeUnixNano),
        endTime: String(session.endTimeUnixNano),
        traceCount: session.traceCount,
      });
    }
  }
  return {
    projects: projectRows.map((p) => p.name).sort(),
    traces: traces.sort(byTrace),
    sessions: sessions.sort(bySession),
    spans: spans.sort(bySpan),
  };
}

/**
 * Trace and session rollups as the definition gives them for this set of spans (each trace in
 * the project of its spans; all spans of a trace must name the same project).
 */
export function expectedRollups(spans: SpanRecord[]): {
  traces: TraceSnapshot[];
  sessions: SessionSnapshot[];
} {
  const byTraceId = new Map<string, SpanRecord[]>();
  for (const span of spans) {
    const list = byTraceId.get(span.traceId) ?? [];
    list.push(span);
    byTraceId.set(span.traceId, list);
  }
  const traces: TraceSnapshot[] = [];
  const sessions = new Map<string, SessionSnapshot>();
  for (const [traceId, traceSpans] of byTraceId) {
    const rollup = computeTraceRollup(traceSpans.map((span) => toSpanRow(span)));
    const project = traceSpans[0]!.projectName;
    traces.push({
      traceId,
      project,
      sessionId: rollup.sessionId,
      startTime: String(rollup.startTime),
      endTime: String(rollup.endTime),
      spanCount: rollup.spanCount,
      errorCount: rollup.errorCount,
      promptTokens: rollup.promptTokens,
      completionTokens: rollup.completionTokens,
      totalTokens: rollup.totalTokens,
      rootSpanId: rollup.rootSpanId,
    });
    if (rollup.sessionId !== null) {
      const key = `${project}\u0000${rollup.sessionId}`;
      const session = sessions.get(key);
      if (session === undefined) {
        sessions.set(key, {
          project,
          sessionId: rollup.sessionId,
          startTime: String(rollup.startTime),
          endTime: String(rollup.endTime),
          traceCount: 1,
        });
      } else {
        if (rollup.startTime < BigInt(session.startTime)) {
          session.startTime = String(rollup.startTime);
        }
        if (rollup.endTime > BigInt(session.endTime)) session.endTime = String(rollup.endTime);
        session.traceCount++;
      }
    }
  }
  return { traces: traces.sort(byTrace), sessions: [...sessions.values()].sort(bySession) };
}
