/**
 * GET /v1/projects/{project_identifier}/traces (Phoenix shape, newest first) with Heron's
 * rollups (span and error counts, root span, session) added to each trace.
 */
import type { FastifyInstance } from 'fastify';
import type { Store, TraceRow } from '../store/store.js';
import { toGlobalId } from './global-id.js';
import { resolveProject } from './project-lookup.js';
import { cursorParam, intParam, timeParam, type QueryParams } from './query-params.js';
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
  };
}

export function registerTraceRoutes(app: FastifyInstance, store: Store): void {
  app.get('/v1/projects/:project_identifier/traces', async (request) => {
    const { project_identifier } = request.params as { project_identifier: string };
    const query = request.query as QueryParams;
    const project = await resolveProject(store, project_identifier);
    const cursor = cursorParam(query, 'Trace');
    const page = await store.listTraces(project.rowid, {
      cursor,
      limit: intParam(query, 'limit', 100, 1, 1000),
      startTime: timeParam(query, 'start_time'),
      endTime: timeParam(query, 'end_time'),
    });
    return {
      data: page.items.map(traceJson),
      next_cursor: page.nextCursor === null ? null : toGlobalId('Trace', page.nextCursor),
    };
  });
}
