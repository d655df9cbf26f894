/**
 * OTLP/JSON → `OtlpExportRequest`.
 *
 * Follows the OTLP/JSON encoding: lowerCamelCase field names (snake_case is accepted too, as
 * protobuf JSON parsers do), trace and span ids as hex strings (base64 is accepted as a
 * fallback), 64-bit integers as decimal strings or numbers, enums as integers or names.
 * Structural errors name the path of the offending field.
 */
import { OtlpDecodeError } from './otlp-decode-error.js';
import type {
  AttributeValue,
  OtlpEvent,
  OtlpExportRequest,
  OtlpKeyValue,
  OtlpLink,
  OtlpSpan,
} from './otlp-types.js';
import { MAX_VALUE_DEPTH } from './value-depth.js';

type Json = Record<string, unknown>;

/** Protobuf JSON allows either spelling of a field name. */
function field(obj: Json, camel: string, snake: string): unknown {
  const value = obj[camel];
  return value === undefined ? obj[snake] : value;
}

export function decodeJsonExportRequest(body: Buffer | string): OtlpExportRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch (error) {
    throw new OtlpDecodeError(`Request body is not valid JSON: ${(error as Error).message}`);
  }
  const root = asObject(parsed, '$');
  const resourceSpans = asArray(field(root, 'resourceSpans', 'resource_spans'), 'resourceSpans');
  return {
    resourceSpans: resourceSpans.map((rsRaw, i) => {
      const path = `resourceSpans[${i}]`;
      const rs = asObject(rsRaw, path);
      const resource = optionalObject(rs.resource, `${path}.resource`);
      const scopeSpans = asArray(field(rs, 'scopeSpans', 'scope_spans'), `${path}.scopeSpans`);
      return {
        resourceAttributes: decodeKeyValues(resource?.attributes, `${path}.resource.attributes`),
        schemaUrl: asString(field(rs, 'schemaUrl', 'schema_url'), `${path}.schemaUrl`),
        scopeSpans: scopeSpans.map((ssRaw, j) => {
          const ssPath = `${path}.scopeSpans[${j}]`;
          const ss = asObject(ssRaw, ssPath);
          const scope = optionalObject(ss.scope, `${ssPath}.scope`);
          return {
            scope: {
              name: asString(scope?.name, `${ssPath}.scope.name`),
              version: asString(scope?.version, `${ssPath}.scope.version`),
              attributes: decodeKeyValues(scope?.attributes, `${ssPath}.scope.attributes`),
            },
            schemaUrl: asString(field(ss, 'schemaUrl', 'schema_url'), `${ssPath}.schemaUrl`),
            spans: asArray(ss.spans, `${ssPath}.spans`).map((s, k) =>
              decodeSpan(s, `${ssPath}.spans[${k}]`),
            ),
          };
        }),
      };
    }),
  };
}

function decodeSpan(raw: unknown, path: string): OtlpSpan {
  const span = asObject(raw, path);
  const status = optionalObject(span.status, `${path}.status`);
  return {
    traceId: decodeId(field(span, 'traceId', 'trace_id'), `${path}.traceId`),
    spanId: decodeId(field(span, 'spanId', 'span_id'), `${path}.spanId`),
    parentSpanId: decodeId(field(span, 'parentSpanId', 'parent_span_id'), `${path}.parentSpanId`),
    traceState: asString(field(span, 'traceState', 'trace_state'), `${path}.traceState`),
    name: asString(span.name, `${path}.name`),
    kind: decodeEnum(span.kind, SPAN_KIND_NAMES, `${path}.kind`),
    startTimeUnixNano: decodeUint64(
      field(span, 'startTimeUnixNano', 'start_time_unix_nano'),
      `${path}.startTimeUnixNano`,
    ),
    endTimeUnixNano: decodeUint64(
      field(span, 'endTimeUnixNano', 'end_time_unix_nano'),
      `${path}.endTimeUnixNano`,
    ),
    attributes: decodeKeyValues(span.attributes, `${path}.attributes`),
    droppedAttributesCount: decodeCount(
      field(span, 'droppedAttributesCount', 'dropped_attributes_count'),
      `${path}.droppedAttributesCount`,
    ),
    events: optionalArray(span.events, `${path}.events`).map((e, i) =>
      decodeEvent(e, `${path}.events[${i}]`),
    ),
    droppedEventsCount: decodeCount(
      field(span, 'droppedEventsCount', 'dropped_events_count'),
      `${path}.droppedEventsCount`,
    ),
    links: optionalArray(span.links, `${path}.links`).map((l, i) =>
      decodeLink(l, `${path}.links[${i}]`),
    ),
    droppedLinksCount: decodeCount(
      field(span, 'droppedLinksCount', 'dropped_links_count'),
      `${path}.droppedLinksCount`,
    ),
    status: {
      code: status ? decodeEnum(status.code, STATUS_CODE_NAMES, `${path}.status.code`) : 0,
      message: asString(status?.message, `${path}.status.message`),
    },
    flags: decodeCount(span.flags, `${path}.flags`),
  };
}

