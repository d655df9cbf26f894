/**
 * One line of a jsonl export (a Heron/Phoenix span JSON, api/span-json.ts) back to the OTLP
 * span, resource and scope it was stored from, so import runs the same normalizer as OTLP
 * ingestion. Heron's exact fields (ns times, OTel kind, resource, scope, links) are used when
 * present; a plain Phoenix span JSON (ISO times, no resource) imports too.
 */
import type { AttributeValue, OtlpKeyValue, OtlpSpan } from '../otlp/otlp-types.js';
import { unixNanoFromIso } from '../api/timestamps.js';

export class ImportLineError extends Error {}

const STATUS_NUMBERS: Record<string, number> = { UNSET: 0, OK: 1, ERROR: 2 };

export interface ImportedSpan {
  span: OtlpSpan;
  resourceAttributes: OtlpKeyValue[];
  scopeName: string;
  scopeVersion: string;
}

type Json = Record<string, unknown>;

function object(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Json)
    : {};
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function keyValues(value: unknown): OtlpKeyValue[] {
  return Object.entries(object(value)).map(([key, v]) => ({ key, value: v as AttributeValue }));
}

function nanos(exact: unknown, iso: unknown, field: string): bigint {
  if (typeof exact === 'string' && /^\d+$/.test(exact)) return BigInt(exact);
  const parsed = typeof iso === 'string' ? unixNanoFromIso(iso) : null;
  if (parsed === null) throw new ImportLineError(`${field} is missing or not an ISO 8601 time`);
  return parsed;
}

export function heronSpanJsonToOtlp(json: Json): ImportedSpan {
  const context = object(json['context']);
  const attributes = keyValues(json['attributes']);
  const spanKind = text(json['span_kind']);
  if (
    spanKind &&
    spanKind !== 'UNKNOWN' &&
    !attributes.some((a) => a.key === 'openinference.span.kind')
  ) {
    attributes.push({ key: 'openinference.span.kind', value: spanKind });
  }
  const events = Array.isArray(json['events']) ? json['events'] : [];
  const links = Array.isArray(json['links']) ? json['links'] : [];
  const scope = object(json['scope']);
  const span: OtlpSpan = {
    traceId: text(context['trace_id']),
    spanId: text(context['span_id']),
    parentSpanId: text(json['parent_id']),
    traceState: text(json['trace_state']),
    name: text(json['name']),
    kind: typeof json['otel_kind'] === 'number' ? json['otel_kind'] : 1,
    startTimeUnixNano: nanos(json['start_time_unix_nano'], json['start_time'], 'start_time'),
    endTimeUnixNano: nanos(json['end_time_unix_nano'], json['end_time'], 'end_time'),
    attributes,
    droppedAttributesCount: 0,
    events: events.map((raw) => {
      const event = object(raw);
      return {
        name: text(event['name']),
        timeUnixNano: nanos(event['time_unix_nano'], event['timestamp'], 'events[].timestamp'),
        attributes: keyValues(event['attributes']),
        droppedAttributesCount: 0,
      };
    }),
    droppedEventsCount: 0,
    links: links.map((raw) => {
      const link = object(raw);
      return {
        traceId: text(link['trace_id']),
        spanId: text(link['span_id']),
        traceState: text(link['trace_state']),
        attributes: keyValues(link['attributes']),
        droppedAttributesCount: 0,
        flags: 0,
      };
    }),
    droppedLinksCount: 0,
    status: {
      code: STATUS_NUMBERS[text(json['status_code']).toUpperCase()] ?? 0,
      message: text(json['status_message']),
    },
    flags: 0,
  };
  return {
    span,
    resourceAttributes: keyValues(object(json['resource'])['attributes']),
    scopeName: text(scope['name']),
    scopeVersion: text(scope['version']),
  };
}
