/**
 * OpenAPI documentation of the tracing routes (projects, traces, spans, sessions, health,
 * OTLP). Kept apart from the handlers, keyed by "METHOD /path", and attached to the routes as
 * they register (see openapi.ts), so one file shows the whole surface of a resource.
 */
import {
  anyObject,
  bool,
  cursorQuery,
  dataOf,
  errorBody,
  int,
  list,
  noContent,
  nullable,
  num,
  obj,
  pageOf,
  params,
  projectParam,
  str,
  timeWindow,
  type JsonSchema,
} from './schema-parts.js';
import { SPAN_COST_FIELDS } from './model-price-route-docs.js';

export interface RouteDoc {
  summary: string;
  description?: string;
  tags: string[];
  params?: JsonSchema;
  querystring?: JsonSchema;
  body?: JsonSchema;
  response: Record<string, JsonSchema>;
}

const project = obj({
  id: str('GlobalID'),
  name: str(),
  description: nullable(str()),
  created_at: str(),
  updated_at: str(),
});

const trace = obj({
  id: str('GlobalID'),
  trace_id: str('32 hex'),
  project_id: str(),
  start_time: str(),
  end_time: str(),
  token_count_prompt: int(),
  token_count_completion: int(),
  token_count_total: int('Sum over the LLM spans’ own counts'),
  latency_ms: num(),
  span_count: int(),
  error_count: int(),
  root_span_id: nullable(str()),
  session_id: nullable(str()),
  cost: nullable(num('USD; null while no span has a price')),
  spans: list(anyObject('Span outline (include_spans=true)')),
});

const span = obj({
  id: str('GlobalID'),
  name: str(),
  context: obj({ trace_id: str(), span_id: str() }),
  span_kind: str(),
  parent_id: nullable(str()),
  start_time: str(),
  end_time: str(),
  status_code: str(),
  status_message: str(),
  attributes: anyObject('Flattened dotted keys'),
  events: list(anyObject()),
  ...SPAN_COST_FIELDS,
});

const session = obj({
  id: str('GlobalID'),
  session_id: str(),
  project_id: str(),
  start_time: str(),
  end_time: str(),
  traces: list(obj({ id: str(), trace_id: str(), start_time: str(), end_time: str() })),
  token_count_prompt: int(),
  token_count_completion: int(),
  token_count_total: int(),
  trace_count: int(),
  cost: nullable(num("USD, sum of its traces' costs; null while none has a price")),
  latency_ms_p50: nullable(num('Median trace latency (nearest rank); null without traces')),
  first_input_preview: nullable(str("Input preview of the first trace's root span")),
  last_output_preview: nullable(str("Output preview of the last trace's root span")),
  user_id: nullable(str('user.id of the earliest root span that has one')),
});

const errors = { 404: errorBody, 422: errorBody };

const spanFilters = {
  ...cursorQuery,
  ...timeWindow,
  trace_id: list(str(), 'Repeatable'),
  span_id: list(str(), 'Repeatable'),
  parent_id: str('A span id, or "null" for root spans'),
  name: list(str(), 'Repeatable'),
  status_code: list(str(), 'OK | ERROR | UNSET; repeatable'),
  attribute: list(str(), 'key:value (value read as JSON); repeatable, all must match'),
  filter: str('Span filter expression (docs/filter-language.md)'),
  q: str('Full-text search in input and output'),
};

