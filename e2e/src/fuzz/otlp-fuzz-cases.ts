/**
 * Fuzz inputs for Heron's surfaces: OTLP export bodies (protobuf built by hand so any byte can be
 * wrong, mutations of valid bodies, JSON oddities), filter expressions and REST parameters.
 * Every case carries the span keys it contains, so the campaign can check that nothing of a
 * rejected request was stored and that valid spans of a partly invalid request were.
 */
import type { SeededRandom } from '../support/seeded-random.js';

export interface ExportCase {
  name: string;
  encoding: 'protobuf' | 'json';
  body: Buffer;
  /** Keys ("trace/span") of well-formed spans: stored exactly when the request is accepted. */
  validKeys: string[];
  /** Keys of spans that must never be stored (invalid ids, times). */
  invalidKeys: string[];
  /** False when the bytes were mutated: what is in them is then unknown. */
  exact: boolean;
}

// --- a minimal protobuf writer, so bodies can hold anything ----------------------------------

function varint(value: bigint): Buffer {
  const out: number[] = [];
  let v = value;
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return Buffer.from(out);
}

function tag(field: number, wireType: number): Buffer {
  return varint(BigInt((field << 3) | wireType));
}

function lenField(field: number, bytes: Buffer): Buffer {
  return Buffer.concat([tag(field, 2), varint(BigInt(bytes.length)), bytes]);
}

function fixed64(field: number, value: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt.asUintN(64, value));
  return Buffer.concat([tag(field, 1), b]);
}

function stringValue(text: Buffer): Buffer {
  return lenField(1, text); // AnyValue.string_value
}

/** AnyValue nested `depth` levels deep in array_value. */
function deepArray(depth: number): Buffer {
  let value = stringValue(Buffer.from('bottom'));
  for (let i = 0; i < depth; i++) value = lenField(5, lenField(1, value));
  return value;
}

function keyValue(key: Buffer, anyValue: Buffer): Buffer {
  return Buffer.concat([lenField(1, key), lenField(2, anyValue)]);
}

interface RawSpan {
  traceId: Buffer;
  spanId: Buffer;
  parentSpanId?: Buffer;
  name: Buffer;
  start: bigint;
  end: bigint;
  attributes: Buffer[];
}

function encodeSpan(span: RawSpan): Buffer {
  const parts = [lenField(1, span.traceId), lenField(2, span.spanId)];
  if (span.parentSpanId) parts.push(lenField(4, span.parentSpanId));
  parts.push(lenField(5, span.name), fixed64(7, span.start), fixed64(8, span.end));
  for (const attribute of span.attributes) parts.push(lenField(9, attribute));
  return Buffer.concat(parts);
}

function encodeRequest(spans: RawSpan[]): Buffer {
  const scopeSpans = Buffer.concat(spans.map((s) => lenField(2, encodeSpan(s))));
  const resource = lenField(
    1,
    keyValue(Buffer.from('service.name'), stringValue(Buffer.from('fuzz'))),
  );
  return lenField(1, Buffer.concat([lenField(1, resource), lenField(2, scopeSpans)]));
}

const NOW_NS = BigInt(Date.now()) * 1_000_000n;
const INVALID_UTF8 = Buffer.from([0x66, 0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80, 0x7a]);

function keyOf(span: RawSpan): string {
  return `${span.traceId.toString('hex')}/${span.spanId.toString('hex')}`;
}

/** A span that Heron must store, with random oddities that are still legal. */
function validSpan(random: SeededRandom, traceId: Buffer): RawSpan {
  const start = random.pick([
    NOW_NS,
    1n, // 1970
    NOW_NS + 50n * 365n * 86_400n * 1_000_000_000n, // 50 years ahead
    BigInt(random.int(1, 2 ** 31)) * 1_000_000_000n,
  ]);
  const attributes: Buffer[] = [];
  const n = random.int(0, 4);
  for (let i = 0; i < n; i++) {
    const kind = random.int(0, 3);
    const value =
      kind === 0
        ? stringValue(INVALID_UTF8)
        : kind === 1
          ? deepArray(random.int(1, 200))
          : kind === 2
            ? stringValue(Buffer.from('x'.repeat(random.int(0, 5000))))
            : Buffer.concat([tag(3, 0), varint(BigInt(random.int(0, 2 ** 31)))]);
    attributes.push(
      keyValue(random.chance(0.2) ? INVALID_UTF8 : Buffer.from(`fuzz.attr${i}`), value),
    );
  }
  return {
    traceId,
    spanId: nonZero(random, 8),
    name: random.chance(0.3) ? INVALID_UTF8 : Buffer.from(`span-${random.int(0, 1e6)}`),
    start,
    end: start + BigInt(random.int(0, 1e9)),
    attributes,
  };
}

function nonZero(random: SeededRandom, n: number): Buffer {
  const b = random.bytes(n);
  b[0] = b[0]! | 1;
  return b;
}

