/** GET /v1/projects/{project_identifier}/spans with Phoenix's filters, newest first. */
import type { FastifyInstance } from 'fastify';
import { SPAN_KINDS } from '../spans/span-record.js';
import type { Store } from '../store/store.js';
import { toGlobalId } from './global-id.js';
import { resolveProject } from './project-lookup.js';
import {
  cursorParam,
  enumListParam,
  intParam,
  listParam,
  timeParam,
  type QueryParams,
} from './query-params.js';
import { toSpanJson } from './span-json.js';

const STATUS_CODES = ['OK', 'ERROR', 'UNSET'] as const;

export function registerSpanRoutes(app: FastifyInstance, store: Store): void {
  app.get('/v1/projects/:project_identifier/spans', async (request) => {
    const { project_identifier } = request.params as { project_identifier: string };
    const query = request.query as QueryParams;
    const project = await resolveProject(store, project_identifier);
    const cursor = cursorParam(query, 'Span');
    const parentIds = listParam(query, 'parent_id');
    const rootsOnly = parentIds.some((p) => p === 'null' || p === '');
    const page = await store.listSpans(project.rowid, {
      cursor,
      limit: intParam(query, 'limit', 100, 1, 1000),
      startTime: timeParam(query, 'start_time'),
      endTime: timeParam(query, 'end_time'),
      traceIds: listParam(query, 'trace_id').map((id) => id.toLowerCase()),
      spanIds: listParam(query, 'span_id').map((id) => id.toLowerCase()),
      rootsOnly,
      parentIds: rootsOnly ? [] : parentIds.map((id) => id.toLowerCase()),
      names: listParam(query, 'name'),
      spanKinds: enumListParam(query, 'span_kind', SPAN_KINDS),
      statusCodes: enumListParam(query, 'status_code', STATUS_CODES),
    });
    return {
      data: page.items.map(toSpanJson),
      next_cursor: page.nextCursor === null ? null : toGlobalId('Span', page.nextCursor),
    };
  });
}
