/**
 * OTLP protobuf bytes → `OtlpExportRequest`, read straight off the wire.
 *
 * This is the ingest hot path, so instead of letting protobufjs build its generic message objects
 * (and then copying them into Heron's shape) it walks the bytes once with protobufjs's `Reader`
 * and builds the final objects directly: ids become hex strings and timestamps exact bigints
 * without intermediate Buffers or Longs. The OpenTelemetry JS exporters encode the same way, by
 * hand, for the same reason. Field numbers are those of opentelemetry-proto (see
 * proto/otlp-trace.proto, which the encoder and the tests use).
 */
import protobuf from 'protobufjs';
import { OtlpDecodeError } from './otlp-decode-error.js';
import type {
  AttributeValue,
  OtlpEvent,
  OtlpExportRequest,
  OtlpKeyValue,
  OtlpLink,
  OtlpResourceSpans,
  OtlpScope,
  OtlpScopeSpans,
  OtlpSpan,
} from './otlp-types.js';
import { MAX_VALUE_DEPTH } from './value-depth.js';

type Reader = protobuf.Reader;

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

export function decodeProtobufExportRequest(body: Uint8Array): OtlpExportRequest {
  const buffer = Buffer.isBuffer(body)
    ? body
    : Buffer.from(body.buffer, body.byteOffset, body.length);
  const reader = protobuf.Reader.create(buffer);
  try {
    const resourceSpans: OtlpResourceSpans[] = [];
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      if (tag >>> 3 === 1) resourceSpans.push(readResourceSpans(reader, messageEnd(reader, tag)));
      else reader.skipType(tag & 7);
    }
    return { resourceSpans };
  } catch (error) {
    const reason = error instanceof WireError ? error.message : (error as Error).message;
    throw new OtlpDecodeError(
      `Request body is not a valid OTLP ExportTraceServiceRequest (protobuf): ${reason}`,
    );
  }
}

class WireError extends Error {}

/** Reads the length prefix of a sub-message and returns where it ends. */
function messageEnd(reader: Reader, tag: number): number {
  if ((tag & 7) !== LENGTH_DELIMITED) {
    throw new WireError(
      `field ${tag >>> 3} has wire type ${tag & 7}, expected a length-delimited message`,
    );
  }
  const length = reader.uint32();
  const end = reader.pos + length;
  if (end > reader.len)
    throw new WireError(`a length of ${length} bytes runs past the end of the body`);
  return end;
}

function expectWire(tag: number, wireType: number): void {
  if ((tag & 7) !== wireType) {
    throw new WireError(`field ${tag >>> 3} has wire type ${tag & 7}, expected ${wireType}`);
  }
}

function checkEnd(reader: Reader, end: number): void {
  if (reader.pos !== end) throw new WireError('a sub-message overruns its declared length');
}

function readString(reader: Reader, tag: number): string {
  expectWire(tag, LENGTH_DELIMITED);
  return reader.string();
}

/** A bytes field as lower-case hex, read without copying it into a Buffer first. */
function readHex(reader: Reader, tag: number): string {
  const end = messageEnd(reader, tag);
  const hex = (reader.buf as Buffer).toString('hex', reader.pos, end);
  reader.pos = end;
  return hex;
}

