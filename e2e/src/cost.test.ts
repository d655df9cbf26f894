/**
 * Tokens and cost through a real `heron serve` and the stock OpenTelemetry SDK + OTLP exporter:
 * an agent trace with a wrapper span that copies its LLM calls' tokens (OpenInference) and a
 * gen_ai.* call (OTel GenAI conventions) is priced per span with a breakdown, rolled up per
 * trace, session and project without double counting; an unknown model shows tokens and no
 * price; a user price plus a recompute re-prices the stored spans.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { context, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { spawnHeron, type HeronProcess } from '../../packages/server/dist/testing/spawn-heron.js';
import { RecordingExporter } from './support/openinference-trace.js';

const PROJECT = 'cost-e2e';
const M = 1_000_000;

let heron: HeronProcess;

before(async () => {
  heron = await spawnHeron();
});

after(async () => {
  await heron?.stop();
});

async function api<T>(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${heron.baseUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

interface SpanCostJson {
  name: string;
  context: { trace_id: string };
  cost: number | null;
  cost_prompt: number | null;
  cost_completion: number | null;
  cost_details: Record<
    string,
    { tokens: number; cost: number; usd_per_million_tokens: number }
  > | null;
  price_id: string | null;
  attributes: Record<string, unknown>;
}

function close(actual: unknown, expected: number, what: string): void {
  assert.ok(
    typeof actual === 'number' && Math.abs(actual - expected) < 1e-12,
    `${what}: ${String(actual)} ≠ ${expected}`,
  );
}

/** One agent run: a CHAIN wrapper copying its children's tokens, three LLM calls. */
async function sendAgentTrace(): Promise<string> {
  const exporter = new RecordingExporter(
    new OTLPTraceExporter({ url: `${heron.baseUrl}/v1/traces` }),
  );
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'openinference.project.name': PROJECT }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 10_000 })],
  });
  try {
    const tracer = provider.getTracer('cost-e2e');
    const root = tracer.startSpan('agent', {
      attributes: {
        'openinference.span.kind': 'CHAIN',
        'session.id': 'cost-session',
        // The wrapper copies the sum of its calls' tokens, as some frameworks do.
        'llm.model_name': 'gpt-4o',
        'llm.token_count.prompt': 3200,
        'llm.token_count.completion': 700,
      },
    });
    const parent = trace.setSpan(context.active(), root);
    tracer
      .startSpan(
        'ChatCompletion',
        {
          attributes: {
            'openinference.span.kind': 'LLM',
            'llm.provider': 'openai',
            'llm.model_name': 'gpt-4o-2024-08-06',
            'llm.token_count.prompt': 1200,
            'llm.token_count.completion': 300,
            'llm.token_count.total': 1500,
            'llm.token_count.prompt_details.cache_read': 1000,
          },
        },
        parent,
      )
      .end();
    tracer
      .startSpan(
        'chat claude',
        {
          attributes: {
            'gen_ai.operation.name': 'chat',
            'gen_ai.system': 'anthropic',
            'gen_ai.request.model': 'claude-3-5-haiku-20241022',
            'gen_ai.response.model': 'claude-3-5-haiku-20241022',
            'gen_ai.usage.input_tokens': 2000,
            'gen_ai.usage.output_tokens': 400,
            'gen_ai.usage.cache_read_input_tokens': 1500,
          },
        },
        parent,
      )
      .end();
    tracer
      .startSpan(
        'in-house model',
        {
          attributes: {
            'openinference.span.kind': 'LLM',
            'llm.model_name': 'acme-llm-2',
            'llm.token_count.prompt': 100,
            'llm.token_count.completion': 50,
          },
        },
        parent,
      )
      .end();
    root.end();
    await provider.forceFlush();
    exporter.assertAllSucceeded();
    return root.spanContext().traceId;
  } finally {
    await provider.shutdown();
  }
}

async function spansOf(traceId: string): Promise<Map<string, SpanCostJson>> {
  const { body } = await api<{ data: SpanCostJson[] }>(
    'GET',
    `/v1/projects/${PROJECT}/spans?trace_id=${traceId}&limit=100`,
  );
  return new Map(body.data.map((span) => [span.name, span]));
}

async function traceCost(traceId: string): Promise<number | null> {
  const { body } = await api<{ data: { cost: number | null } }>('GET', `/v1/traces/${traceId}`);
  return body.data.cost;
}

