/**
 * OpenAPI documentation of the span export download (export/export-routes.ts) and Phoenix ≤13's
 * legacy evaluations endpoints (api/legacy-evaluation-routes.ts).
 */
import type { RouteDoc } from './tracing-route-docs.js';
import {
  errorBody,
  noContent,
  obj,
  params,
  projectParam,
  str,
  timeWindow,
} from './schema-parts.js';

const file = { description: 'The file, streamed', type: 'string', format: 'binary' };

export const EXPORT_ROUTE_DOCS: Record<string, RouteDoc> = {
  'GET /v1/projects/:project_identifier/export': {
    summary: 'Download the spans of a project as jsonl, otlp-json or csv (Heron)',
    description:
      'The spans the span list would select (filter expression, full-text q, time window, roots ' +
      'only), ordered by start time then storage order, streamed with Content-Disposition: ' +
      'attachment. jsonl: one span JSON per line (the REST shape, without id); otlp-json: one ' +
      'OTLP/JSON ExportTraceServiceRequest per line (POST any line to /v1/traces); csv: flat ' +
      'columns. The same bytes as `heron export`.',
    tags: ['spans'],
    params: params(projectParam),
    querystring: obj({
      format: str('jsonl (default) | otlp-json | csv'),
      filter: str('Span filter expression'),
      q: str('Full-text search in input/output'),
      root_spans_only: str('true: only root spans'),
      ...timeWindow,
    }),
    response: { 200: file, 404: errorBody, 422: errorBody },
  },
  'POST /v1/evaluations': {
    summary: 'Log evaluations as an Arrow IPC stream (Phoenix ≤13 legacy)',
    description:
      'Content-Type application/x-pandas-arrow. Schema metadata `arize` = {eval_id, eval_name, ' +
      'eval_type: SpanEvaluations | TraceEvaluations | DocumentEvaluations}; index ' +
      'context.span_id / context.trace_id (+ document_position); columns score, label, ' +
      'explanation. Stored as LLM annotations (upsert by name).',
    tags: ['annotations'],
    response: { 204: noContent, 415: errorBody, 422: errorBody },
  },
  'GET /v1/evaluations': {
    summary: 'All LLM evaluations of a project as Arrow IPC streams (Phoenix ≤13 legacy)',
    description:
      'One Arrow IPC stream per evaluation name and type, concatenated; each carries its `arize` ' +
      'metadata. 404 when the project has none.',
    tags: ['annotations'],
    querystring: obj({ project_name: str('Default: default') }),
    response: { 200: file, 404: errorBody },
  },
};
