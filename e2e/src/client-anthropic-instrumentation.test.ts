/**
 * @heron/client's Anthropic auto-instrumentation with the real `@anthropic-ai/sdk` (0.137) and
 * `@arizeai/openinference-instrumentation-anthropic`: the app passes its own module object to
 * `register({ modules })` (npm installed the SDK in e2e/node_modules, where @heron/client cannot
 * import it), calls `messages.create` against a local server that answers like Anthropic's
 * Messages API, and one LLM span lands in Heron (a real `heron serve`, SQLite or PostgreSQL with
 * HERON_E2E_DATABASE_URL) with model, messages, token counts and cost — counted once, although
 * this SDK also records its own `gen_ai` span of each call (see anthropic-sdk-spans.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import Anthropic from '@anthropic-ai/sdk';
import { HeronClient, instrumentationsReady, register, type HeronSpan } from '@heron/client';
import { spawnHeron, type HeronProcess } from '../../packages/server/dist/testing/spawn-heron.js';
import { answerJson, startLlmStandIn, type LlmStandIn } from './support/llm-stand-in.js';

const PROJECT = 'anthropic-app';
/** Requested alias and the dated name the API answers with (priced as `claude-haiku-4-5`). */
const REQUEST_MODEL = 'claude-haiku-4-5';
const RESPONSE_MODEL = 'claude-haiku-4-5-20251001';
const USAGE = { input_tokens: 10_000, output_tokens: 2_000 };
/** Built-in price of claude-haiku-4-5: USD 1 per million input tokens, 5 per million output. */
const EXPECTED_COST = (10_000 * 1) / 1e6 + (2_000 * 5) / 1e6;
const ANSWER = 'Herons hunt by standing still.';
const SDK_SCOPE = 'com.anthropic.sdk.typescript';

// The application has not chosen whether the SDK records its own spans (the usual case).
delete process.env['ANTHROPIC_OPEN_TELEMETRY'];

let heron: HeronProcess;
let heronClient: HeronClient;
let provider: NodeTracerProvider;
let anthropicApi: LlmStandIn;
/** Constructed before register(), as a module that creates its client at import time would. */
let earlyClient: Anthropic;

