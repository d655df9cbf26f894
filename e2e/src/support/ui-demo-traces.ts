/**
 * A small, realistic data set for the UI tests and screenshots, sent through the stock
 * OpenTelemetry protobuf exporter: a support chatbot (multi-turn sessions; CHAIN → RETRIEVER →
 * LLM, sometimes a failing TOOL) and a RAG evaluation project, spread over the last hours so
 * the charts have a shape. Everything is deterministic, so a test knows what the UI must show.
 */
import { context, trace, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { RecordingExporter } from './openinference-trace.js';

export const SUPPORT_PROJECT = 'support-bot';
export const EVAL_PROJECT = 'rag-eval';

const QUESTIONS = [
  'How do I reset my password?',
  'Where is my order #4411?',
  'Can I get a refund for a damaged item?',
  'Do you ship to Canada?',
  'What is your return policy for sale items?',
  'How do I change my delivery address?',
  'Why was my card declined?',
  'Can I talk to a human?',
  'Is the blue jacket available in size M?',
  'How long does express shipping take?',
  'I want a refund, the parcel never arrived.',
  'How do I apply a discount code?',
];

const ANSWERS = [
  'Open Settings → Security and choose "Reset password"; a link arrives by email within a minute.',
  'Order #4411 left our warehouse yesterday and should arrive on Thursday.',
  'Yes. Send us a photo of the damage and we refund the full amount within 5 business days.',
  'We ship to Canada; delivery takes 4–7 business days and duties are included.',
  'Sale items can be returned within 14 days for store credit.',
  'You can change the address until the order ships, under Orders → Edit.',
  'Your bank declined the payment; please check the card details or try another card.',
  'Of course — I have opened a ticket and an agent will reply within an hour.',
  'The blue jacket is in stock in size M.',
  'Express shipping takes 1–2 business days.',
  'I am sorry about that. I have filed a refund; you will see it within 5 business days.',
  'Enter the code at checkout in the "Discount" field and press Apply.',
];

const MODELS = ['gpt-4o-mini', 'gpt-4o', 'claude-3-5-sonnet'];

export interface DemoTrace {
  traceId: string;
  rootSpanId: string;
  sessionId: string | null;
  question: string;
  startMs: number;
  latencyMs: number;
  failed: boolean;
}

export interface DemoData {
  support: DemoTrace[];
  evaluation: DemoTrace[];
}

/** Deterministic pseudo-random numbers in [0, 1). */
function sequence(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

function provider(baseUrl: string, project: string) {
  const exporter = new RecordingExporter(new OTLPTraceExporter({ url: `${baseUrl}/v1/traces` }));
  const tracerProvider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'openinference.project.name': project,
      'service.name': project,
    }),
    spanProcessors: [new BatchSpanProcessor(exporter, { maxExportBatchSize: 512 })],
  });
  return { exporter, tracerProvider, tracer: tracerProvider.getTracer('heron-ui-demo') };
}

/** One chatbot turn: CHAIN root → RETRIEVER, LLM and (sometimes failing) TOOL children. */
export function emitTurn(
  tracer: Tracer,
  options: {
    name: string;
    question: string;
    answer: string;
    startMs: number;
    latencyMs: number;
    model: string;
    promptTokens: number;
    completionTokens: number;
    sessionId: string | null;
    userId: string;
    failTool: boolean;
  },
): DemoTrace {
  const { startMs, latencyMs } = options;
  const root = tracer.startSpan(options.name, {
    startTime: new Date(startMs),
    attributes: {
      'openinference.span.kind': 'CHAIN',
      'input.value': options.question,
      'input.mime_type': 'text/plain',
      'output.value': options.failTool ? '' : options.answer,
      ...(options.sessionId ? { 'session.id': options.sessionId } : {}),
      'user.id': options.userId,
      metadata: JSON.stringify({
        channel: 'web',
        tier: options.userId.endsWith('1') ? 'gold' : 'free',
      }),
    },
  });
  const inRoot = trace.setSpan(context.active(), root);
  const retrieveMs = Math.round(latencyMs * 0.15);
  const retriever = tracer.startSpan(
    'search-kb',
    {
      startTime: new Date(startMs + 5),
      attributes: {
        'openinference.span.kind': 'RETRIEVER',
        'input.value': options.question,
        'retrieval.documents.0.document.id': 'kb-12',
        'retrieval.documents.0.document.content': 'Refunds are issued within 5 business days.',
        'retrieval.documents.0.document.score': 0.83,
        'retrieval.documents.1.document.id': 'kb-40',
        'retrieval.documents.1.document.content': 'Shipping to Canada takes 4–7 business days.',
        'retrieval.documents.1.document.score': 0.61,
      },
    },
    inRoot,
  );
  retriever.end(new Date(startMs + 5 + retrieveMs));
  const llmStart = startMs + 10 + retrieveMs;
  const llm = tracer.startSpan(
    'ChatCompletion',
    {
      startTime: new Date(llmStart),
      attributes: {
        'openinference.span.kind': 'LLM',
        'llm.model_name': options.model,
        'llm.provider': options.model.startsWith('claude') ? 'anthropic' : 'openai',
        'llm.token_count.prompt': options.promptTokens,
        'llm.token_count.completion': options.completionTokens,
        'llm.token_count.total': options.promptTokens + options.completionTokens,
        'llm.input_messages.0.message.role': 'system',
        'llm.input_messages.0.message.content': 'You are a helpful support assistant.',
        'llm.input_messages.1.message.role': 'user',
        'llm.input_messages.1.message.content': options.question,
        'llm.output_messages.0.message.role': 'assistant',
        'llm.output_messages.0.message.content': options.answer,
        'input.value': options.question,
        'output.value': options.answer,
      },
    },
    inRoot,
  );
  llm.setStatus({ code: SpanStatusCode.OK });
  llm.end(new Date(llmStart + Math.round(latencyMs * 0.7)));
  if (options.failTool) {
    const tool = tracer.startSpan(
      'lookup-order',
      {
        startTime: new Date(startMs + latencyMs - 60),
        attributes: { 'openinference.span.kind': 'TOOL', 'tool.name': 'lookup_order' },
      },
      inRoot,
    );
    const error = new Error('Order service timed out after 30s');
    tool.recordException(error);
    tool.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    tool.end(new Date(startMs + latencyMs - 5));
    root.setStatus({ code: SpanStatusCode.ERROR, message: 'tool failed' });
  } else {
    root.setStatus({ code: SpanStatusCode.OK });
  }
  root.end(new Date(startMs + latencyMs));
  return {
    traceId: root.spanContext().traceId,
    rootSpanId: root.spanContext().spanId,
    sessionId: options.sessionId,
    question: options.question,
    startMs,
    latencyMs,
    failed: options.failTool,
  };
}

