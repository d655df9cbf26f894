/**
 * OpenAPI documentation of Heron's endpoints for the web UI: metrics over a time range, saved
 * views, and the filter bar's suggestions and validation (metrics-routes.ts,
 * saved-view-routes.ts, filter-help-routes.ts).
 */
import type { RouteDoc } from './tracing-route-docs.js';
import {
  bool,
  dataOf,
  errorBody,
  int,
  list,
  noContent,
  nullable,
  num,
  obj,
  params,
  projectParam,
  str,
} from './schema-parts.js';

const badRequest = { 400: errorBody, 404: errorBody };

const bucket = obj({
  start_time: str('ISO 8601; the bucket is [start_time, start_time + bucket_seconds)'),
  trace_count: int('Traces started in the bucket'),
  error_trace_count: int('Of those, traces with an ERROR span'),
  latency_ms_p50: nullable(num('Exact nearest-rank percentile of trace latency; null if empty')),
  latency_ms_p90: nullable(num()),
  latency_ms_p99: nullable(num()),
  prompt_tokens: int(),
  completion_tokens: int(),
  total_tokens: int('Sums over the traces’ LLM spans'),
  cost: nullable(num('USD over the priced traces; null while none has a price')),
});

const model = obj({
  model_name: nullable(str('null for LLM spans that name no model')),
  span_count: int(),
  prompt_tokens: int(),
  completion_tokens: int(),
  total_tokens: int(),
  cost: nullable(num('USD; null until spans carry their own cost')),
});

const viewFields = {
  name: str('Unique in the project; trimmed; at most HERON_MAX_SAVED_VIEW_NAME_LENGTH characters'),
  table: str('traces | spans'),
  filter: nullable(str('Filter expression in the language of `table` (trace or span filters)')),
  q: nullable(str('Full-text search')),
  columns: list(str(), 'Column ids in display order (at most HERON_MAX_SAVED_VIEW_COLUMNS)'),
  sort: nullable(str('start_time | latency_ms | token_count_total | cost')),
  order: nullable(str('asc | desc')),
  root_spans_only: nullable(bool('Spans table: only root spans')),
};

const view = obj({
  id: str('SavedView GlobalID'),
  project_id: str('Project GlobalID'),
  ...viewFields,
  created_at: str(),
  updated_at: str(),
});

const viewParams = params(projectParam, ['view_id', 'SavedView GlobalID or view name']);

export const UI_ROUTE_DOCS: Record<string, RouteDoc> = {
  'GET /v1/projects/:project_identifier/metrics': {
    summary: 'Traces per time bucket, LLM usage by model and spans by kind (Heron)',
    description:
      'The range is rounded out to whole buckets counted from the Unix epoch; every bucket is ' +
      'listed, empty ones with zeros. Traces are bucketed by start time; models and kinds ' +
      'count the spans started in the range (models: LLM spans, top 20 by total tokens). ' +
      'More than HERON_MAX_METRICS_BUCKETS buckets is 400.',
    tags: ['projects'],
    params: params(projectParam),
    querystring: obj({
      start_time: str('ISO 8601; default end_time minus 7 days'),
      end_time: str('ISO 8601; default now'),
      bucket_seconds: int('Bucket width; default chosen for 60–120 buckets'),
    }),
    response: {
      200: dataOf(
        obj({
          start_time: str('Start of the first bucket'),
          end_time: str('End of the last bucket'),
          bucket_seconds: int(),
          buckets: list(bucket),
          models: list(model),
          span_kinds: list(obj({ span_kind: str(), span_count: int() })),
        }),
      ),
      ...badRequest,
    },
  },
  'GET /v1/projects/:project_identifier/views': {
    summary: 'Saved views of the project, by name (Heron)',
    tags: ['views'],
    params: params(projectParam),
    response: { 200: dataOf(list(view)), 404: errorBody },
  },
  'POST /v1/projects/:project_identifier/views': {
    summary: 'Save a view of the traces or spans table (Heron)',
    description:
      '400 names the field that is wrong (a filter that does not parse gets the parser’s ' +
      'message); 409 when the name is taken in the project or the project already has ' +
      'HERON_MAX_SAVED_VIEWS_PER_PROJECT views.',
    tags: ['views'],
    params: params(projectParam),
    body: obj(viewFields, ['name', 'table']),
    response: { 201: dataOf(view), ...badRequest, 409: errorBody },
  },
  'GET /v1/projects/:project_identifier/views/:view_id': {
    summary: 'One saved view (Heron)',
    tags: ['views'],
    params: viewParams,
    response: { 200: dataOf(view), 404: errorBody },
  },
  'PATCH /v1/projects/:project_identifier/views/:view_id': {
    summary: 'Change some fields of a saved view (Heron)',
    description: 'Fields left out keep their value; the result is checked as a whole.',
    tags: ['views'],
    params: viewParams,
    body: obj(viewFields),
    response: { 200: dataOf(view), ...badRequest, 409: errorBody },
  },
  'DELETE /v1/projects/:project_identifier/views/:view_id': {
    summary: 'Delete a saved view (Heron)',
    tags: ['views'],
    params: viewParams,
    response: { 204: noContent, 404: errorBody },
  },
  'GET /v1/projects/:project_identifier/filter-suggestions': {
    summary: 'Names for the filter bar to suggest (Heron)',
    description:
      'Attribute keys: dotted paths to the leaves of the attributes of the project’s newest ' +
      'HERON_FILTER_SUGGESTION_SAMPLE_SPANS spans (arrays are leaves), sorted, at most ' +
      'HERON_MAX_FILTER_SUGGESTIONS. Annotation names: span, trace and session annotations ' +
      'of the project, notes left out. Span kinds: those the project has.',
    tags: ['filters'],
    params: params(projectParam),
    response: {
      200: dataOf(
        obj({
          attribute_keys: list(str()),
          annotation_names: list(str()),
          span_kinds: list(str()),
        }),
      ),
      404: errorBody,
    },
  },
  'GET /v1/projects/:project_identifier/filter/validate': {
    summary: 'Check a filter expression as the lists would (Heron)',
    description:
      'Always 200 for an expression: valid, or not with the message the list would answer ' +
      'its 422 with, the 1-based column of the problem and the name probably meant. A blank ' +
      'filter is valid (no filter).',
    tags: ['filters'],
    params: params(projectParam),
    querystring: obj({
      filter: str('The expression'),
      scope: str('spans (default) | traces | sessions'),
    }),
    response: {
      200: dataOf(
        obj({
          valid: bool(),
          message: str('When not valid'),
          position: int('1-based column (UTF-16 code units)'),
          suggestion: str('The nearest valid name, when the problem looks like a typo'),
        }),
      ),
      ...badRequest,
    },
  },
};
