/**
 * OpenAPI documentation of the live-update streams (Server-Sent Events, api/live-routes.ts).
 */
import { errorBody, params, projectParam, str } from './schema-parts.js';
import type { RouteDoc } from './tracing-route-docs.js';

const description =
  'A `text/event-stream` (Server-Sent Events; open it with `new EventSource(url)`) that stays ' +
  'open. First `retry: 3000`, then:\n\n' +
  '- `event: spans`, `data: {"project_id", "project_name", "trace_ids": [hex…], "span_count"}` ' +
  'after spans are committed (through any Heron node on the same PostgreSQL database);\n' +
  '- `event: deleted`, `data: {"project_id", "project_name", "trace_ids"}` after traces, spans, ' +
  'sessions or a project were deleted, or traces moved out (`trace_ids` empty: anything in ' +
  'the project may have changed);\n' +
  '- a `: ping` comment every `HERON_LIVE_PING_SECONDS` (15).\n\n' +
  'Events of one project and kind are coalesced to one per `HERON_LIVE_COALESCE_MS` (250 ms), ' +
  'with at most `HERON_LIVE_MAX_TRACE_IDS` (100) distinct trace ids. 503 beyond ' +
  '`HERON_LIVE_MAX_CLIENTS` (1000) connected clients; a client that falls ' +
  '`HERON_LIVE_MAX_BUFFERED_BYTES` behind is disconnected. (Heron)';

const stream = str('text/event-stream (see the description)');

export const LIVE_ROUTE_DOCS: Record<string, RouteDoc> = {
  'GET /v1/live': {
    summary: 'Live updates of every project (Server-Sent Events)',
    description,
    tags: ['live'],
    response: { 200: stream, 503: errorBody },
  },
  'GET /v1/projects/:project_identifier/live': {
    summary: 'Live updates of one project (Server-Sent Events)',
    description,
    tags: ['live'],
    params: params(projectParam),
    response: { 200: stream, 404: errorBody, 503: errorBody },
  },
};
