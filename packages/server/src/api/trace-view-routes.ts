/**
 * What the trace page of the web UI reads (Heron additions, no Phoenix equivalent in REST):
 *
 * - `GET /v1/traces/{trace_identifier}/tree`: the trace's rollups and a compact outline of every
 *   span (ids, name, kind, status, exact times, tokens, event count) — enough to draw the tree,
 *   the waterfall and the time breakdown of a 5,000-span trace without shipping every span's
 *   attributes.
 * - `GET /v1/traces/{trace_identifier}/spans/{span_id}`: one span of that trace in full, with its
 *   attributes nested as stored (the UI renders `llm.input_messages`, `retrieval.documents`… as
 *   structures, not as dotted keys). Span ids are unique per trace only, so the trace names it.
 * - `GET /v1/spans/{span_identifier}`: one span by GlobalID or OTel span id (the newest such
 *   span), with its project and trace, for links that only know a span id.
 */
import type { FastifyInstance } from 'fastify';
import type { StoredSpan, Store } from '../store/store.js';
import { ApiError } from './api-error.js';
import { fromGlobalId, toGlobalId } from './global-id.js';
import { spanCostJson } from './model-price-json.js';
import { intParam, type QueryParams } from './query-params.js';
import { isoFromUnixNano } from './timestamps.js';
import { resolveTrace, traceJson } from './trace-routes.js';

/** Spans outlined by default; a trace with more says `truncated` (the UI tells the user). */
export const DEFAULT_TREE_SPAN_LIMIT = 10_000;
export const MAX_TREE_SPAN_LIMIT = 100_000;

function spanTreeNodeJson(span: StoredSpan) {
  return {
    span_id: span.spanId,
    parent_id: span.parentId,
    name: span.name,
    span_kind: span.spanKind,
    status_code: span.statusCode,
    start_time_unix_nano: span.startTimeUnixNano.toString(),
    end_time_unix_nano: span.endTimeUnixNano.toString(),
    latency_ms: span.latencyMs,
    token_count_prompt: span.promptTokens,
    token_count_completion: span.completionTokens,
    token_count_total: span.totalTokens,
    cost: span.cost?.total ?? null,
    event_count: span.events.length,
  };
}

/** A span with nested attributes (as stored) and where it lives. */
function spanDetailJson(span: StoredSpan) {
  return {
    id: toGlobalId('Span', span.rowid),
    project_id: toGlobalId('Project', span.projectId),
    name: span.name,
    context: { trace_id: span.traceId, span_id: span.spanId },
    span_kind: span.spanKind,
    parent_id: span.parentId,
    start_time: isoFromUnixNano(span.startTimeUnixNano),
    end_time: isoFromUnixNano(span.endTimeUnixNano),
    start_time_unix_nano: span.startTimeUnixNano.toString(),
    end_time_unix_nano: span.endTimeUnixNano.toString(),
    latency_ms: span.latencyMs,
    status_code: span.statusCode,
    status_message: span.statusMessage,
    attributes: span.attributes,
    events: span.events.map((event) => ({
      name: event.name,
      timestamp: isoFromUnixNano(BigInt(event.timeUnixNano)),
      attributes: event.attributes,
    })),
    links: span.links.map((link) => ({
      trace_id: link.traceId,
      span_id: link.spanId,
      trace_state: link.traceState,
      attributes: link.attributes,
    })),
    otel_kind: span.otelKind,
    resource: { attributes: span.resourceAttributes },
    scope: { name: span.scopeName, version: span.scopeVersion },
    session_id: span.sessionId,
    user_id: span.userId,
    model_name: span.modelName,
    token_count_prompt: span.promptTokens,
    token_count_completion: span.completionTokens,
    token_count_total: span.totalTokens,
    // Under the price that applied, by token type; all null = no price (never 0).
    ...spanCostJson(span.cost),
  };
}

export function registerTraceViewRoutes(app: FastifyInstance, store: Store): void {
  app.get('/v1/traces/:trace_identifier/tree', async (request) => {
    const { trace_identifier } = request.params as { trace_identifier: string };
    const query = request.query as QueryParams;
    const limit = intParam(query, 'span_limit', DEFAULT_TREE_SPAN_LIMIT, 1, MAX_TREE_SPAN_LIMIT);
    const trace = await resolveTrace(store, trace_identifier);
    const spans = await store.listTraceSpans(trace.rowid, limit);
    return {
      data: {
        ...traceJson(trace),
        truncated: spans.length < trace.spanCount,
        spans: spans.map(spanTreeNodeJson),
      },
    };
  });

  app.get('/v1/traces/:trace_identifier/spans/:span_id', async (request) => {
    const { trace_identifier, span_id } = request.params as {
      trace_identifier: string;
      span_id: string;
    };
    const trace = await resolveTrace(store, trace_identifier);
    const spanId = span_id.toLowerCase();
    const span = (await store.findSpansBySpanId(spanId)).find((s) => s.traceId === trace.traceId);
    if (!span) throw new ApiError(404, `Span ${span_id} not found in trace ${trace.traceId}`);
    return { data: spanDetailJson(span) };
  });

  app.get('/v1/spans/:span_identifier', async (request) => {
    const { span_identifier } = request.params as { span_identifier: string };
    const rowid = fromGlobalId('Span', span_identifier);
    const span =
      rowid !== null
        ? await store.getSpanByRowid(rowid)
        : ((await store.findSpansBySpanId(span_identifier.toLowerCase()))[0] ?? null);
    if (!span) throw new ApiError(404, `Span not found: ${span_identifier}`);
    return { data: spanDetailJson(span) };
  });
}
