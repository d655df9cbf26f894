/**
 * A stored span in the REST shape of Phoenix's `GET /v1/projects/{id}/spans` (flat dotted
 * attribute keys, `openinference.span.kind` moved to `span_kind`), plus what Heron keeps and
 * Phoenix drops: exact nanosecond times, OTel span kind, resource, scope and links.
 */
import { flattenAttributes } from '../spans/unflatten.js';
import type { StoredSpan } from '../store/store.js';
import { toGlobalId } from './global-id.js';
import { spanCostJson } from './model-price-json.js';
import { isoFromUnixNano } from './timestamps.js';

export function toSpanJson(span: StoredSpan) {
  const attributes = flattenAttributes(span.attributes);
  delete attributes['openinference.span.kind'];
  return {
    id: toGlobalId('Span', span.rowid),
    name: span.name,
    context: { trace_id: span.traceId, span_id: span.spanId },
    span_kind: span.spanKind,
    parent_id: span.parentId,
    start_time: isoFromUnixNano(span.startTimeUnixNano),
    end_time: isoFromUnixNano(span.endTimeUnixNano),
    status_code: span.statusCode,
    status_message: span.statusMessage,
    attributes,
    events: span.events.map((event) => ({
      name: event.name,
      timestamp: isoFromUnixNano(BigInt(event.timeUnixNano)),
      attributes: event.attributes,
    })),
    // Heron additions (Phoenix clients ignore unknown fields).
    start_time_unix_nano: span.startTimeUnixNano.toString(),
    end_time_unix_nano: span.endTimeUnixNano.toString(),
    latency_ms: span.latencyMs,
    otel_kind: span.otelKind,
    trace_state: span.traceState,
    links: span.links.map((link) => ({
      trace_id: link.traceId,
      span_id: link.spanId,
      trace_state: link.traceState,
      attributes: link.attributes,
    })),
    resource: { attributes: span.resourceAttributes },
    scope: { name: span.scopeName, version: span.scopeVersion },
    // Cost under the price that applied, by token type; all null = no price (never 0).
    ...spanCostJson(span.cost),
  };
}
