/**
 * The stock OpenTelemetry exporters (OTLP/HTTP protobuf, OTLP/HTTP JSON, OTLP/gRPC, with and
 * without gzip) send an OpenInference trace to a real Heron; the trace is read back through
 * the REST API and compared field by field with what the SDK recorded.
 */
import { after, before, describe, test } from 'node:test';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { spawnHeron, type HeronProcess } from '../../packages/server/dist/testing/spawn-heron.js';
import {
  assertTraceStored,
  emitOpenInferenceTrace,
  RecordingExporter,
} from './support/openinference-trace.js';

let heron: HeronProcess;

before(async () => {
  heron = await spawnHeron();
});

after(async () => {
  await heron?.stop();
});

interface Setup {
  project: string;
  exporter: SpanExporter;
  provider: 'basic' | 'node';
  processor: 'simple' | 'batch';
}

async function sendAndCompare({ project, exporter, provider, processor }: Setup): Promise<void> {
  const recording = new RecordingExporter(exporter);
  const memory = new InMemorySpanExporter();
  const resourceAttributes = {
    'service.name': `heron-e2e-${project}`,
    'service.version': '1.2.3',
    'deployment.environment': 'test',
    'openinference.project.name': project,
  };
  const config = {
    resource: resourceFromAttributes(resourceAttributes),
    spanProcessors: [
      processor === 'simple'
        ? new SimpleSpanProcessor(recording)
        : new BatchSpanProcessor(recording, { scheduledDelayMillis: 100 }),
      new SimpleSpanProcessor(memory),
    ],
  };
  const tracerProvider =
    provider === 'basic' ? new BasicTracerProvider(config) : new NodeTracerProvider(config);
  try {
    const tracer = tracerProvider.getTracer('heron-e2e-rag', '4.5.6');
    const emitted = emitOpenInferenceTrace(tracer, project);
    await tracerProvider.forceFlush();
    recording.assertAllSucceeded();
    await assertTraceStored(
      heron.baseUrl,
      project,
      emitted,
      memory.getFinishedSpans(),
      resourceAttributes,
    );
  } finally {
    await tracerProvider.shutdown();
  }
}

describe('OpenInference trace through the stock OTLP exporters', () => {
  test('OTLP/HTTP protobuf exporter, SimpleSpanProcessor', async () => {
    await sendAndCompare({
      project: 'exporter-proto',
      exporter: new ProtoExporter({ url: `${heron.baseUrl}/v1/traces` }),
      provider: 'basic',
      processor: 'simple',
    });
  });

  test('OTLP/HTTP protobuf exporter with gzip, BatchSpanProcessor', async () => {
    await sendAndCompare({
      project: 'exporter-proto-gzip',
      exporter: new ProtoExporter({
        url: `${heron.baseUrl}/v1/traces`,
        compression: CompressionAlgorithm.GZIP,
      }),
      provider: 'basic',
      processor: 'batch',
    });
  });

  test('OTLP/HTTP JSON exporter, BatchSpanProcessor', async () => {
    await sendAndCompare({
      project: 'exporter-json',
      exporter: new JsonExporter({ url: `${heron.baseUrl}/v1/traces` }),
      provider: 'node',
      processor: 'batch',
    });
  });

  test('OTLP/gRPC exporter, NodeTracerProvider', async () => {
    await sendAndCompare({
      project: 'exporter-grpc',
      exporter: new GrpcExporter({ url: `http://127.0.0.1:${heron.grpcPort}` }),
      provider: 'node',
      processor: 'simple',
    });
  });

  test('OTLP/gRPC exporter with gzip', async () => {
    await sendAndCompare({
      project: 'exporter-grpc-gzip',
      exporter: new GrpcExporter({
        url: `http://127.0.0.1:${heron.grpcPort}`,
        compression: CompressionAlgorithm.GZIP,
      }),
      provider: 'basic',
      processor: 'batch',
    });
  });
});