export const TRACING_ROUTE_DOCS: Record<string, RouteDoc> = {
  'GET /healthz': { summary: 'Liveness', tags: ['health'], response: { 200: str('OK') } },
  'GET /readyz': {
    summary: 'Readiness (the database answers)',
    tags: ['health'],
    response: { 200: str('OK'), 503: str('Database unavailable') },
  },
  'GET /arize_phoenix_version': {
    summary: 'The Phoenix version Heron is compatible with (plain text)',
    tags: ['health'],
    response: { 200: str() },
  },
  'POST /v1/traces': {
    summary: 'OTLP/HTTP trace export (protobuf or JSON)',
    description:
      'Answered after the spans are committed. 400 malformed, 413 too large, 415 unsupported type, 503 queue full (Retry-After).',
    tags: ['otlp'],
    response: { 200: anyObject('ExportTraceServiceResponse in the request encoding') },
  },
  'POST /v1/logs': {
    summary: 'OTLP logs: accepted, not stored',
    tags: ['otlp'],
    response: { 200: anyObject() },
  },
  'POST /v1/metrics': {
    summary: 'OTLP metrics: accepted, not stored',
    tags: ['otlp'],
    response: { 200: anyObject() },
  },
  'GET /v1/projects': {
    summary: 'List projects',
    tags: ['projects'],
    querystring: obj({ ...cursorQuery, name_contains: str('Case-insensitive substring') }),
    response: { 200: pageOf(project), 422: errorBody },
  },
  'POST /v1/projects': {
    summary: 'Create a project',
    tags: ['projects'],
    body: obj({ name: str(), description: nullable(str()) }, ['name']),
    response: { 200: dataOf(project), 409: errorBody, 422: errorBody },
  },
  'GET /v1/projects/:project_identifier': {
    summary: 'Get a project',
    tags: ['projects'],
    params: params(projectParam),
    response: { 200: dataOf(project), 404: errorBody },
  },
  'PUT /v1/projects/:project_identifier': {
    summary: 'Update a project’s description',
    tags: ['projects'],
    params: params(projectParam),
    body: obj({ description: nullable(str()) }),
    response: { 200: dataOf(project), ...errors },
  },
  'DELETE /v1/projects/:project_identifier': {
    summary: 'Delete a project and everything in it (not `default`)',
    tags: ['projects'],
    params: params(projectParam),
    response: { 204: noContent, 403: errorBody, 404: errorBody },
  },
  'GET /v1/projects/:project_identifier/summary': {
    summary: 'Trace count, latency percentiles, token and cost totals in a time window (Heron)',
    tags: ['projects'],
    params: params(projectParam),
    querystring: obj({ ...timeWindow }),
    response: {
      200: dataOf(
        obj({
          project_id: str(),
          trace_count: int(),
          span_count: int(),
          error_trace_count: int(),
          latency_ms_p50: nullable(num()),
          latency_ms_p90: nullable(num()),
          latency_ms_p99: nullable(num()),
          token_count_prompt: int(),
          token_count_completion: int(),
          token_count_total: int(),
          cost: nullable(num()),
          cost_prompt: nullable(num('Cost of prompt tokens; null until per-span costs exist')),
          cost_completion: nullable(num('Cost of completion tokens; null likewise')),
          session_count: int('Sessions whose first trace started in the window'),
          last_activity: nullable(str('Newest span end in the project (any time); null if none')),
        }),
      ),
      ...errors,
    },
  },
  'GET /v1/projects/:project_identifier/traces': {
    summary: 'List traces (keyset pagination for every sort)',
    tags: ['traces'],
    params: params(projectParam),
    querystring: obj({
      ...cursorQuery,
      ...timeWindow,
      sort: str(
        'start_time (default) | latency_ms | token_count_total | cost | annotation:<name> ' +
          '(mean score of the trace’s annotations of that name, else of its root span’s; ' +
          'unscored traces sort lowest)',
      ),
      order: str('desc (default) | asc'),
      include_spans: bool('Add an outline of each trace’s spans'),
      session_identifier: list(str(), 'Session GlobalID or session id; repeatable'),
      filter: str('Trace filter expression (docs/filter-language.md)'),
      q: str('Traces with a span whose input or output contains this text'),
    }),
    response: { 200: pageOf(trace), ...errors },
  },
  'GET /v1/traces/:trace_identifier': {
    summary: 'One trace with all its spans (Heron)',
    tags: ['traces'],
    params: params(['trace_identifier', 'Trace GlobalID or 32-hex trace id']),
    querystring: obj({ span_limit: int('Most spans returned (default 10000)') }),
    response: { 200: dataOf(trace), ...errors },
  },
  'DELETE /v1/traces/:trace_identifier': {
    summary: 'Delete a trace with its spans',
    tags: ['traces'],
    params: params(['trace_identifier', 'Trace GlobalID or 32-hex trace id']),
    response: { 204: noContent, 404: errorBody },
  },
  'POST /v1/traces/transfer': {
    summary: 'Move traces (from one project) to another project',
    tags: ['traces'],
    body: obj({ trace_identifiers: list(str()), destination_project_identifier: str() }, [
      'trace_identifiers',
      'destination_project_identifier',
    ]),
    response: {
      200: dataOf(obj({ transferred_trace_count: int(), destination_project_id: str() })),
      ...errors,
    },
  },
  'GET /v1/projects/:project_identifier/spans': {
    summary: 'List spans (Phoenix span JSON), newest first or sorted',
    tags: ['spans'],
    params: params(projectParam),
    querystring: obj({
      ...spanFilters,
      span_kind: list(str(), 'Repeatable'),
      sort: str(
        'Heron: start_time | latency_ms | token_count_total (spans without tokens lowest); ' +
          'absent: newest stored first (Phoenix). With a sort, next_cursor is a keyset cursor',
      ),
      order: str('With sort: desc (default) | asc'),
    }),
    response: { 200: pageOf(span), ...errors },
  },
  'GET /v1/projects/:project_identifier/spans/otlpv1': {
    summary: 'List spans in OTLP JSON shape',
    tags: ['spans'],
    params: params(projectParam),
    querystring: obj(spanFilters),
    response: { 200: pageOf(anyObject('OTLP span (snake_case)')), ...errors },
  },
  'POST /v1/projects/:project_identifier/spans': {
    summary: 'Create spans from Phoenix span JSON (all or nothing)',
    tags: ['spans'],
    params: params(projectParam),
    body: obj({ data: list(span) }, ['data']),
    response: {
      202: obj({ total_received: int(), total_queued: int() }),
      400: obj({ message: str(), detail: str('JSON: invalid_spans, duplicate_spans, totals') }),
      ...errors,
    },
  },
  'DELETE /v1/spans/:span_identifier': {
    summary: 'Delete one span (children stay); rollups corrected',
    tags: ['spans'],
    params: params(['span_identifier', 'Span GlobalID or 16-hex span id']),
    response: { 204: noContent, 404: errorBody },
  },
  'GET /v1/projects/:project_identifier/sessions': {
    summary: 'List sessions',
    tags: ['sessions'],
    params: params(projectParam),
    querystring: obj({
      ...cursorQuery,
      ...timeWindow,
      order: str('asc (default) | desc, by id'),
      filter: str('Session filter expression'),
    }),
    response: { 200: pageOf(session), ...errors },
  },
  'GET /v1/sessions/:session_identifier': {
    summary: 'Get a session with its traces and token totals',
    tags: ['sessions'],
    params: params(['session_identifier', 'Session GlobalID or session id']),
    response: { 200: dataOf(session), 404: errorBody },
  },
  'DELETE /v1/sessions/:session_identifier': {
    summary: 'Delete a session with its traces',
    tags: ['sessions'],
    params: params(['session_identifier', 'Session GlobalID or session id']),
    response: { 204: noContent, 404: errorBody },
  },
  'POST /v1/sessions/delete': {
    summary: 'Delete several sessions (all GlobalIDs or all session ids)',
    tags: ['sessions'],
    body: obj({ session_identifiers: list(str()) }, ['session_identifiers']),
    response: { 204: noContent, 422: errorBody },
  },
};