/** A span Heron must reject (and say why in the partial success). */
function invalidSpan(random: SeededRandom, traceId: Buffer): RawSpan {
  const span = validSpan(random, traceId);
  switch (random.int(0, 4)) {
    case 0:
      return { ...span, traceId: random.bytes(random.pick([0, 4, 15, 17, 32])) };
    case 1:
      return { ...span, spanId: random.bytes(random.pick([0, 7, 9, 16])) };
    case 2:
      return { ...span, spanId: Buffer.alloc(8) }; // all zeros
    case 3:
      return { ...span, start: 0n, end: 0n };
    default:
      return { ...span, end: span.start - 1n };
  }
}

/** A hand-built protobuf request: some valid spans, maybe some invalid ones. */
export function protobufCase(random: SeededRandom): ExportCase {
  const traceId = nonZero(random, 16);
  const valid = Array.from({ length: random.int(0, 6) }, () => validSpan(random, traceId));
  const invalid = random.chance(0.5)
    ? Array.from({ length: random.int(1, 3) }, () => invalidSpan(random, traceId))
    : [];
  const spans = [...valid, ...invalid];
  for (let i = spans.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [spans[i], spans[j]] = [spans[j]!, spans[i]!];
  }
  return {
    name: `protobuf: ${valid.length} valid + ${invalid.length} invalid spans`,
    encoding: 'protobuf',
    body: encodeRequest(spans),
    validKeys: valid.map(keyOf),
    // An invalid span's trace/span ids may not even be the right length; only well-sized keys
    // can be looked up.
    invalidKeys: invalid.filter((s) => s.traceId.length === 16 && s.spanId.length === 8).map(keyOf),
    exact: true,
  };
}

/** A valid protobuf body damaged: truncated, bytes flipped, wire types changed, huge lengths. */
export function mutatedProtobufCase(random: SeededRandom): ExportCase {
  const base = protobufCase(random);
  let body = Buffer.from(base.body);
  const kind = random.int(0, 4);
  const at = random.int(0, Math.max(0, body.length - 1));
  let what: string;
  if (kind === 0) {
    body = body.subarray(0, at);
    what = `truncated at ${at}`;
  } else if (kind === 1) {
    for (let i = 0; i < random.int(1, 8); i++) {
      const p = random.int(0, Math.max(0, body.length - 1));
      body[p] = random.int(0, 255);
    }
    what = 'bytes flipped';
  } else if (kind === 2) {
    body[at] = (body[at]! & 0xf8) | random.int(3, 7); // a wire type that does not fit
    what = `wire type changed at ${at}`;
  } else if (kind === 3) {
    const huge = Buffer.concat([
      tag(1, 2),
      varint(BigInt(random.pick([2 ** 31, 2 ** 32 - 1, 2 ** 53]))),
    ]);
    body = Buffer.concat([body.subarray(0, at), huge, body.subarray(at)]);
    what = `huge length inserted at ${at}`;
  } else {
    body = Buffer.concat([body, random.bytes(random.int(1, 64))]);
    what = 'random bytes appended';
  }
  return { ...base, name: `${base.name}, ${what}`, body, exact: false };
}

function hex(b: Buffer): string {
  return b.toString('hex');
}

