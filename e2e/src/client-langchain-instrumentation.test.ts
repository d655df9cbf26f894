/**
 * @heron/client's LangChain.js auto-instrumentation with the real `@langchain/core`,
 * `@langchain/openai` and `@arizeai/openinference-instrumentation-langchain`: a small chain
 * (prompt template → ChatOpenAI → string output parser) runs under `register()`, its chat model
 * pointed at a local server that answers like OpenAI's chat completions API, and the spans land
 * in Heron (a real `heron serve`, SQLite or PostgreSQL with HERON_E2E_DATABASE_URL) as
 * LangChain built them: the chain as the root CHAIN span, the prompt and the parser as its
 * children, and the chat model as an LLM span with messages, model, token counts and cost.
 *
 * Only LangChain is instrumented here (`autoInstrument: false` and `modules`): with the OpenAI
 * instrumentation on too, the same call would also be recorded by the `openai` client, as an
 * LLM span of its own trace (see the README).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as CallbackManagerModule from '@langchain/core/callbacks/manager';
import { awaitAllCallbacks } from '@langchain/core/callbacks/promises';
import { StringOutputParser } from '@langchain/core/output_parsers';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { ChatOpenAI } from '@langchain/openai';
import type { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { HeronClient, instrumentationsReady, register, type HeronSpan } from '@heron/client';
import { spawnHeron, type HeronProcess } from '../../packages/server/dist/testing/spawn-heron.js';
import { answerJson, startLlmStandIn, type LlmStandIn } from './support/llm-stand-in.js';

const PROJECT = 'langchain-app';
/** OpenAI answers with the dated name of the model. */
const RESPONSE_MODEL = 'gpt-4o-mini-2024-07-18';
const USAGE = { prompt_tokens: 10_000, completion_tokens: 2_000, total_tokens: 12_000 };
/** Built-in price of gpt-4o-mini: USD 0.15 per million input tokens, 0.60 per million output. */
const EXPECTED_COST = (10_000 * 0.15) / 1e6 + (2_000 * 0.6) / 1e6;
const ANSWER = 'Herons hunt by standing still.';

let heron: HeronProcess;
let heronClient: HeronClient;
let provider: NodeTracerProvider;
let openaiApi: LlmStandIn;