function decodeEvent(raw: unknown, path: string): OtlpEvent {
  const event = asObject(raw, path);
  return {
    timeUnixNano: decodeUint64(
      field(event, 'timeUnixNano', 'time_unix_nano'),
      `${path}.timeUnixNano`,
    ),
    name: asString(event.name, `${path}.name`),
    attributes: decodeKeyValues(event.attributes, `${path}.attributes`),
    droppedAttributesCount: decodeCount(
      field(event, 'droppedAttributesCount', 'dropped_attributes_count'),
      `${path}.droppedAttributesCount`,
    ),
  };
}

function decodeLink(raw: unknown, path: string): OtlpLink {
  const link = asObject(raw, path);
  return {
    traceId: decodeId(field(link, 'traceId', 'trace_id'), `${path}.traceId`),
    spanId: decodeId(field(link, 'spanId', 'span_id'), `${path}.spanId`),
    traceState: asString(field(link, 'traceState', 'trace_state'), `${path}.traceState`),
    attributes: decodeKeyValues(link.attributes, `${path}.attributes`),
    droppedAttributesCount: decodeCount(
      field(link, 'droppedAttributesCount', 'dropped_attributes_count'),
      `${path}.droppedAttributesCount`,
    ),
    flags: decodeCount(link.flags, `${path}.flags`),
  };
}

function decodeKeyValues(raw: unknown, path: string, depth = 0): OtlpKeyValue[] {
  return optionalArray(raw, path).map((kvRaw, i) => {
    const kv = asObject(kvRaw, `${path}[${i}]`);
    return {
      key: asString(kv.key, `${path}[${i}].key`),
      value: decodeAnyValue(kv.value, `${path}[${i}].value`, depth),
    };
  });
}

function decodeAnyValue(raw: unknown, path: string, depth = 0): AttributeValue {
  if (raw == null) return null;
  if (depth > MAX_VALUE_DEPTH) {
    throw new OtlpDecodeError(
      `${path}: attribute values nest deeper than ${MAX_VALUE_DEPTH} levels`,
    );
  }
  const value = asObject(raw, path);
  let v: unknown;
  if ((v = field(value, 'stringValue', 'string_value')) !== undefined) return asString(v, path);
  if ((v = field(value, 'boolValue', 'bool_value')) !== undefined) {
    if (typeof v !== 'boolean') throw new OtlpDecodeError(`${path}.boolValue: expected a boolean`);
    return v;
  }
  if ((v = field(value, 'intValue', 'int_value')) !== undefined) return decodeInt64(v, path);
  if ((v = field(value, 'doubleValue', 'double_value')) !== undefined) {
    if (typeof v === 'number') return v;
    // Protobuf JSON spells non-finite doubles as strings.
    if (v === 'NaN' || v === 'Infinity' || v === '-Infinity' || typeof v === 'string') {
      const n = Number(v);
      if (!Number.isNaN(n) || v === 'NaN') return n;
    }
    throw new OtlpDecodeError(`${path}.doubleValue: expected a number`);
  }
  if ((v = field(value, 'arrayValue', 'array_value')) !== undefined) {
    const arr = asObject(v, `${path}.arrayValue`);
    return optionalArray(arr.values, `${path}.arrayValue.values`).map((x, i) =>
      decodeAnyValue(x, `${path}.arrayValue.values[${i}]`, depth + 1),
    );
  }
  if ((v = field(value, 'kvlistValue', 'kvlist_value')) !== undefined) {
    const list = asObject(v, `${path}.kvlistValue`);
    const obj: Record<string, AttributeValue> = {};
    for (const kv of decodeKeyValues(list.values, `${path}.kvlistValue.values`, depth + 1))
      obj[kv.key] = kv.value;
    return obj;
  }
  if ((v = field(value, 'bytesValue', 'bytes_value')) !== undefined) return asString(v, path);
  return null;
}