/** OTLP/JSON oddities: deep nesting, wrong types, invalid UTF-8, huge or negative timestamps. */
export function jsonCase(random: SeededRandom): ExportCase {
  const traceId = hex(nonZero(random, 16));
  const spanId = hex(nonZero(random, 8));
  const key = `${traceId}/${spanId}`;
  const span: Record<string, unknown> = {
    traceId,
    spanId,
    name: 'json-fuzz',
    startTimeUnixNano: String(NOW_NS),
    endTimeUnixNano: String(NOW_NS + 1000n),
  };
  const kind = random.int(0, 7);
  let text: string | Buffer;
  let name: string;
  let stored: boolean | undefined; // undefined: either answer is acceptable
  const request = () => ({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] });
  switch (kind) {
    case 0: {
      // Deeper than SQLite's JSON depth limit (1000) is a known open bug, kept out of the
      // campaign and pinned by the `todo` test in otlp-fuzz.test.ts.
      const depth = random.pick([100, 900, 100_000]);
      text = JSON.stringify(request()).replace(
        '"name":"json-fuzz"',
        `"name":"json-fuzz","attributes":[{"key":"deep","value":${'{"arrayValue":{"values":['.repeat(depth)}{"stringValue":"x"}${']}}'.repeat(depth)}}]`,
      );
      name = `attribute nested ${depth} deep`;
      stored = depth <= 100 ? true : undefined;
      break;
    }
    case 1:
      text = Buffer.concat([Buffer.from(JSON.stringify(request()).slice(0, -10)), INVALID_UTF8]);
      name = 'truncated, invalid UTF-8 at the end';
      stored = false;
      break;
    case 2:
      span['startTimeUnixNano'] = random.pick(['99999999999999999999999', '-5', 'soon', 1e300]);
      name = `start time ${String(span['startTimeUnixNano'])}`;
      text = JSON.stringify(request());
      stored = undefined;
      break;
    case 3:
      span['spanId'] = random.pick(['', 'abc', hex(random.bytes(9)), 'zz'.repeat(8), 12345]);
      name = `span id ${JSON.stringify(span['spanId'])}`;
      text = JSON.stringify(request());
      stored = false;
      break;
    case 4:
      span['attributes'] = random.pick([
        'not a list',
        [{ key: 5, value: { intValue: 'x' } }],
        [{ key: 'k', value: { boolValue: 'yes' } }],
        [null],
      ]);
      name = `attributes ${JSON.stringify(span['attributes'])}`;
      text = JSON.stringify(request());
      stored = undefined;
      break;
    case 5:
      text = Buffer.from(JSON.stringify(request()).replace('json-fuzz', '\udcff\ud800'), 'utf8');
      name = 'lone surrogates in the name';
      stored = true;
      break;
    case 6:
      text = JSON.stringify({ resourceSpans: random.pick([5, 'x', [[]], [{ scopeSpans: {} }]]) });
      name = 'resourceSpans of the wrong type';
      stored = false;
      break;
    default:
      text = random.bytes(random.int(0, 200));
      name = 'random bytes as JSON';
      stored = false;
  }
  return {
    name: `json: ${name}`,
    encoding: 'json',
    body: Buffer.isBuffer(text) ? text : Buffer.from(text),
    validKeys: stored === true ? [key] : [],
    invalidKeys: stored === false ? [key] : [],
    exact: stored !== undefined,
  };
}

// --- filters and REST parameters -----------------------------------------------------------

const FILTER_ATOMS = [
  'span_kind',
  "span_kind == 'LLM'",
  'latency_ms > 10',
  "attributes['llm.model_name']",
  "'x' in input.value",
  'not',
  'and',
  'or',
  '(',
  ')',
  '==',
  '!=',
  '>=',
  '"unterminated',
  "'\\'",
  '1e309',
  '-0',
  '[]',
  '{}',
  '\u0000',
  '\ud800',
  'evals["q"].score',
  'annotations["x"].label',
  ';DROP TABLE spans;--',
  'cumulative_token_count.total',
  "metadata['a']['b']",
  '…',
];

export function filterExpression(random: SeededRandom): string {
  const parts: string[] = [];
  for (let i = 0; i < random.int(1, 12); i++) parts.push(random.pick(FILTER_ATOMS));
  if (random.chance(0.1)) return '('.repeat(random.int(50, 3000)) + 'x' + ')'.repeat(50);
  return parts.join(random.pick([' ', '', '  ']));
}

const PARAM_VALUES = [
  '-1',
  '0',
  '1',
  '99999999999999999999',
  'NaN',
  'abc',
  '',
  '%00',
  '2024-13-45T99:99:99Z',
  '9999-12-31T23:59:59Z',
  '1970-01-01T00:00:00Z',
  'UHJvamVjdDox',
  'U3BhbjotMQ==',
  '%E2%80%AE',
  '%C0%AF',
  'x'.repeat(5000),
];

const PATHS = [
  '/v1/projects',
  '/v1/projects/{p}',
  '/v1/projects/{p}/spans',
  '/v1/projects/{p}/traces',
  '/v1/projects/{p}/sessions',
  '/v1/projects/{p}/spans/otlpv1',
  '/v1/spans/{p}',
  '/v1/traces/{p}',
  '/v1/sessions/{p}',
  '/v1/projects/{p}/metrics',
];

const PARAMS = [
  'limit',
  'cursor',
  'start_time',
  'end_time',
  'filter',
  'sort',
  'order',
  'q',
  'name',
  'status_code',
  'attribute',
  'span_kind',
];

/** A GET URL path+query with random parameters. */
export function restRequest(random: SeededRandom, projects: string[]): string {
  const project = random.chance(0.7)
    ? random.pick(projects)
    : encodeQueryValue(random.pick(PARAM_VALUES.map(decodeURIComponentSafe)));
  const path = random.pick(PATHS).replace('{p}', project);
  const query: string[] = [];
  for (let i = 0; i < random.int(0, 4); i++) {
    const value = random.chance(0.3)
      ? encodeQueryValue(filterExpression(random))
      : random.pick(PARAM_VALUES);
    query.push(`${random.pick(PARAMS)}=${value}`);
  }
  return query.length > 0 ? `${path}?${query.join('&')}` : path;
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** encodeURIComponent, with lone surrogates (which it refuses) replaced by U+FFFD first. */
export function encodeQueryValue(value: string): string {
  return encodeURIComponent(value.replace(/[\ud800-\udfff]/g, '\ufffd'));
}
