/**
 * Traces: Phoenix's list (time window, sort, order, keyset cursor, include_spans, sessions)
 * with Heron's additions (more sorts, `filter`, `q`, rollups on every item), delete, transfer
 * to another project, and one trace with its spans (Heron).
 */
import type { FastifyInstance } from 'fastify';
import { decodeKeysetCursor, encodeKeysetCursor } from '../query/keyset-cursor.js';
import { ANNOTATION_SORT_PREFIX } from '../store/annotation-sort.js';
import {
  TRACE_SORTS,
  type SpanOutline,
  type Store,
  type TraceRow,
  type TraceSort,
} from '../store/store.js';
import { ApiError } from './api-error.js';
import { filterParam, searchParam, type FilterContext } from './filter-params.js';
import { fromGlobalId, toGlobalId } from './global-id.js';
import { resolveProject } from './project-lookup.js';
import {
  booleanParam,
  intParam,
  listParam,
  stringParam,
  timeParam,
  type QueryParams,
} from './query-params.js';
import { bodyObject, requiredString, stringList } from './request-body.js';
import { resolveSessionInProject } from './session-lookup.js';
import { toSpanJson } from './span-json.js';
import { isoFromUnixNano } from './timestamps.js';

export function traceJson(trace: TraceRow) {
  return {
    id: toGlobalId('Trace', trace.rowid),
    trace_id: trace.traceId,
    project_id: toGlobalId('Project', trace.projectId),
    start_time: isoFromUnixNano(trace.startTimeUnixNano),
    end_time: isoFromUnixNano(trace.endTimeUnixNano),
    token_count_prompt: trace.promptTokens,
    token_count_completion: trace.completionTokens,
    token_count_total: trace.totalTokens,
    // Heron additions.
    latency_ms: trace.latencyMs,
    span_count: trace.spanCount,
    error_count: trace.errorCount,
    root_span_id: trace.rootSpanId,
    session_id: trace.sessionId,
    cost: trace.cost,
  };
}

function spanOutlineJson(span: SpanOutline) {
  return {
    id: toGlobalId('Span', span.rowid),
    span_id: span.spanId,
    parent_id: span.parentId,
    name: span.name,
    span_kind: span.spanKind,
    status_code: span.statusCode,
    start_time: isoFromUnixNano(span.startTimeUnixNano),
    end_time: isoFromUnixNano(span.endTimeUnixNano),
  };
}

/** A `{trace_identifier}`: a Trace GlobalID or the 32-hex OTel trace id. */
export async function resolveTrace(store: Store, identifier: string): Promise<TraceRow> {
  const rowid = fromGlobalId('Trace', identifier);
  const trace =
    rowid !== null
      ? await store.getTraceByRowid(rowid)
      : await store.getTrace(identifier.toLowerCase());
  if (!trace) throw new ApiError(404, `Trace not found: ${identifier}`);
  return trace;
}

/** `sort`: a rollup sort, or `annotation:<name>` (annotation-sort.ts) as `annotation`. */
function sortParam(query: QueryParams): { sort: TraceSort; annotation?: string } {
  const raw = stringParam(query, 'sort') ?? 'start_time';
  if (raw.startsWith(ANNOTATION_SORT_PREFIX)) {
    const annotation = raw.slice(ANNOTATION_SORT_PREFIX.length);
    if (annotation.trim() === '') {
      throw new ApiError(422, 'sort annotation:<name> needs an annotation name');
    }
    return { sort: 'start_time', annotation };
  }
  if (!(TRACE_SORTS as readonly string[]).includes(raw)) {
    throw new ApiError(
      422,
      `sort must be one of ${TRACE_SORTS.join(', ')} or annotation:<name>, got "${raw}"`,
    );
  }
  return { sort: raw as TraceSort };
}

export function orderParam(query: QueryParams, fallback: 'asc' | 'desc'): 'asc' | 'desc' {
  const raw = (stringParam(query, 'order') ?? fallback).toLowerCase();
  if (raw !== 'asc' && raw !== 'desc') {
    throw new ApiError(422, `order must be asc or desc, got "${raw}"`);
  }
  return raw;
}

type TraceParams = { trace_identifier: string };