before(async () => {
  heron = await spawnHeron();
  heronClient = new HeronClient({ baseUrl: heron.baseUrl });
  openaiApi = await startLlmStandIn({
    'POST /v1/chat/completions': (_request, response) =>
      answerJson(response, {
        id: 'chatcmpl-heron-langchain',
        object: 'chat.completion',
        created: 1_700_000_000,
        model: RESPONSE_MODEL,
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
  });
  provider = register({
    projectName: PROJECT,
    endpoint: heron.baseUrl,
    autoInstrument: false,
    modules: { '@langchain/core/callbacks/manager': CallbackManagerModule },
  });
});

after(async () => {
  await provider.shutdown();
  await openaiApi.close();
  await heron.stop();
});

describe('LangChain.js auto-instrumentation', () => {
  test('register() enables only the LangChain instrumentation it was given', async () => {
    assert.deepEqual(await instrumentationsReady(provider), [
      '@arizeai/openinference-instrumentation-langchain',
    ]);
  });

  test('a prompt → chat model → parser chain is stored as CHAIN and LLM spans', async () => {
    await instrumentationsReady(provider);
    const prompt = ChatPromptTemplate.fromMessages([
      ['system', 'You are a bird expert.'],
      ['human', 'How do {bird}s hunt?'],
    ]);
    const model = new ChatOpenAI({
      model: 'gpt-4o-mini',
      temperature: 0.2,
      apiKey: 'sk-test-not-a-real-key',
      maxRetries: 0,
      configuration: { baseURL: `${openaiApi.url}/v1` },
    });
    const chain = prompt.pipe(model).pipe(new StringOutputParser());
    const answer = await chain.invoke({ bird: 'heron' });
    assert.equal(answer, ANSWER);
    // The chat model really called the API with the rendered prompt.
    const request = openaiApi.received.at(-1)!;
    assert.equal(request.path, '/v1/chat/completions');
    assert.deepEqual(request.body['messages'], [
      { role: 'system', content: 'You are a bird expert.' },
      { role: 'user', content: 'How do herons hunt?' },
    ]);

    // LangChain runs callbacks (the instrumentation's span ends among them) in the background;
    // an app waits for them before it flushes, as LangChain's docs say for short-lived processes.
    await awaitAllCallbacks();
    await provider.forceFlush();
    const spans = await heronClient.getSpans({ project: PROJECT }).toArray();
    const byName = (name: string): HeronSpan => {
      const found = spans.filter((s) => s.name === name);
      assert.equal(
        found.length,
        1,
        `one span named ${name}: ${spans.map((s) => s.name).join(', ')}`,
      );
      return found[0]!;
    };
    const root = byName('RunnableSequence');
    assert.equal(root.parent_id, null);
    assert.equal(root.span_kind, 'CHAIN');
    // The instrumentation records a one-variable input as its value.
    assert.equal(root.attributes['input.value'], 'heron');
    assert.equal(root.attributes['output.value'], ANSWER);
    for (const span of spans) assert.equal(span.context.trace_id, root.context.trace_id);

    const template = byName('ChatPromptTemplate');
    assert.equal(template.parent_id, root.context.span_id);
    assert.equal(template.span_kind, 'PROMPT');
    assert.deepEqual(JSON.parse(String(template.attributes['llm.prompt_template.variables'])), {
      bird: 'heron',
    });
    const parser = byName('StrOutputParser');
    assert.equal(parser.parent_id, root.context.span_id);
    assert.equal(parser.span_kind, 'CHAIN');
    assert.equal(parser.attributes['output.value'], ANSWER);

    const llm = byName('ChatOpenAI');
    assert.equal(llm.parent_id, root.context.span_id);
    assert.equal(llm.span_kind, 'LLM');
    assert.equal(llm.status_code, 'OK');
    const attributes = llm.attributes;
    // LangChain reports the model it was configured with (priced as gpt-4o-mini).
    assert.equal(attributes['llm.model_name'], 'gpt-4o-mini');
    assert.deepEqual(JSON.parse(String(attributes['llm.invocation_parameters'])), {
      model: 'gpt-4o-mini',
      temperature: 0.2,
      stream: false,
    });
    assert.equal(attributes['llm.input_messages.0.message.role'], 'system');
    assert.equal(attributes['llm.input_messages.0.message.content'], 'You are a bird expert.');
    assert.equal(attributes['llm.input_messages.1.message.role'], 'user');
    assert.equal(attributes['llm.input_messages.1.message.content'], 'How do herons hunt?');
    assert.equal(attributes['llm.output_messages.0.message.role'], 'assistant');
    assert.equal(attributes['llm.output_messages.0.message.content'], ANSWER);
    assert.equal(attributes['llm.token_count.prompt'], USAGE.prompt_tokens);
    assert.equal(attributes['llm.token_count.completion'], USAGE.completion_tokens);
    assert.equal(attributes['llm.token_count.total'], USAGE.total_tokens);
    assert.ok(Math.abs(Number(llm['cost']) - EXPECTED_COST) < 1e-12, `cost ${String(llm['cost'])}`);

    // Only the chat model is an LLM span: the trace counts its tokens and cost once.
    assert.deepEqual(
      spans.filter((s) => s.span_kind === 'LLM').map((s) => s.name),
      ['ChatOpenAI'],
    );
    const trace = (await heronClient.getTraces({ project: PROJECT }).toArray()).find(
      (t) => t.trace_id === root.context.trace_id,
    );
    assert.ok(trace, 'trace listed in the project');
    assert.equal(trace.span_count, spans.length);
    assert.equal(trace.root_span_id, root.context.span_id);
    assert.equal(trace.token_count_total, USAGE.total_tokens);
    assert.ok(
      Math.abs(Number(trace.cost) - EXPECTED_COST) < 1e-12,
      `trace cost ${String(trace.cost)}`,
    );
  });
});
