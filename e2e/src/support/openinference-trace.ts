/**
 * The OpenInference trace the exporter tests send (CHAIN root → RETRIEVER, LLM, TOOL and a
 * failing span), what each span was given, and the field-by-field comparison of what Heron
 * stored against what the SDK recorded.
 */
import assert from 'node:assert/strict';
import {
  context,
  trace,
  SpanKind,
  SpanStatusCode,
  type Attributes,
  type Tracer,
} from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import {
  bySpanName,
  listProjects,
  listSpans,
  listTraces,
  type AttributeValue,
  type SpanJson,
} from './heron-api.js';
import { isoOf, nsOf } from './synthetic-spans.js';

export interface ExpectedSpan {
  spanKind: string;
  /** Attributes as set on the span, without `openinference.span.kind`. */
  attributes: Record<string, AttributeValue>;
}

export interface EmittedTrace {
  traceId: string;
  sessionId: string;
  userId: string;
  expected: Map<string, ExpectedSpan>;
}

/** Forwards to the real exporter and keeps every result, so a test can assert they succeeded. */
export class RecordingExporter implements SpanExporter {
  readonly results: ExportResult[] = [];
  constructor(private readonly inner: SpanExporter) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      this.results.push(result);
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }

  assertAllSucceeded(): void {
    assert.ok(this.results.length > 0, 'the exporter exported nothing');
    for (const result of this.results) {
      assert.equal(
        result.code,
        ExportResultCode.SUCCESS,
        `export failed: ${result.error?.stack ?? result.error}`,
      );
    }
  }
}

function withoutKind(attributes: Attributes): Record<string, AttributeValue> {
  const copy = { ...attributes } as Record<string, AttributeValue>;
  delete copy['openinference.span.kind'];
  return copy;
}

/** Creates and ends the trace; `tag` makes its session and user ids unique. */
export function emitOpenInferenceTrace(tracer: Tracer, tag: string): EmittedTrace {
  const sessionId = `session-${tag}`;
  const userId = `user-${tag}`;
  const expected = new Map<string, ExpectedSpan>();

  const rootAttributes: Attributes = {
    'openinference.span.kind': 'CHAIN',
    'input.value': 'What is Heron?',
    'input.mime_type': 'text/plain',
    'output.value': 'Heron is an OpenTelemetry-native tracing server.',
    'output.mime_type': 'text/plain',
    'session.id': sessionId,
    'user.id': userId,
    metadata: JSON.stringify({ tenant: 'acme', experiment: 7, flags: ['a', 'b'] }),
    'tag.tags': ['e2e', 'rag'],
  };
  const root = tracer.startSpan('rag-pipeline', {
    kind: SpanKind.SERVER,
    attributes: rootAttributes,
  });
  expected.set('rag-pipeline', { spanKind: 'CHAIN', attributes: withoutKind(rootAttributes) });
  const inRoot = trace.setSpan(context.active(), root);

  const retrieverAttributes: Attributes = {
    'openinference.span.kind': 'RETRIEVER',
    'input.value': 'heron tracing server',
    'retrieval.documents.0.document.id': 'doc-1',
    'retrieval.documents.0.document.content': 'Heron stores spans in SQLite.',
    'retrieval.documents.0.document.score': 0.92,
    'retrieval.documents.0.document.metadata': JSON.stringify({ source: 'manual.pdf', page: 3 }),
    'retrieval.documents.1.document.id': 'doc-2',
    'retrieval.documents.1.document.content': 'Heron speaks OTLP over HTTP and gRPC.',
    'retrieval.documents.1.document.score': 0.5,
    'retrieval.documents.1.document.metadata': JSON.stringify({
      source: 'readme.md',
      section: { title: 'Ingest', level: 2 },
    }),
  };
  const retriever = tracer.startSpan('retrieve-docs', { attributes: retrieverAttributes }, inRoot);
  retriever.setStatus({ code: SpanStatusCode.OK });
  retriever.end();
  expected.set('retrieve-docs', {
    spanKind: 'RETRIEVER',
    attributes: withoutKind(retrieverAttributes),
  });

  const llmAttributes: Attributes = {
    'openinference.span.kind': 'LLM',
    'llm.model_name': 'gpt-4o-mini',
    'llm.provider': 'openai',
    'llm.system': 'openai',
    'llm.invocation_parameters': JSON.stringify({ temperature: 0.2, max_tokens: 256 }),
    'llm.input_messages.0.message.role': 'system',
    'llm.input_messages.0.message.content': 'You answer questions about Heron.',
    'llm.input_messages.1.message.role': 'user',
    'llm.input_messages.1.message.content': 'What is Heron?',
    'llm.output_messages.0.message.role': 'assistant',
    'llm.output_messages.0.message.content': 'Let me search for that.',
    'llm.output_messages.0.message.tool_calls.0.tool_call.id': 'call_1',
    'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'search_web',
    'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': JSON.stringify({
      query: 'heron',
    }),
    'llm.token_count.prompt': 120,
    'llm.token_count.completion': 30,
    'llm.token_count.total': 150,
    'llm.prompt_template.template': 'Answer {question} using {context}',
    'llm.prompt_template.variables': JSON.stringify({
      question: 'What is Heron?',
      context: 'docs',
    }),
    'llm.prompt_template.version': 'v1',
    'input.value': 'What is Heron?',
    'output.value': 'Let me search for that.',
  };
  const llm = tracer.startSpan(
    'ChatCompletion',
    { kind: SpanKind.CLIENT, attributes: llmAttributes },
    inRoot,
  );
  llm.end();
  expected.set('ChatCompletion', { spanKind: 'LLM', attributes: withoutKind(llmAttributes) });

  const toolAttributes: Attributes = {
    'openinference.span.kind': 'TOOL',
    'tool.name': 'search_web',
    'tool.description': 'Searches the web',
    'tool.parameters': JSON.stringify({ query: 'heron', top_k: 3 }),
    'input.value': '{"query":"heron"}',
    'input.mime_type': 'application/json',
    'output.value': 'Heron: a tracing server',
  };
  const tool = tracer.startSpan(
    'search_web',
    {
      attributes: toolAttributes,
      links: [{ context: retriever.spanContext(), attributes: { 'link.reason': 'uses results' } }],
    },
    inRoot,
  );
  tool.end();
  expected.set('search_web', { spanKind: 'TOOL', attributes: withoutKind(toolAttributes) });

  // No openinference.span.kind: stored as UNKNOWN.
  const failingAttributes: Attributes = {
    'heron.test.step': 3,
    'heron.test.ratio': 0.75,
    'heron.test.flag': true,
  };
  const failing = tracer.startSpan(
    'format-answer',
    { kind: SpanKind.PRODUCER, attributes: failingAttributes },
    inRoot,
  );
  const error = new TypeError('answer could not be formatted');
  failing.recordException(error);
  failing.setStatus({ code: SpanStatusCode.ERROR, message: 'answer could not be formatted' });
  failing.end();
  expected.set('format-answer', {
    spanKind: 'UNKNOWN',
    attributes: withoutKind(failingAttributes),
  });

  root.setStatus({ code: SpanStatusCode.OK });
  root.end();

  return { traceId: root.spanContext().traceId, sessionId, userId, expected };
}

