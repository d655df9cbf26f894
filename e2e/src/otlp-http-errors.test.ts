/**
 * POST /v1/traces with raw requests: every 4xx path (415, 400, 413 including a gzip bomb), and
 * that after each one the server is healthy and stored nothing of the bad request; partial
 * success in both encodings; and the accepted variants of framing, compression, content type
 * and OTLP/JSON spelling. /v1/logs and /v1/metrics answer 200.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { spawnHeron, type HeronProcess } from '../../packages/server/dist/testing/spawn-heron.js';
import { listAllSpans, listSpans, type SpanJson } from './support/heron-api.js';
import {
  errorStatusOf,
  exportResponseOf,
  healthy,
  JSON_TYPE,
  mediaType,
  postChunked,
  postOtlp,
  PROTOBUF,
  type OtlpResponse,
} from './support/otlp-post.js';
import {
  jsonBody,
  nowNs,
  protobufBody,
  randomSpanId,
  randomTraceId,
  simpleTrace,
  spanKeys,
  type SpanSpec,
} from './support/synthetic-spans.js';

const MAX_REQUEST_BYTES = 64 * 1024;
const MAX_DECOMPRESSED_BYTES = 1024 * 1024;
const GRPC_INVALID_ARGUMENT = 3;

let heron: HeronProcess;

before(async () => {
  heron = await spawnHeron({
    env: {
      HERON_MAX_REQUEST_BYTES: String(MAX_REQUEST_BYTES),
      HERON_MAX_DECOMPRESSED_BYTES: String(MAX_DECOMPRESSED_BYTES),
    },
  });
});

after(async () => {
  await heron?.stop();
});

function storedKeys(spans: SpanJson[]): string[] {
  return spans.map((s) => `${s.context.trace_id}/${s.context.span_id}`).sort();
}

/**
 * Sends a bad request and checks the answer's status and error body, then that the server is
 * healthy and nothing of the request (nor anything else) was added.
 */
async function assertRejected(
  send: () => Promise<OtlpResponse>,
  status: number,
  messagePattern: RegExp,
  responseType: string,
  specs: SpanSpec[] = [],
): Promise<void> {
  const before = (await listAllSpans(heron.baseUrl)).length;
  const response = await send();
  assert.equal(response.status, status, response.body.toString('utf8').slice(0, 300));
  assert.equal(mediaType(response.headers.get('content-type')), responseType);
  const error = errorStatusOf(response);
  assert.match(error.message, messagePattern);
  if (status < 500) assert.equal(error.code, GRPC_INVALID_ARGUMENT);
  assert.ok(await healthy(heron.baseUrl), 'healthz answers after the bad request');
  const after = await listAllSpans(heron.baseUrl);
  assert.equal(after.length, before, 'no span was added');
  const stored = new Set(storedKeys(after));
  for (const key of spanKeys(specs)) assert.ok(!stored.has(key), `${key} must not be stored`);
}

async function assertStored(specs: SpanSpec[], project = 'default'): Promise<void> {
  const traceIds = [...new Set(specs.map((s) => s.traceId))];
  const stored = await listSpans(heron.baseUrl, project, { trace_id: traceIds });
  assert.deepEqual(storedKeys(stored), spanKeys(specs));
}

describe('415 Unsupported Media Type', () => {
  test('text/plain', async () => {
    const specs = simpleTrace(1);
    await assertRejected(
      () => postOtlp(heron.baseUrl, protobufBody(specs), { contentType: 'text/plain' }),
      415,
      /Content-Type.*text\/plain/,
      JSON_TYPE,
      specs,
    );
  });

  test('no Content-Type at all', async () => {
    const specs = simpleTrace(1);
    await assertRejected(
      () => postOtlp(heron.baseUrl, protobufBody(specs)),
      415,
      /Content-Type/,
      JSON_TYPE,
      specs,
    );
  });

  test('Content-Encoding br (protobuf)', async () => {
    const specs = simpleTrace(1);
    await assertRejected(
      () =>
        postOtlp(heron.baseUrl, protobufBody(specs), {
          contentType: PROTOBUF,
          contentEncoding: 'br',
        }),
      415,
      /Content-Encoding.*br/,
      PROTOBUF,
      specs,
    );
  });

  test('Content-Encoding br (JSON): the error body is JSON', async () => {
    const specs = simpleTrace(1);
    await assertRejected(
      () =>
        postOtlp(heron.baseUrl, jsonBody(specs), { contentType: JSON_TYPE, contentEncoding: 'br' }),
      415,
      /br/,
      JSON_TYPE,
      specs,
    );
  });
});

