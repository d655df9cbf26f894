/**
 * Phoenix span JSON (the body of `POST /v1/projects/{id}/spans`, the shape `GET …/spans`
 * returns) → an OTLP span, so created spans go through exactly the normalizer OTLP spans go
 * through (ids, unflattening, derived columns, limits).
 */
import type { AttributeValue, OtlpKeyValue, OtlpSpan } from '../otlp/otlp-types.js';
import { unixNanoFromIso } from './timestamps.js';

const STATUS_CODES: Record<string, number> = { UNSET: 0, OK: 1, ERROR: 2 };
const HAS_OFFSET = /(Z|[+-]\d{2}:?\d{2})$/i;

export type PhoenixSpanConversion =
  { ok: true; span: OtlpSpan } | { ok: false; traceId: string; spanId: string; error: string };

export function phoenixSpanToOtlp(input: unknown): PhoenixSpanConversion {
  const span = (typeof input === 'object' && input !== null ? input : {}) as Record<
    string,
    unknown
  >;
  const context = (
    typeof span['context'] === 'object' && span['context'] !== null ? span['context'] : {}
  ) as Record<string, unknown>;
  const traceId = typeof context['trace_id'] === 'string' ? context['trace_id'] : '';
  const spanId = typeof context['span_id'] === 'string' ? context['span_id'] : '';
  const fail = (error: string): PhoenixSpanConversion => ({ ok: false, traceId, spanId, error });

  if (!traceId || !spanId) return fail('context.trace_id and context.span_id are required');
  if (typeof span['name'] !== 'string') return fail('name is required');
  const start = timestamp(span['start_time']);
  const end = timestamp(span['end_time']);
  if (start === null) return fail('start_time must be an ISO 8601 timestamp with a time zone');
  if (end === null) return fail('end_time must be an ISO 8601 timestamp with a time zone');
  const statusName = String(span['status_code'] ?? 'UNSET').toUpperCase();
  const statusCode = STATUS_CODES[statusName];
  if (statusCode === undefined) return fail('status_code must be OK, ERROR or UNSET');
  const parentId = span['parent_id'];
  if (parentId !== undefined && parentId !== null && typeof parentId !== 'string') {
    return fail('parent_id must be a string or null');
  }
  const attributes = span['attributes'] ?? {};
  if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) {
    return fail('attributes must be an object');
  }
  const keyValues: OtlpKeyValue[] = Object.entries(attributes).map(([key, value]) => ({
    key,
    value: value as AttributeValue,
  }));
  if (typeof span['span_kind'] === 'string' && span['span_kind'] !== '') {
    keyValues.push({ key: 'openinference.span.kind', value: span['span_kind'] });
  }
  const events = span['events'] ?? [];
  if (!Array.isArray(events)) return fail('events must be a list');
  const otlpEvents = [];
  for (const event of events as Record<string, unknown>[]) {
    const time = timestamp(event?.['timestamp']);
    if (time === null) return fail('every event needs a timestamp with a time zone');
    const eventAttributes = (event['attributes'] ?? {}) as Record<string, AttributeValue>;
    otlpEvents.push({
      timeUnixNano: time,
      name: String(event['name'] ?? ''),
      attributes: Object.entries(eventAttributes).map(([key, value]) => ({ key, value })),
      droppedAttributesCount: 0,
    });
  }
  return {
    ok: true,
    span: {
      traceId,
      spanId,
      parentSpanId: typeof parentId === 'string' ? parentId : '',
      traceState: '',
      name: span['name'],
      kind: 1,
      startTimeUnixNano: start,
      endTimeUnixNano: end,
      attributes: keyValues,
      droppedAttributesCount: 0,
      events: otlpEvents,
      droppedEventsCount: 0,
      links: [],
      droppedLinksCount: 0,
      status: { code: statusCode, message: String(span['status_message'] ?? '') },
      flags: 0,
    },
  };
}

/** Phoenix requires time-zone-aware timestamps; so does Heron (a naive one is ambiguous). */
function timestamp(value: unknown): bigint | null {
  if (typeof value !== 'string' || !HAS_OFFSET.test(value.trim())) return null;
  return unixNanoFromIso(value);
}