before(async () => {
  heron = await spawnHeron();
  heronClient = new HeronClient({ baseUrl: heron.baseUrl });
  anthropicApi = await startLlmStandIn({
    // The Messages API's answer, as Anthropic documents it.
    'POST /v1/messages': (request, response) =>
      answerJson(response, {
        id: `msg_heron_e2e_${anthropicApi.received.length}`,
        type: 'message',
        role: 'assistant',
        model: RESPONSE_MODEL,
        content: [{ type: 'text', text: ANSWER }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: { ...USAGE, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      }),
  });
  earlyClient = anthropic();
  provider = register({
    projectName: PROJECT,
    endpoint: heron.baseUrl,
    modules: { '@anthropic-ai/sdk': Anthropic },
  });
});

after(async () => {
  await provider.shutdown();
  await anthropicApi.close();
  await heron.stop();
});

function anthropic(): Anthropic {
  return new Anthropic({
    apiKey: 'sk-ant-test-not-a-real-key',
    baseURL: anthropicApi.url,
    maxRetries: 0,
  });
}

/** Asks one question inside an application span; returns the answer and the trace id. */
async function ask(client: Anthropic): Promise<{ text: string; traceId: string }> {
  const tracer = provider.getTracer('anthropic-app');
  return tracer.startActiveSpan('answer-question', async (root) => {
    try {
      const message = await client.messages.create({
        model: REQUEST_MODEL,
        max_tokens: 256,
        system: 'You are a bird expert.',
        messages: [{ role: 'user', content: 'How do herons hunt?' }],
      });
      const block = message.content[0];
      return {
        text: block?.type === 'text' ? block.text : '',
        traceId: root.spanContext().traceId,
      };
    } finally {
      root.end();
    }
  });
}

async function traceSpans(traceId: string): Promise<HeronSpan[]> {
  await provider.forceFlush();
  return heronClient.getSpans({ project: PROJECT, traceId }).toArray();
}

function assertOneLlmSpan(spans: HeronSpan[]): HeronSpan {
  // The application's span and the instrumentation's LLM span; nothing from the SDK's scope.
  assert.deepEqual(spans.map((s) => s.name).sort(), ['Anthropic Messages', 'answer-question']);
  for (const span of spans) {
    assert.notEqual((span['scope'] as { name: string }).name, SDK_SCOPE);
  }
  const llm = spans.filter((s) => s.span_kind === 'LLM');
  assert.equal(llm.length, 1, 'one LLM span per call');
  const root = spans.find((s) => s.name === 'answer-question')!;
  assert.equal(llm[0]!.parent_id, root.context.span_id);
  return llm[0]!;
}

describe('Anthropic auto-instrumentation (register({ modules }))', () => {
  test('register() instruments the module object it was given and turns the SDK spans off', async () => {
    const enabled = await instrumentationsReady(provider);
    assert.ok(
      enabled.includes('@arizeai/openinference-instrumentation-anthropic'),
      String(enabled),
    );
    assert.equal(process.env['ANTHROPIC_OPEN_TELEMETRY'], 'false');
  });

  test('messages.create is one LLM span with model, messages, token counts and cost', async () => {
    await instrumentationsReady(provider);
    const { text, traceId } = await ask(anthropic());
    // The application gets the answer untouched, over real HTTP.
    assert.equal(text, ANSWER);
    const request = anthropicApi.received.at(-1)!;
    assert.equal(request.path, '/v1/messages');
    assert.equal(request.body['model'], REQUEST_MODEL);

    const span = assertOneLlmSpan(await traceSpans(traceId));
    assert.equal(span.status_code, 'OK');
    const attributes = span.attributes;
    assert.equal(attributes['llm.model_name'], RESPONSE_MODEL);
    assert.equal(attributes['llm.provider'], 'anthropic');
    assert.equal(attributes['llm.system'], 'anthropic');
    assert.equal(attributes['llm.input_messages.0.message.role'], 'user');
    assert.equal(attributes['llm.input_messages.0.message.content'], 'How do herons hunt?');
    assert.equal(attributes['llm.output_messages.0.message.role'], 'assistant');
    assert.equal(
      attributes['llm.output_messages.0.message.contents.0.message_content.text'],
      ANSWER,
    );
    assert.equal(attributes['llm.token_count.prompt'], USAGE.input_tokens);
    assert.equal(attributes['llm.token_count.completion'], USAGE.output_tokens);
    assert.equal(attributes['llm.token_count.total'], USAGE.input_tokens + USAGE.output_tokens);
    const parameters = JSON.parse(String(attributes['llm.invocation_parameters'])) as object;
    assert.deepEqual(parameters, {
      model: REQUEST_MODEL,
      max_tokens: 256,
      system: 'You are a bird expert.',
    });

    assert.ok(
      Math.abs(Number(span['cost']) - EXPECTED_COST) < 1e-12,
      `cost ${String(span['cost'])}`,
    );
    // The trace counts the call once.
    const trace = (await heronClient.getTraces({ project: PROJECT }).toArray()).find(
      (t) => t.trace_id === traceId,
    );
    assert.ok(trace, 'trace listed in the project');
    assert.equal(trace.token_count_total, USAGE.input_tokens + USAGE.output_tokens);
    assert.ok(
      Math.abs(Number(trace.cost) - EXPECTED_COST) < 1e-12,
      `trace cost ${String(trace.cost)}`,
    );
  });

  test('a client constructed before register() records its own span, which is left out', async () => {
    await instrumentationsReady(provider);
    const { text, traceId } = await ask(earlyClient);
    assert.equal(text, ANSWER);
    // That client read the environment before register() set it: the SDK started its own call
    // span and sent its context to the API in `traceparent` (a span id of this trace).
    const traceparent = String(anthropicApi.received.at(-1)!.headers['traceparent'] ?? '');
    const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/.exec(traceparent);
    assert.ok(match, `traceparent: "${traceparent}"`);
    assert.equal(match[1], traceId);

    const spans = await traceSpans(traceId);
    const span = assertOneLlmSpan(spans);
    // The SDK's span is not stored: only the OpenInference span, priced once.
    assert.ok(!spans.some((s) => s.context.span_id === match[2]), 'the SDK span was stored');
    assert.equal(
      span.attributes['llm.token_count.total'],
      USAGE.input_tokens + USAGE.output_tokens,
    );
    const trace = (await heronClient.getTraces({ project: PROJECT }).toArray()).find(
      (t) => t.trace_id === traceId,
    );
    assert.ok(
      Math.abs(Number(trace?.cost) - EXPECTED_COST) < 1e-12,
      `trace cost ${String(trace?.cost)}`,
    );
  });

  test('register({ modules }) with a module Heron does not instrument is a clear error', () => {
    assert.throws(
      () => register({ global: false, modules: { cohere: {} } as never }),
      /Heron does not instrument "cohere"; it instruments "openai", "@anthropic-ai\/sdk"/,
    );
  });
});