const STATUS_NAMES = ['UNSET', 'OK', 'ERROR'];

/**
 * On PostgreSQL, attributes are JSONB, which does not keep the key order of JSON objects
 * (JSON objects are unordered; Phoenix on PostgreSQL behaves the same), so the JSON-string
 * attributes Heron parses (metadata, prompt template variables, tool parameters) are compared
 * by value there. On SQLite the exact text is compared.
 */
function comparableAttributes(attributes: Record<string, unknown>): Record<string, unknown> {
  if (!process.env['HERON_E2E_DATABASE_URL']) return attributes;
  return Object.fromEntries(
    Object.entries(attributes).map(([key, value]) =>
      typeof value === 'string' && value.startsWith('{')
        ? [key, JSON.parse(value) as unknown]
        : [key, value],
    ),
  );
}

function assertSpanMatches(stored: SpanJson, sdk: ReadableSpan, expected: ExpectedSpan): void {
  const what = `span ${sdk.name}`;
  assert.equal(stored.name, sdk.name);
  assert.deepEqual(
    stored.context,
    { trace_id: sdk.spanContext().traceId, span_id: sdk.spanContext().spanId },
    what,
  );
  assert.equal(stored.parent_id, sdk.parentSpanContext?.spanId ?? null, `${what} parent_id`);
  assert.equal(stored.span_kind, expected.spanKind, `${what} span_kind`);
  assert.equal(stored.otel_kind, sdk.kind + 1, `${what} otel_kind (OTLP enum)`);
  assert.equal(stored.status_code, STATUS_NAMES[sdk.status.code], `${what} status_code`);
  assert.equal(stored.status_message, sdk.status.message ?? '', `${what} status_message`);

  const startNs = nsOf(sdk.startTime);
  const endNs = nsOf(sdk.endTime);
  assert.equal(stored.start_time_unix_nano, startNs.toString(), `${what} start ns`);
  assert.equal(stored.end_time_unix_nano, endNs.toString(), `${what} end ns`);
  assert.equal(stored.start_time, isoOf(startNs), `${what} start_time`);
  assert.equal(stored.end_time, isoOf(endNs), `${what} end_time`);
  assert.ok(
    Math.abs(stored.latency_ms - Number(endNs - startNs) / 1e6) < 1e-6,
    `${what} latency_ms ${stored.latency_ms}`,
  );

  assert.deepEqual(
    comparableAttributes(stored.attributes),
    comparableAttributes(expected.attributes),
    `${what} attributes`,
  );
  // The SDK's own record agrees with what the test set (guards the expectation itself).
  assert.deepEqual(withoutKind(sdk.attributes), expected.attributes, `${what} SDK attributes`);

  assert.deepEqual(
    stored.events,
    sdk.events.map((event) => ({
      name: event.name,
      timestamp: isoOf(nsOf(event.time)),
      attributes: event.attributes ?? {},
    })),
    `${what} events`,
  );
  assert.deepEqual(
    stored.links,
    sdk.links.map((link) => ({
      trace_id: link.context.traceId,
      span_id: link.context.spanId,
      trace_state: '',
      attributes: link.attributes ?? {},
    })),
    `${what} links`,
  );
  assert.deepEqual(stored.resource, { attributes: sdk.resource.attributes }, `${what} resource`);
  assert.deepEqual(
    stored.scope,
    { name: sdk.instrumentationScope.name, version: sdk.instrumentationScope.version ?? '' },
    `${what} scope`,
  );
}