function readFixed64(reader: Reader, tag: number): bigint {
  expectWire(tag, FIXED64);
  const buf = reader.buf as Buffer;
  if (reader.pos + 8 > reader.len)
    throw new WireError('a fixed64 field runs past the end of the body');
  const lo = buf.readUInt32LE(reader.pos);
  const hi = buf.readUInt32LE(reader.pos + 4);
  reader.pos += 8;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

function readUint32(reader: Reader, tag: number): number {
  if ((tag & 7) === FIXED32) return reader.fixed32();
  expectWire(tag, VARINT);
  return reader.uint32();
}

function readResourceSpans(reader: Reader, end: number): OtlpResourceSpans {
  const result: OtlpResourceSpans = { resourceAttributes: [], scopeSpans: [], schemaUrl: '' };
  while (reader.pos < end) {
    const tag = reader.uint32();
    switch (tag >>> 3) {
      case 1: {
        const resourceEnd = messageEnd(reader, tag);
        while (reader.pos < resourceEnd) {
          const inner = reader.uint32();
          if (inner >>> 3 === 1) {
            result.resourceAttributes.push(readKeyValue(reader, messageEnd(reader, inner), 0));
          } else reader.skipType(inner & 7);
        }
        checkEnd(reader, resourceEnd);
        break;
      }
      case 2:
        result.scopeSpans.push(readScopeSpans(reader, messageEnd(reader, tag)));
        break;
      case 3:
        result.schemaUrl = readString(reader, tag);
        break;
      default:
        reader.skipType(tag & 7);
    }
  }
  checkEnd(reader, end);
  return result;
}

function readScopeSpans(reader: Reader, end: number): OtlpScopeSpans {
  const result: OtlpScopeSpans = {
    scope: { name: '', version: '', attributes: [] },
    spans: [],
    schemaUrl: '',
  };
  while (reader.pos < end) {
    const tag = reader.uint32();
    switch (tag >>> 3) {
      case 1:
        result.scope = readScope(reader, messageEnd(reader, tag));
        break;
      case 2:
        result.spans.push(readSpan(reader, messageEnd(reader, tag)));
        break;
      case 3:
        result.schemaUrl = readString(reader, tag);
        break;
      default:
        reader.skipType(tag & 7);
    }
  }
  checkEnd(reader, end);
  return result;
}

function readScope(reader: Reader, end: number): OtlpScope {
  const scope: OtlpScope = { name: '', version: '', attributes: [] };
  while (reader.pos < end) {
    const tag = reader.uint32();
    switch (tag >>> 3) {
      case 1:
        scope.name = readString(reader, tag);
        break;
      case 2:
        scope.version = readString(reader, tag);
        break;
      case 3:
        scope.attributes.push(readKeyValue(reader, messageEnd(reader, tag), 0));
        break;
      default:
        reader.skipType(tag & 7);
    }
  }
  checkEnd(reader, end);
  return scope;
}

function readSpan(reader: Reader, end: number): OtlpSpan {
  const span: OtlpSpan = {
    traceId: '',
    spanId: '',
    parentSpanId: '',
    traceState: '',
    name: '',
    kind: 0,
    startTimeUnixNano: 0n,
    endTimeUnixNano: 0n,
    attributes: [],
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: 0, message: '' },
    flags: 0,
  };
  while (reader.pos < end) {
    const tag = reader.uint32();
    switch (tag >>> 3) {
      case 1:
        span.traceId = readHex(reader, tag);
        break;
      case 2:
        span.spanId = readHex(reader, tag);
        break;
      case 3:
        span.traceState = readString(reader, tag);
        break;
      case 4:
        span.parentSpanId = readHex(reader, tag);
        break;
      case 5:
        span.name = readString(reader, tag);
        break;
      case 6:
        expectWire(tag, VARINT);
        span.kind = reader.int32();
        break;
      case 7:
        span.startTimeUnixNano = readFixed64(reader, tag);
        break;
      case 8:
        span.endTimeUnixNano = readFixed64(reader, tag);
        break;
      case 9:
        span.attributes.push(readKeyValue(reader, messageEnd(reader, tag), 0));
        break;
      case 10:
        span.droppedAttributesCount = readUint32(reader, tag);
        break;
      case 11:
        span.events.push(readEvent(reader, messageEnd(reader, tag)));
        break;
      case 12:
        span.droppedEventsCount = readUint32(reader, tag);
        break;
      case 13:
        span.links.push(readLink(reader, messageEnd(reader, tag)));
        break;
      case 14:
        span.droppedLinksCount = readUint32(reader, tag);
        break;
      case 15:
        span.status = readStatus(reader, messageEnd(reader, tag));
        break;
      case 16:
        span.flags = readUint32(reader, tag);
        break;
      default:
        reader.skipType(tag & 7);
    }
  }
  checkEnd(reader, end);
  return span;
}

function readEvent(reader: Reader, end: number): OtlpEvent {
  const event: OtlpEvent = {
    timeUnixNano: 0n,
    name: '',
    attributes: [],
    droppedAttributesCount: 0,
  };
  while (reader.pos < end) {
    const tag = reader.uint32();
    switch (tag >>> 3) {
      case 1:
        event.timeUnixNano = readFixed64(reader, tag);
        break;
      case 2:
        event.name = readString(reader, tag);
        break;
      case 3:
        event.attributes.push(readKeyValue(reader, messageEnd(reader, tag), 0));
        break;
      case 4:
        event.droppedAttributesCount = readUint32(reader, tag);
        break;
      default:
        reader.skipType(tag & 7);
    }
  }
  checkEnd(reader, end);
  return event;
}

