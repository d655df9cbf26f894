/**
 * Sessions (Phoenix shapes): list a project's sessions, get one with its traces and token
 * totals, delete one or many (with their traces, as Phoenix does).
 */
import type { FastifyInstance } from 'fastify';
import type { SessionRow, Store, TraceRow } from '../store/store.js';
import { ApiError } from './api-error.js';
import { filterParam, type FilterContext } from './filter-params.js';
import { fromGlobalId, toGlobalId } from './global-id.js';
import { resolveProject } from './project-lookup.js';
import { cursorParam, intParam, timeParam, type QueryParams } from './query-params.js';
import { bodyObject, stringList } from './request-body.js';
import { resolveSession } from './session-lookup.js';
import { isoFromUnixNano } from './timestamps.js';
import { orderParam } from './trace-routes.js';

function sessionJson(session: SessionRow, traces: TraceRow[]) {
  return {
    id: toGlobalId('ProjectSession', session.rowid),
    session_id: session.sessionId,
    project_id: toGlobalId('Project', session.projectId),
    start_time: isoFromUnixNano(session.startTimeUnixNano),
    end_time: isoFromUnixNano(session.endTimeUnixNano),
    traces: traces.map((trace) => ({
      id: toGlobalId('Trace', trace.rowid),
      trace_id: trace.traceId,
      start_time: isoFromUnixNano(trace.startTimeUnixNano),
      end_time: isoFromUnixNano(trace.endTimeUnixNano),
    })),
    token_count_prompt: session.promptTokens,
    token_count_completion: session.completionTokens,
    token_count_total: session.totalTokens,
    // Heron additions, computed by the store over all the session's traces.
    trace_count: session.traceCount,
    // The sum of its traces' costs; null while none of them has a price (never 0 for "none").
    cost: session.cost,
    latency_ms_p50: session.latencyMsP50,
    first_input_preview: session.firstInputPreview,
    last_output_preview: session.lastOutputPreview,
    user_id: session.userId,
  };
}

export function registerSessionRoutes(
  app: FastifyInstance,
  store: Store,
  filters: FilterContext,
): void {
  app.get('/v1/projects/:project_identifier/sessions', async (request) => {
    const { project_identifier } = request.params as { project_identifier: string };
    const query = request.query as QueryParams;
    const project = await resolveProject(store, project_identifier);
    const page = await store.listSessions(project.rowid, {
      cursor: cursorParam(query, 'ProjectSession'),
      limit: intParam(query, 'limit', 100, 1, 1000),
      order: orderParam(query, 'asc'),
      startTime: timeParam(query, 'start_time'),
      endTime: timeParam(query, 'end_time'),
      filter: filterParam(query, 'session', filters),
    });
    const data = [];
    for (const session of page.items) {
      data.push(sessionJson(session, await store.listSessionTraces(session.rowid)));
    }
    return {
      data,
      next_cursor: page.nextCursor === null ? null : toGlobalId('ProjectSession', page.nextCursor),
    };
  });

  app.get('/v1/sessions/:session_identifier', async (request) => {
    const { session_identifier } = request.params as { session_identifier: string };
    const session = await resolveSession(store, session_identifier);
    return { data: sessionJson(session, await store.listSessionTraces(session.rowid)) };
  });

  app.delete('/v1/sessions/:session_identifier', async (request, reply) => {
    const { session_identifier } = request.params as { session_identifier: string };
    const session = await resolveSession(store, session_identifier);
    await store.deleteSessions([session.rowid]);
    return reply.code(204).send();
  });

  // Identifiers must be all GlobalIDs or all session ids (Phoenix's rule); unknown ones are
  // skipped. A session id names every session with that id, in any project.
  app.post('/v1/sessions/delete', async (request, reply) => {
    const identifiers = stringList(bodyObject(request.body), 'session_identifiers');
    const rowids = identifiers.map((id) => fromGlobalId('ProjectSession', id));
    const globalCount = rowids.filter((rowid) => rowid !== null).length;
    if (globalCount !== 0 && globalCount !== identifiers.length) {
      throw new ApiError(
        422,
        'session_identifiers must be all session GlobalIDs or all session ids, not a mix',
      );
    }
    let targets: number[];
    if (globalCount > 0) targets = rowids as number[];
    else {
      targets = [];
      for (const id of identifiers) {
        targets.push(...(await store.findSessionsBySessionId(id)).map((s) => s.rowid));
      }
    }
    await store.deleteSessions(targets);
    return reply.code(204).send();
  });
}