const HEX_ID = /^[0-9a-fA-F]*$/;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/**
 * Ids are hex in OTLP/JSON. Some encoders (generic protobuf JSON) send base64; those are
 * accepted when they decode to the usual 8 or 16 bytes. The length itself is validated later,
 * per span, so one bad id rejects that span only.
 */
function decodeId(raw: unknown, path: string): string {
  if (raw == null || raw === '') return '';
  if (typeof raw !== 'string') throw new OtlpDecodeError(`${path}: expected a hex string`);
  if (HEX_ID.test(raw) && (raw.length === 32 || raw.length === 16)) return raw.toLowerCase();
  if (BASE64.test(raw)) {
    const bytes = Buffer.from(raw, 'base64');
    if (bytes.length === 16 || bytes.length === 8) return bytes.toString('hex');
  }
  if (HEX_ID.test(raw)) return raw.toLowerCase();
  throw new OtlpDecodeError(`${path}: "${raw.slice(0, 40)}" is not a hex id`);
}

const DECIMAL = /^[0-9]+$/;
const SIGNED_DECIMAL = /^-?[0-9]+$/;

function decodeUint64(raw: unknown, path: string): bigint {
  if (raw == null) return 0n;
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0) return BigInt(raw);
  if (typeof raw === 'string' && DECIMAL.test(raw)) {
    const value = BigInt(raw);
    if (value < 2n ** 64n) return value;
  }
  throw new OtlpDecodeError(
    `${path}: expected an unsigned 64-bit integer (decimal string or number)`,
  );
}

function decodeInt64(raw: unknown, path: string): number | string {
  if (typeof raw === 'number' && Number.isInteger(raw)) return raw;
  if (typeof raw === 'string' && SIGNED_DECIMAL.test(raw)) {
    const value = BigInt(raw);
    if (value < -(2n ** 63n) || value >= 2n ** 63n) {
      throw new OtlpDecodeError(`${path}.intValue: out of the int64 range`);
    }
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : raw;
  }
  throw new OtlpDecodeError(`${path}.intValue: expected an integer (decimal string or number)`);
}

function decodeCount(raw: unknown, path: string): number {
  if (raw == null) return 0;
  const n = typeof raw === 'string' && DECIMAL.test(raw) ? Number(raw) : raw;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 0xffffffff) return n;
  throw new OtlpDecodeError(`${path}: expected an unsigned 32-bit integer`);
}

const SPAN_KIND_NAMES: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const STATUS_CODE_NAMES: Record<string, number> = {
  STATUS_CODE_UNSET: 0,
  STATUS_CODE_OK: 1,
  STATUS_CODE_ERROR: 2,
};

function decodeEnum(raw: unknown, names: Record<string, number>, path: string): number {
  if (raw == null) return 0;
  if (typeof raw === 'number' && Number.isInteger(raw)) return raw;
  if (typeof raw === 'string') {
    const known = names[raw];
    if (known !== undefined) return known;
    if (SIGNED_DECIMAL.test(raw)) return Number(raw);
  }
  throw new OtlpDecodeError(
    `${path}: expected one of ${Object.keys(names).join(', ')} or an integer`,
  );
}

function asObject(raw: unknown, path: string): Json {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new OtlpDecodeError(`${path}: expected an object`);
  }
  return raw as Json;
}

function optionalObject(raw: unknown, path: string): Json | undefined {
  return raw == null ? undefined : asObject(raw, path);
}

function asArray(raw: unknown, path: string): unknown[] {
  if (raw == null) return [];
  if (!Array.isArray(raw)) throw new OtlpDecodeError(`${path}: expected an array`);
  return raw;
}

const optionalArray = asArray;

function asString(raw: unknown, path: string): string {
  if (raw == null) return '';
  if (typeof raw !== 'string') throw new OtlpDecodeError(`${path}: expected a string`);
  return raw;
}