describe('400 Bad Request', () => {
  test('random bytes as protobuf', async () => {
    await assertRejected(
      () => postOtlp(heron.baseUrl, randomBytes(2048), { contentType: PROTOBUF }),
      400,
      /\S/,
      PROTOBUF,
    );
  });

  test('a protobuf varint that never ends', async () => {
    await assertRejected(
      () => postOtlp(heron.baseUrl, Buffer.alloc(64, 0xff), { contentType: PROTOBUF }),
      400,
      /\S/,
      PROTOBUF,
    );
  });

  test('truncated protobuf', async () => {
    const specs = simpleTrace(3, { 'input.value': 'x'.repeat(200) });
    const body = protobufBody(specs);
    await assertRejected(
      () => postOtlp(heron.baseUrl, body.subarray(0, body.length - 40), { contentType: PROTOBUF }),
      400,
      /\S/,
      PROTOBUF,
      specs,
    );
  });

  test('JSON syntax error', async () => {
    await assertRejected(
      () => postOtlp(heron.baseUrl, '{"resourceSpans": [', { contentType: JSON_TYPE }),
      400,
      /JSON/,
      JSON_TYPE,
    );
  });

  test('JSON of the wrong shape: resourceSpans is a number', async () => {
    await assertRejected(
      () => postOtlp(heron.baseUrl, '{"resourceSpans": 5}', { contentType: JSON_TYPE }),
      400,
      /resourceSpans/,
      JSON_TYPE,
    );
  });

  test('JSON of the wrong shape: a numeric traceId, with valid spans beside it', async () => {
    const specs = simpleTrace(1);
    const request = JSON.parse(jsonBody(specs).toString('utf8'));
    request.resourceSpans[0].scopeSpans[0].spans.push({
      traceId: 12,
      spanId: randomSpanId(),
      name: 'bad',
      startTimeUnixNano: '1',
      endTimeUnixNano: '2',
    });
    await assertRejected(
      () => postOtlp(heron.baseUrl, JSON.stringify(request), { contentType: JSON_TYPE }),
      400,
      /traceId/,
      JSON_TYPE,
      specs,
    );
  });

  test('gzip header but not gzip data', async () => {
    const specs = simpleTrace(1);
    await assertRejected(
      () =>
        postOtlp(heron.baseUrl, protobufBody(specs), {
          contentType: PROTOBUF,
          contentEncoding: 'gzip',
        }),
      400,
      /gzip/,
      PROTOBUF,
      specs,
    );
  });
});

describe('413 Content Too Large', () => {
  function largeTrace(): SpanSpec[] {
    return simpleTrace(40, { 'input.value': 'y'.repeat(3000) });
  }

  test('a body over HERON_MAX_REQUEST_BYTES', async () => {
    const specs = largeTrace();
    const body = protobufBody(specs);
    assert.ok(body.length > MAX_REQUEST_BYTES);
    await assertRejected(
      () => postOtlp(heron.baseUrl, body, { contentType: PROTOBUF }),
      413,
      /HERON_MAX_REQUEST_BYTES/,
      PROTOBUF,
      specs,
    );
  });

  test('a chunked body over HERON_MAX_REQUEST_BYTES', async () => {
    const specs = largeTrace();
    const body = protobufBody(specs);
    const pieces: Buffer[] = [];
    for (let i = 0; i < body.length; i += 8192) pieces.push(body.subarray(i, i + 8192));
    await assertRejected(
      async () => {
        const response = await postChunked(heron.baseUrl, pieces, { 'content-type': PROTOBUF });
        return {
          status: response.status,
          headers: new Headers(response.headers as Record<string, string>),
          body: response.body,
        };
      },
      413,
      /HERON_MAX_REQUEST_BYTES/,
      PROTOBUF,
      specs,
    );
  });

  test('a gzip bomb (50 MB of zeros) stops at HERON_MAX_DECOMPRESSED_BYTES in bounded memory', async () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024), { level: 9 });
    assert.ok(bomb.length < MAX_REQUEST_BYTES, `bomb is ${bomb.length} bytes`);
    const peakBefore = peakRssBytes(heron.child.pid!);
    await assertRejected(
      () => postOtlp(heron.baseUrl, bomb, { contentType: PROTOBUF, contentEncoding: 'gzip' }),
      413,
      /HERON_MAX_DECOMPRESSED_BYTES/,
      PROTOBUF,
    );
    const growth = peakRssBytes(heron.child.pid!) - peakBefore;
    assert.ok(growth < 40 * 1024 * 1024, `peak RSS grew by ${growth} bytes`);
  });

  test('a valid trace that decompresses past the limit is not stored', async () => {
    const specs = simpleTrace(1, { 'input.value': 'z'.repeat(2 * MAX_DECOMPRESSED_BYTES) });
    const body = gzipSync(jsonBody(specs));
    assert.ok(body.length < MAX_REQUEST_BYTES);
    await assertRejected(
      () => postOtlp(heron.baseUrl, body, { contentType: JSON_TYPE, contentEncoding: 'gzip' }),
      413,
      /HERON_MAX_DECOMPRESSED_BYTES/,
      JSON_TYPE,
      specs,
    );
  });
});

function peakRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  assert.ok(match, 'VmHWM in /proc status');
  return Number(match[1]) * 1024;
}

describe('partial success', () => {
  function mixedBatch(): { valid: SpanSpec[]; invalid: SpanSpec[] } {
    const valid = simpleTrace(1);
    const traceId = valid[0]!.traceId;
    const start = nowNs();
    const base = { name: 'invalid', startNs: start, endNs: start + 1_000n };
    const invalid: SpanSpec[] = [
      { ...base, traceId: 'abcd', spanId: randomSpanId() },
      { ...base, traceId, spanId: '0123456789' },
      { ...base, traceId, spanId: randomSpanId(), startNs: start, endNs: start - 1_000n },
      { ...base, traceId: '0'.repeat(32), spanId: randomSpanId() },
      { ...base, traceId, spanId: '0'.repeat(16) },
    ];
    return { valid, invalid };
  }

  for (const encoding of ['protobuf', 'json'] as const) {
    test(`${encoding}: invalid spans are counted and explained, valid ones stored`, async () => {
      const { valid, invalid } = mixedBatch();
      // Interleave, so the invalid spans are not simply a suffix.
      const specs = [
        invalid[0]!,
        valid[0]!,
        ...invalid.slice(1, 3),
        valid[1]!,
        ...invalid.slice(3),
      ];
      const contentType = encoding === 'protobuf' ? PROTOBUF : JSON_TYPE;
      const body = encoding === 'protobuf' ? protobufBody(specs) : jsonBody(specs);
      const response = await postOtlp(heron.baseUrl, body, { contentType });
      assert.equal(response.status, 200);
      assert.equal(mediaType(response.headers.get('content-type')), contentType);
      const partial = exportResponseOf(response, contentType);
      assert.ok(partial, 'partial_success present');
      assert.equal(partial.rejectedSpans, invalid.length);
      assert.match(partial.errorMessage, /trace_id/);
      assert.match(partial.errorMessage, /span_id/);
      assert.match(partial.errorMessage, /end_time/);
      assert.match(partial.errorMessage, /zero/);

      await assertStored(valid);
      const stored = new Set(storedKeys(await listAllSpans(heron.baseUrl)));
      for (const spec of invalid) {
        assert.ok(!stored.has(`${spec.traceId}/${spec.spanId}`), `${spec.spanId} not stored`);
      }
      // The valid trace's rollup knows nothing of the rejected spans that named it.
      const all = await listSpans(heron.baseUrl, 'default', { trace_id: valid[0]!.traceId });
      assert.equal(all.length, 2);
    });
  }

  test('a request whose every span is invalid: 200 with all of them rejected', async () => {
    const { invalid } = mixedBatch();
    const response = await postOtlp(heron.baseUrl, protobufBody(invalid), {
      contentType: PROTOBUF,
    });
    assert.equal(response.status, 200);
    assert.equal(exportResponseOf(response, PROTOBUF)?.rejectedSpans, invalid.length);
  });

  test('a fully valid request answers an empty ExportTraceServiceResponse', async () => {
    const specs = simpleTrace(1);
    const proto = await postOtlp(heron.baseUrl, protobufBody(specs), { contentType: PROTOBUF });
    assert.equal(proto.status, 200);
    assert.equal(exportResponseOf(proto, PROTOBUF), null);
    const specs2 = simpleTrace(1);
    const json = await postOtlp(heron.baseUrl, jsonBody(specs2), { contentType: JSON_TYPE });
    assert.equal(json.status, 200);
    assert.equal(exportResponseOf(json, JSON_TYPE), null);
    await assertStored([...specs, ...specs2]);
  });
});

