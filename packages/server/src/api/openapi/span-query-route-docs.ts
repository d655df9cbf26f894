/**
 * OpenAPI documentation of POST /v1/spans and its GET alias (span-query-routes.ts). Phoenix
 * hides this route from its OpenAPI document; Heron documents it, since its wire format (the
 * SpanQuery DSL, multipart JSON or Arrow answers) is otherwise only written down in Phoenix's
 * Python source.
 */
import type { RouteDoc } from './tracing-route-docs.js';
import { anyObject, bool, errorBody, int, list, obj, str } from './schema-parts.js';

const projection = obj({ key: str('Attribute path or built-in, e.g. input.value, span_kind') });

const spanQuery = obj({
  select: anyObject('Output column → {key}; a column named span_id re-indexes the rows'),
  filter: obj({ condition: str("Span filter expression, e.g. span_kind == 'LLM'") }),
  explode: obj({
    key: str('A list attribute, e.g. retrieval.documents'),
    kwargs: anyObject('Output column → key inside each element, e.g. document.content'),
    primary_index_key: str('Default context.span_id'),
  }),
  concat: obj({
    key: str('A list attribute'),
    kwargs: anyObject('Output column → key inside each element'),
    separator: str('Default two newlines'),
  }),
  rename: anyObject('Old column name → new'),
  index: projection,
});

const queryString = obj({
  project_name: str('Project name (default: default)'),
  project_identifier: str('Heron: project GlobalID or name'),
});

const answers = {
  200: {
    description:
      'Accept: application/json → multipart/mixed, one pandas table-JSON part per query ' +
      '(names prefixed with their position, as Phoenix writes them); otherwise ' +
      'application/x-pandas-arrow, one Arrow IPC stream per query with pandas metadata.',
    type: 'string',
    format: 'binary',
  },
  404: errorBody,
  422: errorBody,
};

const description =
  'Phoenix’s span query (SpanQuery DSL), as used by px.Client().query_spans and ' +
  'client.spans.get_spans_dataframe. Without select/explode/concat a query answers the spans ' +
  'dataframe: name, span_kind, parent_id, start_time, end_time, status_code, status_message, ' +
  'events, context.span_id, context.trace_id and attributes.* columns, indexed by ' +
  'context.span_id, newest first.';

export const SPAN_QUERY_ROUTE_DOCS: Record<string, RouteDoc> = {
  'POST /v1/spans': {
    summary: 'Query spans with the SpanQuery DSL (dataframes)',
    description,
    tags: ['spans'],
    querystring: queryString,
    body: obj(
      {
        queries: list(spanQuery),
        start_time: str('ISO 8601; inclusive lower bound on span start'),
        end_time: str('ISO 8601; exclusive upper bound on span start'),
        stop_time: str('Deprecated alias of end_time'),
        limit: int('Spans per query (default 1000)'),
        root_spans_only: bool('Deprecated: use the filter parent_span is None'),
        orphan_span_as_root_span: bool('With root_spans_only: orphans count as roots (default)'),
        project_name: str('Deprecated: use the project_name query parameter'),
      },
      ['queries'],
    ),
    response: answers,
  },
  'GET /v1/spans': {
    summary: 'Deprecated alias of POST /v1/spans (same JSON body)',
    description,
    tags: ['spans'],
    querystring: queryString,
    response: answers,
  },
};