/** Sends the whole data set and waits until the exporter has had every answer. */
export async function sendDemoData(baseUrl: string, now = Date.now()): Promise<DemoData> {
  const random = sequence(7);
  const support = provider(baseUrl, SUPPORT_PROJECT);
  const supportTraces: DemoTrace[] = [];
  let turn = 0;
  for (let session = 0; session < 8; session++) {
    const turns = 3 + (session % 3);
    let startMs = now - (20 - session * 2.4) * 3600_000 + Math.round(random() * 600_000);
    for (let i = 0; i < turns; i++, turn++) {
      const q = turn % QUESTIONS.length;
      const latencyMs = 400 + Math.round(random() * 3600) + (turn % 7 === 0 ? 6000 : 0);
      supportTraces.push(
        emitTurn(support.tracer, {
          name: 'support-agent',
          question: QUESTIONS[q]!,
          answer: ANSWERS[q]!,
          startMs,
          latencyMs,
          model: MODELS[turn % MODELS.length]!,
          promptTokens: 300 + Math.round(random() * 900),
          completionTokens: 40 + Math.round(random() * 260),
          sessionId: `chat-${1000 + session}`,
          userId: `user-${session % 4}`,
          failTool: turn % 6 === 5,
        }),
      );
      startMs += latencyMs + 20_000 + Math.round(random() * 90_000);
    }
  }
  const evaluation = provider(baseUrl, EVAL_PROJECT);
  const evalTraces: DemoTrace[] = [];
  for (let i = 0; i < 6; i++) {
    evalTraces.push(
      emitTurn(evaluation.tracer, {
        name: 'rag-query',
        question: QUESTIONS[(i * 5) % QUESTIONS.length]!,
        answer: ANSWERS[(i * 5) % QUESTIONS.length]!,
        startMs: now - (6 - i) * 1800_000,
        latencyMs: 900 + i * 150,
        model: 'gpt-4o',
        promptTokens: 1200,
        completionTokens: 150,
        sessionId: null,
        userId: 'evaluator',
        failTool: false,
      }),
    );
  }
  for (const { tracerProvider, exporter } of [support, evaluation]) {
    await tracerProvider.forceFlush();
    exporter.assertAllSucceeded();
    await tracerProvider.shutdown();
  }
  await annotate(baseUrl, supportTraces);
  return { support: supportTraces, evaluation: evalTraces };
}

/** LLM-judge annotations on the support bot's root spans: correctness and helpfulness. */
async function annotate(baseUrl: string, traces: DemoTrace[]): Promise<void> {
  const data = traces.flatMap((t, i) => [
    {
      span_id: t.rootSpanId,
      name: 'correctness',
      annotator_kind: 'LLM',
      result: {
        label: t.failed || i % 4 === 3 ? 'incorrect' : 'correct',
        score: t.failed || i % 4 === 3 ? 0 : 1,
        explanation: t.failed
          ? 'The tool call failed; no answer was given.'
          : 'Matches the knowledge base.',
      },
    },
    ...(i % 2 === 0
      ? [
          {
            span_id: t.rootSpanId,
            name: 'helpfulness',
            annotator_kind: 'HUMAN',
            result: { score: (i % 5) / 4 },
          },
        ]
      : []),
  ]);
  const response = await fetch(`${baseUrl}/v1/span_annotations?sync=true`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ data }),
  });
  if (!response.ok) throw new Error(`annotations: ${response.status} ${await response.text()}`);
}

/** One more support turn, now (for live mode). */
export async function sendLiveTurn(baseUrl: string, question: string): Promise<DemoTrace> {
  const { tracer, tracerProvider, exporter } = provider(baseUrl, SUPPORT_PROJECT);
  const sent = emitTurn(tracer, {
    name: 'support-agent',
    question,
    answer: 'Arrived live.',
    startMs: Date.now() - 500,
    latencyMs: 450,
    model: 'gpt-4o-mini',
    promptTokens: 200,
    completionTokens: 20,
    sessionId: 'chat-live',
    userId: 'user-live',
    failTool: false,
  });
  await tracerProvider.forceFlush();
  exporter.assertAllSucceeded();
  await tracerProvider.shutdown();
  return sent;
}
