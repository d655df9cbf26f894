/**
 * A stored span as OTLP JSON with snake_case field names, the shape of Phoenix's
 * `GET /v1/projects/{id}/spans/otlpv1`: hex ids, nanosecond times as strings, attributes as
 * KeyValue/AnyValue (flattened dotted keys), status codes as numbers. Unlike Phoenix, nested
 * values become kvlist_value instead of an empty value, and the OTel span kind is the stored one.
 */
import type { AttributeValue } from '../otlp/otlp-types.js';
import { flattenAttributes } from '../spans/unflatten.js';
import type { StoredSpan } from '../store/store.js';

const SPAN_KIND_NAMES = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
];
const STATUS_NUMBERS = { UNSET: 0, OK: 1, ERROR: 2 } as const;

type AnyValueJson =
  | { string_value: string }
  | { bool_value: boolean }
  | { int_value: number }
  | { double_value: number }
  | { array_value: { values: AnyValueJson[] } }
  | { kvlist_value: { values: { key: string; value: AnyValueJson }[] } }
  | Record<string, never>;

function anyValue(value: AttributeValue): AnyValueJson {
  if (typeof value === 'string') return { string_value: value };
  if (typeof value === 'boolean') return { bool_value: value };
  if (typeof value === 'number') {
    return Number.isInteger(value) ? { int_value: value } : { double_value: value };
  }
  if (Array.isArray(value)) return { array_value: { values: value.map(anyValue) } };
  if (value !== null && typeof value === 'object') {
    return { kvlist_value: { values: keyValues(value) } };
  }
  return {};
}

function keyValues(record: Record<string, AttributeValue>) {
  return Object.entries(record).map(([key, value]) => ({ key, value: anyValue(value) }));
}

export function toOtlpSpanJson(span: StoredSpan) {
  return {
    trace_id: span.traceId,
    span_id: span.spanId,
    parent_span_id: span.parentId ?? '',
    trace_state: span.traceState,
    name: span.name,
    kind: SPAN_KIND_NAMES[span.otelKind] ?? SPAN_KIND_NAMES[1],
    start_time_unix_nano: span.startTimeUnixNano.toString(),
    end_time_unix_nano: span.endTimeUnixNano.toString(),
    attributes: keyValues(flattenAttributes(span.attributes)),
    dropped_attributes_count: 0,
    events: span.events.map((event) => ({
      time_unix_nano: event.timeUnixNano,
      name: event.name,
      attributes: keyValues(event.attributes),
      dropped_attributes_count: 0,
    })),
    dropped_events_count: 0,
    links: span.links.map((link) => ({
      trace_id: link.traceId,
      span_id: link.spanId,
      trace_state: link.traceState,
      attributes: keyValues(link.attributes),
    })),
    dropped_links_count: 0,
    status: { code: STATUS_NUMBERS[span.statusCode], message: span.statusMessage },
    flags: span.flags,
  };
}
