/**
 * Sends one small trace to a Heron with the stock OpenTelemetry SDK and OTLP/HTTP protobuf
 * exporter, as an instrumented application would; resolves once the export was answered.
 */
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { context, trace } from '@opentelemetry/api';
import { RecordingExporter } from './openinference-trace.js';

/** Sends a root span with `children` child spans; returns the trace id. */
export async function sendTrace(baseUrl: string, project: string, children = 2): Promise<string> {
  const exporter = new RecordingExporter(new OTLPTraceExporter({ url: `${baseUrl}/v1/traces` }));
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'heron-e2e-live',
      'openinference.project.name': project,
    }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 10_000 })],
  });
  try {
    const tracer = provider.getTracer('heron-e2e-live');
    const root = tracer.startSpan('agent', { attributes: { 'openinference.span.kind': 'AGENT' } });
    const parent = trace.setSpan(context.active(), root);
    for (let i = 0; i < children; i++) {
      tracer
        .startSpan(`step-${i}`, { attributes: { 'openinference.span.kind': 'CHAIN' } }, parent)
        .end();
    }
    root.end();
    // One export request with every span, answered after Heron committed them.
    await provider.forceFlush();
    exporter.assertAllSucceeded();
    return root.spanContext().traceId;
  } finally {
    await provider.shutdown();
  }
}
