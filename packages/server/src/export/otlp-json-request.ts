/**
 * Stored spans as one OTLP/JSON ExportTraceServiceRequest (the encoding OTLP/HTTP receivers
 * accept: lowerCamelCase names, hex ids, int64 as decimal strings, enums as integers). Spans
 * are grouped under their resource and instrumentation scope, groups in the order their first
 * span comes, spans in their given order within a group.
 *
 * The otlp-json export file holds one such request per line (as the OpenTelemetry Collector's
 * file exporter writes), so a file streams in bounded memory and each line can be POSTed to any
 * OTLP/HTTP receiver's /v1/traces as it is.
 */
import type { AttributeValue } from '../otlp/otlp-types.js';
import { flattenAttributes } from '../spans/unflatten.js';
import type { StoredSpan } from '../store/store.js';

type AnyValueJson =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number }
  | { arrayValue: { values: AnyValueJson[] } }
  | { kvlistValue: { values: KeyValueJson[] } }
  | Record<string, never>;

interface KeyValueJson {
  key: string;
  value: AnyValueJson;
}

const STATUS_NUMBERS = { UNSET: 0, OK: 1, ERROR: 2 } as const;

function anyValue(value: AttributeValue): AnyValueJson {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number') {
    return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  }
  if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValue) } };
  if (value !== null && typeof value === 'object') {
    return { kvlistValue: { values: keyValues(value) } };
  }
  return {};
}

function keyValues(record: Record<string, AttributeValue>): KeyValueJson[] {
  return Object.entries(record).map(([key, value]) => ({ key, value: anyValue(value) }));
}

function otlpSpan(span: StoredSpan) {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    ...(span.traceState ? { traceState: span.traceState } : {}),
    ...(span.parentId ? { parentSpanId: span.parentId } : {}),
    ...(span.flags ? { flags: span.flags } : {}),
    name: span.name,
    kind: span.otelKind,
    startTimeUnixNano: span.startTimeUnixNano.toString(),
    endTimeUnixNano: span.endTimeUnixNano.toString(),
    attributes: keyValues(flattenAttributes(span.attributes)),
    events: span.events.map((event) => ({
      timeUnixNano: String(event.timeUnixNano),
      name: event.name,
      attributes: keyValues(event.attributes),
    })),
    links: span.links.map((link) => ({
      traceId: link.traceId,
      spanId: link.spanId,
      ...(link.traceState ? { traceState: link.traceState } : {}),
      attributes: keyValues(link.attributes),
    })),
    status: {
      code: STATUS_NUMBERS[span.statusCode],
      ...(span.statusMessage ? { message: span.statusMessage } : {}),
    },
  };
}

export function toOtlpExportRequestJson(spans: StoredSpan[]) {
  const resources = new Map<
    string,
    { resource: Record<string, AttributeValue>; scopes: Map<string, StoredSpan[]> }
  >();
  for (const span of spans) {
    const resourceKey = JSON.stringify(span.resourceAttributes);
    let resource = resources.get(resourceKey);
    if (!resource) {
      resource = { resource: span.resourceAttributes, scopes: new Map() };
      resources.set(resourceKey, resource);
    }
    const scopeKey = JSON.stringify([span.scopeName, span.scopeVersion]);
    const scope = resource.scopes.get(scopeKey);
    if (scope) scope.push(span);
    else resource.scopes.set(scopeKey, [span]);
  }
  return {
    resourceSpans: [...resources.values()].map(({ resource, scopes }) => ({
      resource: { attributes: keyValues(resource) },
      scopeSpans: [...scopes.values()].map((scopeSpans) => ({
        scope: { name: scopeSpans[0]!.scopeName, version: scopeSpans[0]!.scopeVersion },
        spans: scopeSpans.map(otlpSpan),
      })),
    })),
  };
}
