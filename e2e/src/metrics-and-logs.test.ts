/**
 * Heron's own observability as an operator sees it: GET /metrics in the Prometheus format with
 * ingest counters (received, stored, rejected by reason), queue depth, commit histograms, HTTP
 * durations by route pattern, database size and process metrics; HERON_METRICS_PORT moving it to
 * a port of its own; JSON logs whose lines carry the request id sent back in x-request-id.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawnHeron } from '../../packages/server/dist/testing/spawn-heron.js';
import { freePort } from '../../packages/server/dist/testing/spawn-heron.js';
import { postOtlp, PROTOBUF } from './support/otlp-post.js';
import { protobufBody, simpleTrace, type SpanSpec } from './support/synthetic-spans.js';

/** Value of one sample, e.g. sample(text, 'heron_spans_stored_total'). */
function sample(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-z_:]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const lineLabels = match[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => lineLabels.includes(`${k}="${v}"`))) {
      return Number(match[3]);
    }
  }
  return undefined;
}

test('GET /metrics reports ingestion, HTTP routes, the database and the process', async () => {
  const heron = await spawnHeron();
  try {
    const good = simpleTrace(4); // 5 spans
    assert.equal(
      (await postOtlp(heron.baseUrl, protobufBody(good), { contentType: PROTOBUF })).status,
      200,
    );
    // 3 valid spans and one whose span id is too short: a partial success.
    const partlyValid = simpleTrace(2);
    const invalid: SpanSpec = { ...partlyValid[1]!, spanId: 'abcd' };
    const partly = await postOtlp(heron.baseUrl, protobufBody([...partlyValid, invalid]), {
      contentType: PROTOBUF,
    });
    assert.equal(partly.status, 200);
    const malformed = await postOtlp(heron.baseUrl, Buffer.from([0x0a, 0xff]), {
      contentType: PROTOBUF,
    });
    assert.equal(malformed.status, 400);
    assert.equal((await fetch(`${heron.baseUrl}/v1/projects/default/spans?limit=5`)).status, 200);
    assert.equal(
      (await fetch(`${heron.baseUrl}/v1/projects/nope-${Date.now()}/spans`)).status,
      404,
    );

    const response = await fetch(`${heron.baseUrl}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    assert.equal(sample(text, 'heron_spans_received_total', { transport: 'http' }), 9);
    assert.equal(
      sample(text, 'heron_spans_rejected_total', { transport: 'http', reason: 'invalid_span_id' }),
      1,
    );
    assert.equal(sample(text, 'heron_spans_stored_total'), 8);
    assert.equal(
      sample(text, 'heron_export_requests_rejected_total', {
        transport: 'http',
        reason: 'malformed',
      }),
      1,
    );
    assert.equal(sample(text, 'heron_ingest_queue_spans'), 0);
    assert.equal(sample(text, 'heron_commit_batch_spans_count'), 2);
    assert.equal(sample(text, 'heron_commit_batch_spans_sum'), 8);
    assert.ok((sample(text, 'heron_commit_duration_seconds_count') ?? 0) >= 2);
    // Route patterns, never raw URLs (one series per project would be unbounded).
    assert.equal(
      sample(text, 'heron_http_request_duration_seconds_count', {
        route: '/v1/projects/:project_identifier/spans',
        status_code: '404',
      }),
      1,
    );
    assert.ok(!text.includes('nope-'), 'no raw URL in any label');
    assert.ok((sample(text, 'heron_database_size_bytes') ?? 0) > 0, 'database size measured');
    assert.ok((sample(text, 'process_resident_memory_bytes') ?? 0) > 0);
    assert.ok((sample(text, 'nodejs_eventloop_lag_seconds') ?? -1) >= 0);
  } finally {
    await heron.stop();
  }
});

test('span-level rejections are counted by reason', async () => {
  const heron = await spawnHeron();
  try {
    const [root, child] = simpleTrace(1);
    const specs: SpanSpec[] = [
      root!,
      { ...child!, spanId: 'abcd' },
      { ...child!, spanId: '0'.repeat(16) },
    ];
    const response = await postOtlp(heron.baseUrl, protobufBody(specs), { contentType: PROTOBUF });
    assert.equal(response.status, 200);
    const text = await (await fetch(`${heron.baseUrl}/metrics`)).text();
    assert.equal(
      sample(text, 'heron_spans_rejected_total', { transport: 'http', reason: 'invalid_span_id' }),
      2,
    );
    assert.equal(sample(text, 'heron_spans_stored_total'), 1);
  } finally {
    await heron.stop();
  }
});

test('HERON_METRICS_PORT serves /metrics on its own port only', async () => {
  const metricsPort = await freePort();
  const heron = await spawnHeron({ env: { HERON_METRICS_PORT: String(metricsPort) } });
  try {
    // The main port does not expose it (what answers there is the web UI's page fallback, or
    // a 503 saying how to build the UI when it is not built).
    const main = await fetch(`${heron.baseUrl}/metrics`);
    assert.doesNotMatch(main.headers.get('content-type') ?? '', /^text\/plain/);
    assert.doesNotMatch(await main.text(), /heron_spans_stored_total/);
    const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    assert.equal(response.status, 200);
    assert.match(await response.text(), /heron_spans_stored_total 0/);
    assert.equal((await fetch(`http://127.0.0.1:${metricsPort}/v1/projects`)).status, 404);
  } finally {
    assert.equal(await heron.stop(), 0);
  }
});

test('JSON logs carry the request id that x-request-id returns (the client’s own is kept)', async () => {
  const heron = await spawnHeron({
    env: { HERON_LOG_FORMAT: 'json', HERON_LOG_LEVEL: 'info' },
  });
  try {
    const own = await fetch(`${heron.baseUrl}/v1/projects`, {
      headers: { 'x-request-id': 'client-chosen-id-42' },
    });
    assert.equal(own.headers.get('x-request-id'), 'client-chosen-id-42');
    const generated = await fetch(`${heron.baseUrl}/v1/projects/missing-project`);
    const id = generated.headers.get('x-request-id');
    assert.match(id ?? '', /^[0-9a-f-]{36}$/);
    const unsafe = await fetch(`${heron.baseUrl}/v1/projects`, {
      headers: { 'x-request-id': 'x'.repeat(500) },
    });
    assert.notEqual(unsafe.headers.get('x-request-id'), 'x'.repeat(500), 'oversized id replaced');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const lines = heron
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map(
        (line) => JSON.parse(line) as { reqId?: string; msg: string; res?: { statusCode: number } },
      );
    const ofRequest = lines.filter((line) => line.reqId === id);
    assert.ok(ofRequest.length >= 2, 'incoming request and completion logged with the id');
    assert.ok(ofRequest.some((line) => line.res?.statusCode === 404));
    assert.ok(lines.some((line) => line.reqId === 'client-chosen-id-42'));
  } finally {
    await heron.stop();
  }
});

test('HERON_LOG_FORMAT=pretty logs human-readable lines; a bad value is refused', async () => {
  const heron = await spawnHeron({ env: { HERON_LOG_FORMAT: 'pretty', HERON_LOG_LEVEL: 'info' } });
  try {
    await fetch(`${heron.baseUrl}/v1/projects`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.match(heron.output(), /INFO.*request completed/);
    assert.ok(
      !heron
        .output()
        .split('\n')
        .some((line) => line.startsWith('{"level"')),
    );
  } finally {
    await heron.stop();
  }
  await assert.rejects(
    spawnHeron({ env: { HERON_LOG_FORMAT: 'xml' } }),
    /HERON_LOG_FORMAT must be one of json, pretty, got "xml"/,
  );
});