describe('accepted variants', () => {
  async function assertAccepted(
    specs: SpanSpec[],
    send: () => Promise<{ status: number; contentType: string | null }>,
    responseType: string,
  ) {
    const response = await send();
    assert.equal(response.status, 200);
    assert.equal(mediaType(response.contentType), responseType);
    await assertStored(specs);
  }

  async function post(body: Uint8Array | string, contentType: string, contentEncoding?: string) {
    const response = await postOtlp(heron.baseUrl, body, { contentType, contentEncoding });
    assert.equal(response.status, 200, response.body.toString('utf8'));
    return { status: response.status, contentType: response.headers.get('content-type') };
  }

  test('application/x-protobuf; charset=utf-8', async () => {
    const specs = simpleTrace(2);
    await assertAccepted(
      specs,
      () => post(protobufBody(specs), 'application/x-protobuf; charset=utf-8'),
      PROTOBUF,
    );
  });

  test('application/json; charset=utf-8', async () => {
    const specs = simpleTrace(2);
    await assertAccepted(
      specs,
      () => post(jsonBody(specs), 'application/json; charset=utf-8'),
      JSON_TYPE,
    );
  });

  test('gzip', async () => {
    const specs = simpleTrace(2);
    await assertAccepted(
      specs,
      () => post(gzipSync(protobufBody(specs)), PROTOBUF, 'gzip'),
      PROTOBUF,
    );
  });

  test('deflate (zlib) and raw deflate', async () => {
    const specs = simpleTrace(2);
    await assertAccepted(
      specs,
      () => post(deflateSync(protobufBody(specs)), PROTOBUF, 'deflate'),
      PROTOBUF,
    );
    const raw = simpleTrace(2);
    await assertAccepted(
      raw,
      () => post(deflateRawSync(jsonBody(raw)), JSON_TYPE, 'deflate'),
      JSON_TYPE,
    );
  });

  for (const [label, encode, contentEncoding] of [
    ['protobuf', (s: SpanSpec[]) => protobufBody(s), undefined],
    ['gzip JSON', (s: SpanSpec[]) => gzipSync(jsonBody(s)), 'gzip'],
  ] as const) {
    test(`chunked without Content-Length (${label})`, async () => {
      const specs = simpleTrace(5, { 'input.value': 'c'.repeat(500) });
      const body = encode(specs);
      const pieces: Buffer[] = [];
      for (let i = 0; i < body.length; i += 97) pieces.push(body.subarray(i, i + 97));
      const contentType = label === 'protobuf' ? PROTOBUF : JSON_TYPE;
      const headers: Record<string, string> = { 'content-type': contentType };
      if (contentEncoding) headers['content-encoding'] = contentEncoding;
      await assertAccepted(
        specs,
        async () => {
          const response = await postChunked(heron.baseUrl, pieces, headers);
          return {
            status: response.status,
            contentType: (response.headers['content-type'] as string | undefined) ?? null,
          };
        },
        contentType,
      );
    });
  }

  test('OTLP/JSON: int64 as number and as string, enums as names, snake_case', async () => {
    const traceId = randomTraceId();
    const rootId = randomSpanId();
    const childId = randomSpanId();
    // 1700000000000000256 is exactly representable as a double, so a JSON number carries it.
    const body = `{"resourceSpans":[{"resource":{"attributes":[
        {"key":"service.name","value":{"stringValue":"json-variants"}}]},
      "scopeSpans":[{"scope":{"name":"hand-written","version":"9"},"spans":[
        {"traceId":"${traceId}","spanId":"${rootId}","name":"root",
         "kind":"SPAN_KIND_SERVER",
         "startTimeUnixNano":1700000000000000256,"endTimeUnixNano":"1700000000987654321",
         "attributes":[
           {"key":"as.number","value":{"intValue":7}},
           {"key":"as.string","value":{"intValue":"42"}},
           {"key":"negative","value":{"intValue":"-5"}},
           {"key":"openinference.span.kind","value":{"stringValue":"chain"}}],
         "events":[{"name":"ev","timeUnixNano":1700000000000000512,
           "attributes":[{"key":"k","value":{"stringValue":"v"}}]}],
         "status":{"code":"STATUS_CODE_OK"}},
        {"trace_id":"${traceId.toUpperCase()}","span_id":"${childId}",
         "parent_span_id":"${rootId}","name":"child","kind":3,
         "start_time_unix_nano":"1700000000100000001","end_time_unix_nano":"1700000000200000002",
         "status":{"code":"STATUS_CODE_ERROR","message":"bad"}}
      ]}]}]}`;
    const response = await postOtlp(heron.baseUrl, body, { contentType: JSON_TYPE });
    assert.equal(response.status, 200, response.body.toString('utf8'));
    assert.equal(exportResponseOf(response, JSON_TYPE), null);
    const spans = await listSpans(heron.baseUrl, 'default', { trace_id: traceId });
    const root = spans.find((s) => s.name === 'root');
    const child = spans.find((s) => s.name === 'child');
    assert.ok(root && child);
    assert.equal(root.start_time_unix_nano, '1700000000000000256');
    assert.equal(root.end_time_unix_nano, '1700000000987654321');
    assert.equal(root.start_time, '2023-11-14T22:13:20.000000+00:00');
    assert.equal(root.otel_kind, SpanKind.SERVER + 1);
    assert.equal(root.span_kind, 'CHAIN');
    assert.equal(root.status_code, 'OK');
    assert.deepEqual(root.attributes, { 'as.number': 7, 'as.string': 42, negative: -5 });
    assert.deepEqual(root.events, [
      { name: 'ev', timestamp: '2023-11-14T22:13:20.000000+00:00', attributes: { k: 'v' } },
    ]);
    assert.deepEqual(root.scope, { name: 'hand-written', version: '9' });
    assert.deepEqual(root.resource.attributes, { 'service.name': 'json-variants' });
    assert.equal(child.context.trace_id, traceId, 'upper-case hex folded to lower case');
    assert.equal(child.parent_id, rootId);
    assert.equal(child.otel_kind, 3);
    assert.equal(child.status_code, 'ERROR');
    assert.equal(child.status_message, 'bad');
    assert.equal(child.start_time_unix_nano, '1700000000100000001');
    assert.equal(child.span_kind, 'UNKNOWN');
  });

  test('an all-zero parent span id means a root span', async () => {
    const specs = simpleTrace(0);
    specs[0]!.parentSpanId = '0'.repeat(16);
    const response = await postOtlp(heron.baseUrl, protobufBody(specs), { contentType: PROTOBUF });
    assert.equal(response.status, 200);
    const [span] = await listSpans(heron.baseUrl, 'default', { trace_id: specs[0]!.traceId });
    assert.equal(span?.parent_id, null);
  });

  test('status and kind survive protobuf', async () => {
    const specs = simpleTrace(0);
    specs[0]!.kind = SpanKind.CONSUMER;
    specs[0]!.status = { code: SpanStatusCode.ERROR, message: 'kaput' };
    await assertAccepted(specs, () => post(protobufBody(specs), PROTOBUF), PROTOBUF);
    const [span] = await listSpans(heron.baseUrl, 'default', { trace_id: specs[0]!.traceId });
    assert.equal(span?.otel_kind, SpanKind.CONSUMER + 1);
    assert.equal(span?.status_code, 'ERROR');
    assert.equal(span?.status_message, 'kaput');
  });
});

describe('other OTLP signals', () => {
  for (const path of ['/v1/logs', '/v1/metrics']) {
    test(`${path} answers 200 (protobuf and JSON) and stores nothing`, async () => {
      const before = (await listAllSpans(heron.baseUrl)).length;
      const proto = await postOtlp(heron.baseUrl, Buffer.alloc(0), { contentType: PROTOBUF, path });
      assert.equal(proto.status, 200);
      assert.equal(mediaType(proto.headers.get('content-type')), PROTOBUF);
      assert.equal(proto.body.length, 0);
      const json = await postOtlp(heron.baseUrl, '{"resourceLogs":[],"resourceMetrics":[]}', {
        contentType: JSON_TYPE,
        path,
      });
      assert.equal(json.status, 200);
      assert.equal(mediaType(json.headers.get('content-type')), JSON_TYPE);
      assert.deepEqual(JSON.parse(json.body.toString('utf8')), {});
      assert.equal((await listAllSpans(heron.baseUrl)).length, before);
    });
  }
});