describe('tokens and cost end to end', () => {
  let traceId: string;

  before(async () => {
    traceId = await sendAgentTrace();
  });

  test('each LLM span is priced with a breakdown; wrappers and unknown models have no cost', async () => {
    const spans = await spansOf(traceId);
    // gpt-4o: 200 × $2.50 + 1000 × $1.25 (cached) = 1750 /M; 300 × $10 = 3000 /M.
    const openai = spans.get('ChatCompletion')!;
    close(openai.cost, 4750 / M, 'gpt-4o');
    close(openai.cost_prompt, 1750 / M, 'gpt-4o prompt');
    assert.equal(openai.price_id, 'openai-gpt-4o');
    assert.deepEqual(
      Object.fromEntries(Object.entries(openai.cost_details!).map(([t, d]) => [t, d.tokens])),
      { input: 200, cache_read: 1000, output: 300 },
    );
    // gen_ai.* usage, Claude 3.5 Haiku: input 2000 includes 1500 cache reads:
    // 500 × $0.80 + 1500 × $0.08 = 400 + 120 = 520 /M; 400 × $4 = 1600 /M → 2120 /M.
    const claude = spans.get('chat claude')!;
    close(claude.cost, 2120 / M, 'claude via gen_ai.*');
    assert.equal(claude.price_id, 'anthropic-claude-3-5-haiku');
    // The wrapper copies tokens but has no cost; the unknown model keeps its tokens, no price.
    assert.equal(spans.get('agent')!.cost, null);
    const acme = spans.get('in-house model')!;
    assert.equal(acme.cost, null);
    assert.equal(acme.cost_details, null);
    assert.equal(acme.attributes['llm.token_count.prompt'], 100);
  });

  test("trace, session and project roll up the LLM spans' own costs only", async () => {
    close(await traceCost(traceId), 6870 / M, 'trace = 4750 + 2120');
    const sessions = await api<{ data: { session_id: string; cost: number | null }[] }>(
      'GET',
      `/v1/projects/${PROJECT}/sessions`,
    );
    close(
      sessions.body.data.find((s) => s.session_id === 'cost-session')?.cost,
      6870 / M,
      'session',
    );
    const summary = await api<{ data: { cost: number | null } }>(
      'GET',
      `/v1/projects/${PROJECT}/summary`,
    );
    close(summary.body.data.cost, 6870 / M, 'project');
  });

  test('lists the unknown model with its span count', async () => {
    const { body } = await api<{ data: { model_name: string; span_count: number }[] }>(
      'GET',
      `/v1/model_prices/unknown_models?project_identifier=${PROJECT}`,
    );
    assert.deepEqual(
      body.data.map((m) => [m.model_name, m.span_count]),
      [['acme-llm-2', 1]],
    );
  });

  test('validates prices with clear 400s and keeps built-ins read-only', async () => {
    const bad = await api<{ message: string }>('POST', '/v1/model_prices', {
      name: 'x',
      pattern: '(a+)+',
      usd_per_million_tokens: { input: 1, output: 1 },
    });
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /exponential/);
    const noOutput = await api<{ message: string }>('POST', '/v1/model_prices', {
      name: 'x',
      pattern: 'x',
      usd_per_million_tokens: { input: 1, tokens: 2 },
    });
    assert.equal(noOutput.status, 400);
    assert.match(noOutput.body.message, /not a token type/);
    const builtIn = await api<{ message: string }>('PATCH', '/v1/model_prices/openai-gpt-4o', {
      name: 'cheaper',
    });
    assert.equal(builtIn.status, 403);
    assert.equal((await api('GET', '/v1/model_prices/nope')).status, 404);
  });

  test('a user price and a recompute re-price the stored spans', async () => {
    const created = await api<{ data: { id: string } }>('POST', '/v1/model_prices', {
      name: 'Acme LLM 2',
      pattern: 'acme-llm-\\d+',
      usd_per_million_tokens: { input: 10, output: 20 },
    });
    assert.equal(created.status, 201);
    assert.equal(
      (
        await api('POST', '/v1/model_prices', {
          name: 'again',
          pattern: 'acme-llm-\\d+',
          usd_per_million_tokens: { input: 1, output: 2 },
        })
      ).status,
      409,
    );
    const listed = await api<{ data: { id: string; source: string }[] }>('GET', '/v1/model_prices');
    assert.equal(listed.body.data[0]?.id, created.body.data.id, 'user prices first');
    assert.ok(listed.body.data.filter((p) => p.source === 'built_in').length >= 50);

    // Stored costs stay as they were until a recompute.
    assert.equal((await spansOf(traceId)).get('in-house model')!.cost, null);
    const started = await api<{ data: { id: string; state: string } }>(
      'POST',
      '/v1/model_prices/recompute',
      { project: PROJECT },
    );
    assert.equal(started.status, 202);
    let job = started.body.data as {
      id: string;
      state: string;
      spans_done: number;
      spans_total: number;
    };
    for (let i = 0; i < 200 && job.state === 'running'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      job = (await api<{ data: typeof job }>('GET', `/v1/model_prices/recompute/${job.id}`)).body
        .data;
    }
    assert.equal(job.state, 'succeeded');
    assert.equal(job.spans_total, 3, 'the three LLM spans');
    assert.equal(job.spans_done, 3);

    // acme: 100 × $10 + 50 × $20 = 2000 /M.
    const acme = (await spansOf(traceId)).get('in-house model')!;
    close(acme.cost, 2000 / M, 'acme after recompute');
    assert.equal(acme.price_id, created.body.data.id);
    close(await traceCost(traceId), 8870 / M, 'trace after recompute');
    const unknown = await api<{ data: unknown[] }>('GET', '/v1/model_prices/unknown_models');
    assert.deepEqual(unknown.body.data, []);
    assert.equal((await api('GET', '/v1/model_prices/recompute/nope')).status, 404);

    const deleted = await api('DELETE', `/v1/model_prices/${created.body.data.id}`);
    assert.equal(deleted.status, 200);
  });
});
