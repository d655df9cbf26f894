/**
 * @heron/client's auto-instrumentation with the OpenInference packages installed: register()
 * enables `@arizeai/openinference-instrumentation-openai` (and the others installed), the application
 * calls the real `openai` client (an ESM import, as a TypeScript app writes it), and the LLM
 * span lands in
 * Heron (a real `heron serve`, SQLite or PostgreSQL with HERON_E2E_DATABASE_URL) with the
 * OpenInference attributes a user looks at: model, input and output messages, token counts and
 * the cost from the built-in price table.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import OpenAI from 'openai';
import {
  HeronClient,
  KNOWN_INSTRUMENTATIONS,
  enableInstalledInstrumentations,
  instrumentationsReady,
  register,
  type HeronSpan,
} from '@heron/client';
import { spawnHeron, type HeronProcess } from '../../packages/server/dist/testing/spawn-heron.js';

const PROJECT = 'auto-instrumented-app';
/** Dated name, as OpenAI answers it; priced through the built-in `gpt-4o-mini` entry. */
const RESPONSE_MODEL = 'gpt-4o-mini-2024-07-18';
const USAGE = { prompt_tokens: 10_000, completion_tokens: 2_000, total_tokens: 12_000 };
/** Built-in price of gpt-4o-mini: USD 0.15 per million input tokens, 0.60 per million output. */
const EXPECTED_COST_PROMPT = (10_000 * 0.15) / 1e6;
const EXPECTED_COST_COMPLETION = (2_000 * 0.6) / 1e6;
const ANSWER = 'Herons hunt by standing still.';

let heron: HeronProcess;
let client: HeronClient;
let provider: NodeTracerProvider;
let llmServer: Server;
let llmServerUrl: string;
let openaiBaseUrl: string;
/** What the stand-in LLM server received, to show the calls really went over HTTP. */
const received: { path: string; body: Record<string, unknown> }[] = [];

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
}

/**
 * The OpenAI API is the one external service these tests cannot reach (no network here), so a
 * local HTTP server on 127.0.0.1 answers `POST /v1/chat/completions` with the response shape
 * OpenAI documents (JSON, or server-sent events when `stream` is set). Everything else — the
 * `openai` client, the instrumentation, the exporter, Heron — is the real thing.
 */
async function startLlmStandIn(): Promise<Server> {
  const server = createServer((request, response) => {
    void (async () => {
      const body = await readJson(request);
      received.push({ path: request.url ?? '', body });
      if (request.method !== 'POST' || request.url !== '/v1/chat/completions') {
        response.writeHead(404, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { message: `no route ${request.url ?? ''}` } }));
        return;
      }
      const base = { id: 'chatcmpl-heron-e2e', created: 1_700_000_000, model: RESPONSE_MODEL };
      if (body['stream'] === true) {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        const words = ANSWER.split(' ');
        words.forEach((word, index) => {
          const chunk = {
            ...base,
            object: 'chat.completion.chunk',
            choices: [
              {
                index: 0,
                delta: index === 0 ? { role: 'assistant', content: word } : { content: ` ${word}` },
                finish_reason: null,
              },
            ],
          };
          response.write(`data: ${JSON.stringify(chunk)}\n\n`);
        });
        const last = {
          ...base,
          object: 'chat.completion.chunk',
          choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
        };
        response.write(`data: ${JSON.stringify(last)}\n\n`);
        // With stream_options.include_usage, OpenAI sends the usage in a last chunk.
        const usage = { ...base, object: 'chat.completion.chunk', choices: [], usage: USAGE };
        response.write(`data: ${JSON.stringify(usage)}\n\n`);
        response.end('data: [DONE]\n\n');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          ...base,
          object: 'chat.completion',
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: ANSWER, refusal: null },
              finish_reason: 'stop',
              logprobs: null,
            },
          ],
          usage: USAGE,
        }),
      );
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

before(async () => {
  heron = await spawnHeron();
  client = new HeronClient({ baseUrl: heron.baseUrl });
  llmServer = await startLlmStandIn();
  llmServerUrl = `http://127.0.0.1:${(llmServer.address() as AddressInfo).port}`;
  openaiBaseUrl = `${llmServerUrl}/v1`;
  // Exactly what an application does: one register() at start-up, then await the
  // instrumentations before the first LLM call.
  provider = register({ projectName: PROJECT, endpoint: heron.baseUrl });
});

after(async () => {
  await provider.shutdown();
  await new Promise((resolve) => llmServer.close(resolve));
  await heron.stop();
});

function openai(): OpenAI {
  return new OpenAI({ apiKey: 'sk-test-not-a-real-key', baseURL: openaiBaseUrl, maxRetries: 0 });
}

/** The LLM spans of the project in the given trace (after the exporter flushed). */
async function llmSpans(traceId?: string): Promise<HeronSpan[]> {
  await provider.forceFlush();
  const spans = await client.getSpans({ project: PROJECT, spanKind: 'LLM', traceId }).toArray();
  return spans;
}