export function registerTraceRoutes(
  app: FastifyInstance,
  store: Store,
  filters: FilterContext,
): void {
  app.get('/v1/projects/:project_identifier/traces', async (request) => {
    const { project_identifier } = request.params as { project_identifier: string };
    const query = request.query as QueryParams;
    const project = await resolveProject(store, project_identifier);
    const { sort, annotation } = sortParam(query);
    // An annotation sort's cursors say `annotation` (the name may hold any character).
    const cursorSort = annotation === undefined ? sort : 'annotation';
    const rawCursor = stringParam(query, 'cursor');
    const cursor = rawCursor ? decodeKeysetCursor('Trace', rawCursor, cursorSort) : undefined;
    if (cursor === null || (annotation !== undefined && cursor && cursor.value === undefined)) {
      throw new ApiError(
        422,
        `Invalid cursor for sort ${stringParam(query, 'sort')}: ${rawCursor}`,
      );
    }
    const sessionIdentifiers = listParam(query, 'session_identifier');
    const sessionRowids =
      sessionIdentifiers.length === 0
        ? undefined
        : (
            await Promise.all(
              sessionIdentifiers.map((id) => resolveSessionInProject(store, project.rowid, id)),
            )
          ).flatMap((session) => (session ? [session.rowid] : []));
    const page = await store.listTraces(project.rowid, {
      cursor,
      limit: intParam(query, 'limit', 100, 1, 1000),
      startTime: timeParam(query, 'start_time'),
      endTime: timeParam(query, 'end_time'),
      sort,
      annotationSort: annotation,
      order: orderParam(query, 'desc'),
      sessionRowids,
      filter: filterParam(query, 'trace', filters),
      search: searchParam(query),
    });
    let spansByTrace: Map<number, SpanOutline[]> | undefined;
    if (booleanParam(query, 'include_spans')) {
      spansByTrace = new Map(page.items.map((trace) => [trace.rowid, []]));
      const outlines = await store.listTraceSpanOutlines(page.items.map((trace) => trace.rowid));
      for (const span of outlines) spansByTrace.get(span.traceRowid)!.push(span);
    }
    return {
      data: page.items.map((trace) => ({
        ...traceJson(trace),
        ...(spansByTrace ? { spans: spansByTrace.get(trace.rowid)!.map(spanOutlineJson) } : {}),
      })),
      next_cursor:
        page.nextCursor === null ? null : encodeKeysetCursor('Trace', page.nextCursor, cursorSort),
    };
  });

  // Heron: one trace with its spans in start order (Phoenix answers this only in GraphQL).
  app.get('/v1/traces/:trace_identifier', async (request) => {
    const { trace_identifier } = request.params as TraceParams;
    const query = request.query as QueryParams;
    const trace = await resolveTrace(store, trace_identifier);
    const limit = intParam(query, 'span_limit', 10_000, 1, 100_000);
    const spans = await store.listTraceSpans(trace.rowid, limit);
    return { data: { ...traceJson(trace), spans: spans.map(toSpanJson) } };
  });

  app.delete('/v1/traces/:trace_identifier', async (request, reply) => {
    const { trace_identifier } = request.params as TraceParams;
    const trace = await resolveTrace(store, trace_identifier);
    await store.deleteTrace(trace.rowid);
    return reply.code(204).send();
  });

  app.post('/v1/traces/transfer', async (request) => {
    const body = bodyObject(request.body);
    const identifiers = stringList(body, 'trace_identifiers');
    if (identifiers.length === 0) throw new ApiError(422, 'trace_identifiers must not be empty');
    const destination = await resolveProject(
      store,
      requiredString(body, 'destination_project_identifier'),
    );
    const traces = await Promise.all(identifiers.map((id) => resolveTrace(store, id)));
    const sources = new Set(traces.map((trace) => trace.projectId));
    if (sources.size > 1) {
      throw new ApiError(422, 'All traces to transfer must come from the same project');
    }
    const count = await store.transferTraces(
      traces.map((trace) => trace.rowid),
      destination.rowid,
    );
    return {
      data: {
        transferred_trace_count: count,
        destination_project_id: toGlobalId('Project', destination.rowid),
      },
    };
  });
}
