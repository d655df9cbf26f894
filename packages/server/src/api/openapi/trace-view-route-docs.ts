/**
 * OpenAPI documentation of the routes the web UI's trace page reads (trace-view-routes.ts):
 * a trace's span outline and single spans with nested attributes. Heron additions.
 */
import type { RouteDoc } from './tracing-route-docs.js';
import {
  anyObject,
  bool,
  dataOf,
  errorBody,
  int,
  list,
  nullable,
  num,
  obj,
  params,
  str,
} from './schema-parts.js';

const treeNode = obj({
  span_id: str('16 hex'),
  parent_id: nullable(str()),
  name: str(),
  span_kind: str('OpenInference kind, UNKNOWN when absent'),
  status_code: str('OK | ERROR | UNSET'),
  start_time_unix_nano: str('Exact start, ns since the epoch'),
  end_time_unix_nano: str('Exact end, ns since the epoch'),
  latency_ms: num(),
  token_count_prompt: nullable(int()),
  token_count_completion: nullable(int()),
  token_count_total: nullable(int()),
  cost: nullable(num('USD; null = no price')),
  event_count: int('Events on the span (exceptions included)'),
});

const spanDetail = obj({
  id: str('GlobalID'),
  project_id: str('Project GlobalID'),
  name: str(),
  context: obj({ trace_id: str(), span_id: str() }),
  span_kind: str(),
  parent_id: nullable(str()),
  start_time: str(),
  end_time: str(),
  start_time_unix_nano: str(),
  end_time_unix_nano: str(),
  latency_ms: num(),
  status_code: str(),
  status_message: str(),
  attributes: anyObject('Nested as stored (llm.input_messages is an array of {message})'),
  events: list(anyObject('{name, timestamp, attributes}')),
  links: list(anyObject()),
  otel_kind: int(),
  resource: anyObject(),
  scope: obj({ name: str(), version: str() }),
  session_id: nullable(str()),
  user_id: nullable(str()),
  model_name: nullable(str()),
  token_count_prompt: nullable(int()),
  token_count_completion: nullable(int()),
  token_count_total: nullable(int()),
  cost: nullable(num('USD; null = no price (never 0)')),
  cost_prompt: nullable(num()),
  cost_completion: nullable(num()),
  cost_details: nullable(anyObject('By token type: {tokens, cost, usd_per_million_tokens}')),
  price_id: nullable(str('The price applied')),
});

const errors = { 404: errorBody, 422: errorBody };
const traceParam: [string, string] = ['trace_identifier', 'Trace GlobalID or 32-hex trace id'];

export const TRACE_VIEW_ROUTE_DOCS: Record<string, RouteDoc> = {
  'GET /v1/traces/:trace_identifier/tree': {
    summary: 'A trace with the outline of all its spans, for the trace page (Heron)',
    description:
      'The trace’s rollups plus one compact node per span (no attributes), in start order. ' +
      '`truncated` is true when the trace has more spans than `span_limit`.',
    tags: ['traces'],
    params: params(traceParam),
    querystring: obj({ span_limit: int('Most spans outlined (default 10000, at most 100000)') }),
    response: {
      200: dataOf(
        obj({
          trace_id: str(),
          project_id: str(),
          latency_ms: num(),
          cost: nullable(num()),
          truncated: bool(),
          spans: list(treeNode),
        }),
      ),
      ...errors,
    },
  },
  'GET /v1/traces/:trace_identifier/spans/:span_id': {
    summary: 'One span of a trace, attributes nested (Heron)',
    tags: ['spans'],
    params: params(traceParam, ['span_id', '16-hex OTel span id']),
    response: { 200: dataOf(spanDetail), ...errors },
  },
  'GET /v1/spans/:span_identifier': {
    summary:
      'One span by GlobalID or OTel span id (the newest such span), attributes nested (Heron)',
    tags: ['spans'],
    params: params(['span_identifier', 'Span GlobalID or 16-hex span id']),
    response: { 200: dataOf(spanDetail), ...errors },
  },
};