function readLink(reader: Reader, end: number): OtlpLink {
  const link: OtlpLink = {
    traceId: '',
    spanId: '',
    traceState: '',
    attributes: [],
    droppedAttributesCount: 0,
    flags: 0,
  };
  while (reader.pos < end) {
    const tag = reader.uint32();
    switch (tag >>> 3) {
      case 1:
        link.traceId = readHex(reader, tag);
        break;
      case 2:
        link.spanId = readHex(reader, tag);
        break;
      case 3:
        link.traceState = readString(reader, tag);
        break;
      case 4:
        link.attributes.push(readKeyValue(reader, messageEnd(reader, tag), 0));
        break;
      case 5:
        link.droppedAttributesCount = readUint32(reader, tag);
        break;
      case 6:
        link.flags = readUint32(reader, tag);
        break;
      default:
        reader.skipType(tag & 7);
    }
  }
  checkEnd(reader, end);
  return link;
}

function readStatus(reader: Reader, end: number): { code: number; message: string } {
  const status = { code: 0, message: '' };
  while (reader.pos < end) {
    const tag = reader.uint32();
    switch (tag >>> 3) {
      case 2:
        status.message = readString(reader, tag);
        break;
      case 3:
        expectWire(tag, VARINT);
        status.code = reader.int32();
        break;
      default:
        reader.skipType(tag & 7);
    }
  }
  checkEnd(reader, end);
  return status;
}

function readKeyValue(reader: Reader, end: number, depth: number): OtlpKeyValue {
  let key = '';
  let value: AttributeValue = null;
  while (reader.pos < end) {
    const tag = reader.uint32();
    switch (tag >>> 3) {
      case 1:
        key = readString(reader, tag);
        break;
      case 2:
        value = readAnyValue(reader, messageEnd(reader, tag), depth + 1);
        break;
      default:
        reader.skipType(tag & 7);
    }
  }
  checkEnd(reader, end);
  return { key, value };
}

/** AnyValue: a oneof; when a value repeats its field, the last one wins (protobuf semantics). */
function readAnyValue(reader: Reader, end: number, depth: number): AttributeValue {
  if (depth > MAX_VALUE_DEPTH)
    throw new WireError(`attribute values nest deeper than ${MAX_VALUE_DEPTH} levels`);
  let value: AttributeValue = null;
  while (reader.pos < end) {
    const tag = reader.uint32();
    switch (tag >>> 3) {
      case 1:
        value = readString(reader, tag);
        break;
      case 2:
        expectWire(tag, VARINT);
        value = reader.bool();
        break;
      case 3:
        expectWire(tag, VARINT);
        value = readInt64(reader);
        break;
      case 4:
        expectWire(tag, FIXED64);
        value = reader.double();
        break;
      case 5: {
        const arrayEnd = messageEnd(reader, tag);
        const values: AttributeValue[] = [];
        while (reader.pos < arrayEnd) {
          const inner = reader.uint32();
          if (inner >>> 3 === 1)
            values.push(readAnyValue(reader, messageEnd(reader, inner), depth + 1));
          else reader.skipType(inner & 7);
        }
        checkEnd(reader, arrayEnd);
        value = values;
        break;
      }
      case 6: {
        const listEnd = messageEnd(reader, tag);
        const object: Record<string, AttributeValue> = {};
        while (reader.pos < listEnd) {
          const inner = reader.uint32();
          if (inner >>> 3 === 1) {
            const kv = readKeyValue(reader, messageEnd(reader, inner), depth + 1);
            // defineProperty: a key such as "__proto__" must stay a plain key.
            Object.defineProperty(object, kv.key, {
              value: kv.value,
              enumerable: true,
              writable: true,
              configurable: true,
            });
          } else reader.skipType(inner & 7);
        }
        checkEnd(reader, listEnd);
        value = object;
        break;
      }
      case 7: {
        const bytesEnd = messageEnd(reader, tag);
        value = (reader.buf as Buffer).toString('base64', reader.pos, bytesEnd);
        reader.pos = bytesEnd;
        break;
      }
      default:
        reader.skipType(tag & 7);
    }
  }
  checkEnd(reader, end);
  return value;
}

/** int64 attribute values become numbers when exact, otherwise decimal strings. */
function readInt64(reader: Reader): number | string {
  const long = reader.int64() as unknown as { low: number; high: number } | number;
  if (typeof long === 'number') return long;
  const big = BigInt.asIntN(64, (BigInt(long.high >>> 0) << 32n) | BigInt(long.low >>> 0));
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(big)
    : big.toString();
}
