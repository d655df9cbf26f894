/**
 * Exports one span through a stock OpenTelemetry exporter and reports how the export went —
 * what an instrumented application with (or without) a Heron API key experiences.
 */
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { ExportResultCode } from '@opentelemetry/core';
import { RecordingExporter } from './openinference-trace.js';

export interface OneSpanExport {
  ok: boolean;
  error: string;
  traceId: string;
}

export async function exportOneSpan(
  exporter: SpanExporter,
  project: string,
  name = 'auth-e2e-span',
): Promise<OneSpanExport> {
  const recording = new RecordingExporter(exporter);
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'heron-e2e-auth',
      'openinference.project.name': project,
    }),
    spanProcessors: [new SimpleSpanProcessor(recording)],
  });
  try {
    const span = provider.getTracer('heron-e2e-auth').startSpan(name);
    span.end();
    let flushError = '';
    try {
      await provider.forceFlush();
    } catch (error) {
      // The SDK rejects the flush with the exporter's errors (an array of them).
      flushError = [error]
        .flat()
        .map((e) => (e as Error).message ?? String(e))
        .join('; ');
    }
    const failed = recording.results.find((r) => r.code !== ExportResultCode.SUCCESS);
    return {
      ok: recording.results.length > 0 && failed === undefined && flushError === '',
      error: [String(failed?.error?.message ?? ''), flushError].filter(Boolean).join('; '),
      traceId: span.spanContext().traceId,
    };
  } finally {
    await provider.shutdown();
  }
}