/**
 * Reads the project's spans and traces back and compares them with the SDK's record
 * (`finished`, from an in-memory exporter beside the real one) and with what was set.
 */
export async function assertTraceStored(
  baseUrl: string,
  projectName: string,
  emitted: EmittedTrace,
  finished: ReadableSpan[],
  resourceExpectation: Record<string, AttributeValue>,
): Promise<void> {
  assert.equal(finished.length, 5, 'the SDK finished five spans');
  const stored = await listSpans(baseUrl, projectName);
  assert.equal(stored.length, 5, `five spans stored in ${projectName}`);
  const storedByName = bySpanName(stored);
  for (const sdk of finished) {
    const span = storedByName.get(sdk.name);
    assert.ok(span, `span ${sdk.name} stored`);
    assertSpanMatches(span, sdk, emitted.expected.get(sdk.name)!);
    for (const [key, value] of Object.entries(resourceExpectation)) {
      assert.deepEqual(span.resource.attributes[key], value, `resource attribute ${key}`);
    }
  }

  // The exception event, spelled out.
  const failing = storedByName.get('format-answer')!;
  assert.equal(failing.events.length, 1);
  const exception = failing.events[0]!;
  assert.equal(exception.name, 'exception');
  assert.equal(exception.attributes['exception.type'], 'TypeError');
  assert.equal(exception.attributes['exception.message'], 'answer could not be formatted');
  assert.match(
    String(exception.attributes['exception.stacktrace']),
    /^TypeError: answer could not be formatted\n\s+at /,
  );

  const root = finished.find((s) => s.name === 'rag-pipeline')!;
  const rootId = root.spanContext().spanId;
  for (const span of stored) {
    assert.equal(span.context.trace_id, emitted.traceId);
    if (span.name !== 'rag-pipeline') assert.equal(span.parent_id, rootId, span.name);
  }

  const traces = await listTraces(baseUrl, projectName);
  assert.equal(traces.length, 1);
  const rollup = traces[0]!;
  const starts = finished.map((s) => nsOf(s.startTime));
  const ends = finished.map((s) => nsOf(s.endTime));
  const minStart = starts.reduce((a, b) => (a < b ? a : b));
  const maxEnd = ends.reduce((a, b) => (a > b ? a : b));
  const project = (await listProjects(baseUrl)).find((p) => p.name === projectName);
  assert.ok(project);
  assert.deepEqual(
    {
      trace_id: rollup.trace_id,
      project_id: rollup.project_id,
      start_time: rollup.start_time,
      end_time: rollup.end_time,
      token_count_prompt: rollup.token_count_prompt,
      token_count_completion: rollup.token_count_completion,
      token_count_total: rollup.token_count_total,
      span_count: rollup.span_count,
      error_count: rollup.error_count,
      root_span_id: rollup.root_span_id,
      session_id: rollup.session_id,
    },
    {
      trace_id: emitted.traceId,
      project_id: project.id,
      start_time: isoOf(minStart),
      end_time: isoOf(maxEnd),
      token_count_prompt: 120,
      token_count_completion: 30,
      token_count_total: 150,
      span_count: 5,
      error_count: 1,
      root_span_id: rootId,
      session_id: emitted.sessionId,
    },
  );
  assert.ok(Math.abs(rollup.latency_ms - Number(maxEnd - minStart) / 1e6) < 1e-6);
}