describe('auto-instrumentation with the OpenInference packages installed', () => {
  test('register() enables the installed instrumentations and skips the absent ones', async () => {
    const enabled = await instrumentationsReady(provider);
    assert.deepEqual(
      enabled,
      KNOWN_INSTRUMENTATIONS.map((known) => known.packageName),
      'all three OpenInference packages are installed in this workspace',
    );
    // A package that is not installed is skipped without error.
    const absent = await enableInstalledInstrumentations(provider, {}, [
      {
        packageName: '@arizeai/openinference-instrumentation-not-installed',
        exportName: 'NotInstalledInstrumentation',
        target: { module: 'openai', pick: (m) => m },
      },
    ]);
    assert.deepEqual(absent, []);
  });

  test('an openai chat completion is stored as an LLM span with model, messages, tokens and cost', async () => {
    await instrumentationsReady(provider);
    const tracer = provider.getTracer('auto-instrumentation-test');
    let traceId = '';
    const completion = await tracer.startActiveSpan('answer-question', async (root) => {
      traceId = root.spanContext().traceId;
      try {
        return await openai().chat.completions.create({
          model: 'gpt-4o-mini',
          temperature: 0.2,
          messages: [
            { role: 'system', content: 'You are a bird expert.' },
            { role: 'user', content: 'How do herons hunt?' },
          ],
        });
      } finally {
        root.end();
      }
    });
    // The application gets the answer untouched by the instrumentation.
    assert.equal(completion.choices[0]?.message.content, ANSWER);
    assert.equal(received.at(-1)?.path, '/v1/chat/completions');

    const [span, ...others] = await llmSpans(traceId);
    assert.ok(span, 'no LLM span stored for the trace');
    assert.equal(others.length, 0);
    assert.equal(span.name, 'OpenAI Chat Completions');
    assert.equal(span.span_kind, 'LLM');
    assert.equal(span.status_code, 'OK');
    // A child of the application's own span: the instrumentation joined the active context.
    const root = (await client.getSpans({ project: PROJECT, traceId }).toArray()).find(
      (s) => s.name === 'answer-question',
    );
    assert.ok(root, 'the application span is in the same trace');
    assert.equal(span.parent_id, root.context.span_id);

    const attributes = span.attributes;
    // The model the server answered with (OpenAI's dated name), not the requested alias.
    assert.equal(attributes['llm.model_name'], RESPONSE_MODEL);
    assert.equal(attributes['llm.system'], 'openai');
    assert.equal(attributes['llm.input_messages.0.message.role'], 'system');
    assert.equal(attributes['llm.input_messages.0.message.content'], 'You are a bird expert.');
    assert.equal(attributes['llm.input_messages.1.message.role'], 'user');
    assert.equal(attributes['llm.input_messages.1.message.content'], 'How do herons hunt?');
    assert.equal(attributes['llm.output_messages.0.message.role'], 'assistant');
    assert.equal(attributes['llm.output_messages.0.message.content'], ANSWER);
    assert.equal(attributes['llm.token_count.prompt'], USAGE.prompt_tokens);
    assert.equal(attributes['llm.token_count.completion'], USAGE.completion_tokens);
    assert.equal(attributes['llm.token_count.total'], USAGE.total_tokens);
    assert.deepEqual(JSON.parse(String(attributes['llm.invocation_parameters'])), {
      model: 'gpt-4o-mini',
      temperature: 0.2,
    });
    assert.equal(attributes['input.mime_type'], 'application/json');
    assert.equal(attributes['output.mime_type'], 'application/json');

    // Priced from the built-in table (the dated name matches `gpt-4o-mini`).
    assert.ok(typeof span['cost'] === 'number', `cost: ${String(span['cost'])}`);
    assert.ok(Math.abs(Number(span['cost_prompt']) - EXPECTED_COST_PROMPT) < 1e-12);
    assert.ok(Math.abs(Number(span['cost_completion']) - EXPECTED_COST_COMPLETION) < 1e-12);
    assert.ok(
      Math.abs(Number(span['cost']) - (EXPECTED_COST_PROMPT + EXPECTED_COST_COMPLETION)) < 1e-12,
    );
    // The trace rolls the tokens and the cost up, as the traces table shows them.
    const trace = (await client.getTraces({ project: PROJECT }).toArray()).find(
      (t) => t.trace_id === traceId,
    );
    assert.ok(trace, 'trace listed in the project');
    assert.equal(trace.token_count_total, USAGE.total_tokens);
    assert.ok(
      Math.abs(Number(trace.cost) - (EXPECTED_COST_PROMPT + EXPECTED_COST_COMPLETION)) < 1e-12,
    );
  });

  test('a streamed chat completion is stored with the assembled answer', async () => {
    await instrumentationsReady(provider);
    const before = new Set((await llmSpans()).map((s) => s.context.span_id));
    const stream = await openai().chat.completions.create({
      model: 'gpt-4o-mini',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'How do herons hunt?' }],
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    assert.equal(text, ANSWER);

    // The instrumentation reads its own branch of the stream and ends the span when that branch
    // is done, which may be a moment after the application's loop: wait for it (bounded).
    let added: HeronSpan[] = [];
    for (let attempt = 0; attempt < 50 && added.length === 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100));
      added = (await llmSpans()).filter((s) => !before.has(s.context.span_id));
    }
    assert.equal(added.length, 1, 'one new LLM span');
    const span = added[0]!;
    // Ended without an error (the instrumentation leaves a stream's status UNSET, not OK).
    assert.notEqual(span.status_code, 'ERROR');
    assert.equal(span.attributes['llm.input_messages.0.message.content'], 'How do herons hunt?');
    assert.equal(span.attributes['llm.output_messages.0.message.role'], 'assistant');
    assert.equal(span.attributes['llm.output_messages.0.message.content'], ANSWER);
    // The instrumentation (4.2.7) keeps the requested model for a stream and does not read the
    // usage chunk: no token counts, so Heron shows "no price" (null), never a cost of 0.
    assert.equal(span.attributes['llm.model_name'], 'gpt-4o-mini');
    assert.equal(span.attributes['llm.token_count.prompt'], undefined);
    assert.equal(span['cost'], null);
  });
});
