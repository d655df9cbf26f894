/**
 * OTLP protobuf bytes → `OtlpExportRequest`.
 *
 * protobufjs does the wire parsing; this file only maps its message objects onto Heron's
 * format-independent shape (hex ids, bigint nanoseconds, plain attribute values).
 */
import type Long from 'long';
import { ExportTraceServiceRequestType } from './otlp-proto-root.js';
import { OtlpDecodeError } from './otlp-decode-error.js';
import type {
  AttributeValue,
  OtlpEvent,
  OtlpExportRequest,
  OtlpKeyValue,
  OtlpLink,
  OtlpSpan,
} from './otlp-types.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- protobufjs messages are untyped objects */

export function decodeProtobufExportRequest(body: Uint8Array): OtlpExportRequest {
  let message: any;
  try {
    message = ExportTraceServiceRequestType.decode(body);
  } catch (error) {
    throw new OtlpDecodeError(
      `Request body is not a valid OTLP ExportTraceServiceRequest (protobuf): ${(error as Error).message}`,
    );
  }
  return {
    resourceSpans: (message.resourceSpans ?? []).map((rs: any) => ({
      resourceAttributes: decodeKeyValues(rs.resource?.attributes),
      schemaUrl: rs.schemaUrl ?? '',
      scopeSpans: (rs.scopeSpans ?? []).map((ss: any) => ({
        scope: {
          name: ss.scope?.name ?? '',
          version: ss.scope?.version ?? '',
          attributes: decodeKeyValues(ss.scope?.attributes),
        },
        schemaUrl: ss.schemaUrl ?? '',
        spans: (ss.spans ?? []).map(decodeSpan),
      })),
    })),
  };
}

function decodeSpan(span: any): OtlpSpan {
  return {
    traceId: toHex(span.traceId),
    spanId: toHex(span.spanId),
    parentSpanId: toHex(span.parentSpanId),
    traceState: span.traceState ?? '',
    name: span.name ?? '',
    kind: span.kind ?? 0,
    startTimeUnixNano: unsigned64(span.startTimeUnixNano),
    endTimeUnixNano: unsigned64(span.endTimeUnixNano),
    attributes: decodeKeyValues(span.attributes),
    droppedAttributesCount: span.droppedAttributesCount ?? 0,
    events: (span.events ?? []).map(decodeEvent),
    droppedEventsCount: span.droppedEventsCount ?? 0,
    links: (span.links ?? []).map(decodeLink),
    droppedLinksCount: span.droppedLinksCount ?? 0,
    status: { code: span.status?.code ?? 0, message: span.status?.message ?? '' },
    flags: span.flags ?? 0,
  };
}

function decodeEvent(event: any): OtlpEvent {
  return {
    timeUnixNano: unsigned64(event.timeUnixNano),
    name: event.name ?? '',
    attributes: decodeKeyValues(event.attributes),
    droppedAttributesCount: event.droppedAttributesCount ?? 0,
  };
}

function decodeLink(link: any): OtlpLink {
  return {
    traceId: toHex(link.traceId),
    spanId: toHex(link.spanId),
    traceState: link.traceState ?? '',
    attributes: decodeKeyValues(link.attributes),
    droppedAttributesCount: link.droppedAttributesCount ?? 0,
    flags: link.flags ?? 0,
  };
}

function decodeKeyValues(list: any[] | undefined): OtlpKeyValue[] {
  if (!list || list.length === 0) return [];
  const out: OtlpKeyValue[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const kv = list[i];
    out[i] = { key: kv.key ?? '', value: decodeAnyValue(kv.value) };
  }
  return out;
}

function decodeAnyValue(value: any): AttributeValue {
  if (value == null) return null;
  switch (value.value) {
    case 'stringValue':
      return value.stringValue;
    case 'boolValue':
      return value.boolValue;
    case 'intValue':
      return signed64(value.intValue);
    case 'doubleValue':
      return value.doubleValue;
    case 'arrayValue':
      return (value.arrayValue?.values ?? []).map(decodeAnyValue);
    case 'kvlistValue': {
      const obj: Record<string, AttributeValue> = {};
      for (const kv of value.kvlistValue?.values ?? [])
        obj[kv.key ?? ''] = decodeAnyValue(kv.value);
      return obj;
    }
    case 'bytesValue':
      return Buffer.from(value.bytesValue).toString('base64');
    default:
      return null;
  }
}

function toHex(bytes: Uint8Array | undefined): string {
  if (!bytes || bytes.length === 0) return '';
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

function unsigned64(value: Long | number | undefined): bigint {
  if (value == null) return 0n;
  if (typeof value === 'number') return BigInt(value);
  return (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0);
}

/** int64 attribute values become numbers when exact, otherwise decimal strings. */
function signed64(value: Long | number | undefined): number | string {
  if (value == null) return 0;
  if (typeof value === 'number') return value;
  const big = BigInt.asIntN(64, (BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0));
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(big)
    : big.toString();
}
