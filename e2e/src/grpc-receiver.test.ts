/**
 * The OTLP/gRPC receiver with a raw gRPC client, for what the exporter never sends: malformed
 * messages, messages over the size limit, a full queue, and project metadata.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { spawnHeron, type HeronProcess } from '../../packages/server/dist/testing/spawn-heron.js';
import { listProjects, listSpans, type SpanJson } from './support/heron-api.js';
import { protobufBody, simpleTrace, spanKeys } from './support/synthetic-spans.js';

const EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const identity = (buffer: Buffer): Buffer => buffer;

const keyOf = (s: SpanJson) => ({ traceId: s.context.trace_id, spanId: s.context.span_id });

interface ExportResult {
  error: grpc.ServiceError | null;
  response?: Buffer;
}

function exportRaw(
  port: number,
  body: Buffer,
  metadata: Record<string, string> = {},
): Promise<ExportResult> {
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const md = new grpc.Metadata();
  for (const [key, value] of Object.entries(metadata)) md.set(key, value);
  return new Promise((resolve) => {
    client.makeUnaryRequest(EXPORT_PATH, identity, identity, body, md, (error, response) => {
      client.close();
      resolve({ error, response });
    });
  });
}

describe('OTLP/gRPC receiver', () => {
  let heron: HeronProcess;

  before(async () => {
    heron = await spawnHeron({ env: { HERON_MAX_DECOMPRESSED_BYTES: String(64 * 1024) } });
  });
  after(async () => {
    await heron?.stop();
  });

  test('malformed protobuf gets INVALID_ARGUMENT with a message, and stores nothing', async () => {
    const { error } = await exportRaw(heron.grpcPort, Buffer.from([0x0a, 0xff, 0xff, 0x01, 0x02]));
    assert.equal(error?.code, grpc.status.INVALID_ARGUMENT);
    assert.match(error!.details, /not a valid OTLP ExportTraceServiceRequest/);
    assert.deepEqual(await listProjects(heron.baseUrl), []);
  });

  test('a message over the size limit gets RESOURCE_EXHAUSTED; the server keeps serving', async () => {
    const big = simpleTrace(1, { 'input.value': 'x'.repeat(100 * 1024) });
    const { error } = await exportRaw(heron.grpcPort, protobufBody(big));
    assert.equal(error?.code, grpc.status.RESOURCE_EXHAUSTED);
    const small = simpleTrace(2);
    const ok = await exportRaw(heron.grpcPort, protobufBody(small));
    assert.equal(ok.error, null);
    const spans = await listSpans(heron.baseUrl, 'default');
    assert.deepEqual(spanKeys(spans.map(keyOf)).sort(), spanKeys(small).sort());
  });

  test('x-project-name metadata chooses the project, as the HTTP header does', async () => {
    const trace = simpleTrace(1);
    const { error } = await exportRaw(heron.grpcPort, protobufBody(trace), {
      'x-project-name': 'grpc-project',
    });
    assert.equal(error, null);
    const spans = await listSpans(heron.baseUrl, 'grpc-project');
    assert.equal(spans.length, 2);
  });

  test('a partial success reports rejected spans in the gRPC response', async () => {
    const trace = simpleTrace(1);
    trace[1]!.endNs = trace[1]!.startNs - 1n; // end before start
    const { error, response } = await exportRaw(heron.grpcPort, protobufBody(trace));
    assert.equal(error, null);
    // ExportTraceServiceResponse{1: partial_success{1: rejected_spans = 1, 2: message}}
    assert.ok(response && response.length > 0);
    assert.equal(response[0], 0x0a);
    assert.match(response.toString('latin1'), /end_time_unix_nano/);
  });
});

describe('OTLP/gRPC receiver when the queue is full', () => {
  let heron: HeronProcess;

  before(async () => {
    heron = await spawnHeron({
      env: { HERON_MAX_SPANS_QUEUE_SIZE: '1', HERON_MAX_BATCH_SPANS: '1' },
    });
  });
  after(async () => {
    await heron?.stop();
  });

  test('answers RESOURCE_EXHAUSTED, and every acknowledged span is stored exactly once', async () => {
    const traces = Array.from({ length: 40 }, () => simpleTrace(4));
    const results = await Promise.all(
      traces.map((t) => exportRaw(heron.grpcPort, protobufBody(t))),
    );
    const refused = results.filter((r) => r.error?.code === grpc.status.RESOURCE_EXHAUSTED);
    const accepted = traces.filter((_, i) => results[i]!.error === null);
    assert.ok(refused.length > 0, 'some exports were refused');
    assert.equal(refused.length + accepted.length, traces.length, 'no other outcome');
    const stored = spanKeys((await listSpans(heron.baseUrl, 'default')).map(keyOf));
    assert.deepEqual(stored.sort(), spanKeys(accepted.flat()).sort());
  });
});
