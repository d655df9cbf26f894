/**
 * The filter language through the REST API: `filter` on the span, trace and session lists,
 * annotations and full-text containment inside expressions, errors as 422 with the column and
 * a suggestion, the length limit setting, and a fuzz over HTTP (every answer 200 or 422 with a
 * message, never 5xx, and the server keeps answering).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createClient } from '@arizeai/phoenix-client';
import { logSpanAnnotations } from '@arizeai/phoenix-client/spans';
import { spawnHeron, type HeronProcess } from '../../packages/server/dist/testing/spawn-heron.js';
import {
  getJson,
  queryString,
  type Page,
  type SpanJson,
  type TraceJson,
} from './support/heron-api.js';
import { postOtlp, PROTOBUF } from './support/otlp-post.js';
import {
  nowNs,
  protobufBody,
  randomSpanId,
  randomTraceId,
  type SpanSpec,
} from './support/synthetic-spans.js';

const MS = 1_000_000n;
const PROJECT = 'filters';
const MAX_FILTER_LENGTH = 300;

let heron: HeronProcess;

interface Sent {
  traceId: string;
  rootId: string;
  llmId: string;
}

/** A CHAIN root and an LLM child; `slow` makes the LLM span 3 s long. */
function trace(options: {
  session: string;
  model: string;
  input: string;
  slow?: boolean;
  error?: boolean;
}): [Sent, SpanSpec[]] {
  const sent = { traceId: randomTraceId(), rootId: randomSpanId(), llmId: randomSpanId() };
  const start = nowNs() - 60_000n * MS;
  const llmEnd = start + (options.slow ? 3_000n : 200n) * MS;
  return [
    sent,
    [
      {
        traceId: sent.traceId,
        spanId: sent.rootId,
        name: 'agent',
        startNs: start,
        endNs: llmEnd + MS,
        attributes: {
          'openinference.span.kind': 'CHAIN',
          'input.value': options.input,
          'session.id': options.session,
          metadata: JSON.stringify({ topic: options.slow ? 'billing' : 'weather' }),
        },
      },
      {
        traceId: sent.traceId,
        spanId: sent.llmId,
        parentSpanId: sent.rootId,
        name: 'ChatCompletion',
        startNs: start + MS,
        endNs: llmEnd,
        attributes: {
          'openinference.span.kind': 'LLM',
          'llm.model_name': options.model,
          'llm.token_count.total': options.slow ? 900 : 100,
        },
        status: options.error ? { code: 2, message: 'rate limited' } : undefined,
      },
    ],
  ];
}

const [fast, fastSpans] = trace({
  session: 's-1',
  model: 'gpt-4o-mini',
  input: 'Quel temps fait-il à Paris ?',
});
const [slow, slowSpans] = trace({
  session: 's-1',
  model: 'gpt-4o',
  input: 'Refund my invoice',
  slow: true,
});
const [failed, failedSpans] = trace({
  session: 's-2',
  model: 'gpt-4o',
  input: '請求書を再発行して',
  error: true,
});

function spans(filter: string) {
  return getJson<Page<SpanJson> & { message?: string }>(
    `${heron.baseUrl}/v1/projects/${PROJECT}/spans${queryString({ filter, limit: 100 })}`,
  );
}

function traces(filter: string) {
  return getJson<Page<TraceJson> & { message?: string }>(
    `${heron.baseUrl}/v1/projects/${PROJECT}/traces${queryString({ filter, limit: 100 })}`,
  );
}

function sessions(filter: string) {
  return getJson<Page<{ session_id: string }> & { message?: string }>(
    `${heron.baseUrl}/v1/projects/${PROJECT}/sessions${queryString({ filter, limit: 100 })}`,
  );
}

async function spanIds(filter: string): Promise<string[]> {
  const response = await spans(filter);
  assert.equal(response.status, 200, `${filter}: ${JSON.stringify(response.body)}`);
  return response.body.data.map((s) => s.context.span_id).sort();
}

async function traceIds(filter: string): Promise<string[]> {
  const response = await traces(filter);
  assert.equal(response.status, 200, `${filter}: ${JSON.stringify(response.body)}`);
  return response.body.data.map((t) => t.trace_id).sort();
}

before(async () => {
  heron = await spawnHeron({ env: { HERON_MAX_FILTER_LENGTH: String(MAX_FILTER_LENGTH) } });
  const response = await postOtlp(
    heron.baseUrl,
    protobufBody([...fastSpans, ...slowSpans, ...failedSpans]),
    { contentType: PROTOBUF, headers: { 'x-project-name': PROJECT } },
  );
  assert.equal(response.status, 200);
  const client = createClient({ options: { baseUrl: heron.baseUrl } });
  await logSpanAnnotations({
    client,
    sync: true,
    spanAnnotations: [
      { spanId: slow.llmId, name: 'correctness', label: 'incorrect', score: 0 },
      { spanId: fast.llmId, name: 'correctness', label: 'correct', score: 1 },
    ],
  });
});

after(async () => {
  await heron?.stop();
});

describe('filters on the lists', () => {
  test('span filters: kinds, attributes, latency, status, metadata, roots', async () => {
    assert.deepEqual(
      await spanIds("span_kind == 'LLM'"),
      [fast.llmId, slow.llmId, failed.llmId].sort(),
    );
    assert.deepEqual(await spanIds("llm.model_name == 'gpt-4o' and latency_ms > 1000"), [
      slow.llmId,
    ]);
    assert.deepEqual(await spanIds("status_code == 'ERROR'"), [failed.llmId]);
    assert.deepEqual(await spanIds("metadata['topic'] == 'billing'"), [slow.rootId]);
    assert.deepEqual(await spanIds('llm.token_count.total > 500'), [slow.llmId]);
    assert.deepEqual(
      await spanIds('parent_id is None'),
      [fast.rootId, slow.rootId, failed.rootId].sort(),
    );
    assert.deepEqual(await spanIds("llm.model_name in ['gpt-4o-mini', 'claude']"), [fast.llmId]);
  });

  test('annotations and full-text containment inside expressions', async () => {
    assert.deepEqual(await spanIds("annotations['correctness'].label == 'incorrect'"), [
      slow.llmId,
    ]);
    assert.deepEqual(await spanIds("annotations['correctness'].score >= 0.5"), [fast.llmId]);
    assert.deepEqual(await spanIds("span_kind == 'LLM' and annotations['correctness'] is None"), [
      failed.llmId,
    ]);
    assert.deepEqual(await spanIds("'PARIS' in input.value"), [fast.rootId]);
    assert.deepEqual(await spanIds("'a paris' in input.value"), [fast.rootId]); // accent-insensitive
    assert.deepEqual(await spanIds("'請求書' in input.value"), [failed.rootId]);
  });

  test('trace filters over rollups, the root span and its spans', async () => {
    assert.deepEqual(await traceIds('token_count_total > 500'), [slow.traceId]);
    assert.deepEqual(await traceIds("any(spans, status_code == 'ERROR')"), [failed.traceId]);
    assert.deepEqual(await traceIds("'refund' in input"), [slow.traceId]);
    assert.deepEqual(
      await traceIds("any(s.llm.model_name == 'gpt-4o' for s in spans) and error_count == 0"),
      [slow.traceId],
    );
  });

  test('session filters', async () => {
    const ids = async (filter: string) => {
      const response = await sessions(filter);
      assert.equal(response.status, 200, JSON.stringify(response.body));
      return response.body.data.map((s) => s.session_id).sort();
    };
    assert.deepEqual(await ids('num_traces > 1'), ['s-1']);
    assert.deepEqual(await ids('any(traces, error_count > 0)'), ['s-2']);
    assert.deepEqual(await ids("'refund' in any_input"), ['s-1']);
  });

  test('a bad expression is 422 with the column and the name probably meant', async () => {
    const typo = await spans('latncy_ms > 100');
    assert.equal(typo.status, 422);
    assert.match(typo.body.message!, /column 1/);
    assert.match(typo.body.message!, /latency_ms/);
    const operator = await spans("name = 'x'");
    assert.equal(operator.status, 422);
    assert.match(operator.body.message!, /==/);
    const traceName = await traces("span_kind == 'LLM'");
    assert.equal(traceName.status, 422);
    assert.match(traceName.body.message!, /any\(spans/);
    const tooLong = await spans(`name == '${'x'.repeat(MAX_FILTER_LENGTH)}'`);
    assert.equal(tooLong.status, 422);
    assert.match(tooLong.body.message!, new RegExp(String(MAX_FILTER_LENGTH)));
  });

  test('injection attempts match nothing they should not', async () => {
    for (const filter of [
      'name == "x\' OR 1=1 --"',
      "attributes['a'') OR 1=1 --'] == 1",
      'metadata["x\\"]"] == \'y\'',
      "'%' in name",
      "'_' in name",
    ]) {
      const response = await spans(filter);
      assert.ok(
        response.status === 200 || response.status === 422,
        `${filter}: ${response.status}`,
      );
      if (response.status === 200) assert.deepEqual(response.body.data, [], filter);
    }
  });
});

/** mulberry32, so a failing run can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEEDS = [
  "span_kind == 'LLM'",
  "llm.model_name == 'gpt-4o' and latency_ms > 1000",
  "annotations['correctness'].score >= 0.5",
  "'refund' in input.value or not (status_code == 'ERROR')",
  "metadata['topic'] in ['billing', 'weather']",
  'token_count_total > 500',
  "any(spans, span_kind == 'LLM')",
  "num_traces > 1 and 'x' in any_input",
  'int(llm.token_count.total) % 7 == 3',
  "start_time > '2024-01-01T00:00:00Z'",
];
const PIECES = [
  ' ',
  '(',
  ')',
  '[',
  ']',
  "'",
  '"',
  '==',
  ' and ',
  ' or ',
  ' not ',
  ' in ',
  '.',
  ',',
  '\\',
  '%',
  '1e309',
  'None',
  '\u0000',
  '日本',
  '-',
  '*',
  '/0',
  'any(',
  ' for s in spans',
];

test('fuzz over HTTP: 3,000 mutated expressions on the three lists, never a 5xx', async () => {
  const next = random(Number(process.env['FILTER_FUZZ_SEED'] ?? 7));
  const lists = [spans, traces, sessions];
  for (let i = 0; i < 3_000; i++) {
    let expression = SEEDS[Math.floor(next() * SEEDS.length)]!;
    for (let m = Math.floor(next() * 4); m >= 0; m--) {
      const at = Math.floor(next() * (expression.length + 1));
      const cut = next() < 0.5 ? Math.floor(next() * 4) : 0;
      const piece = PIECES[Math.floor(next() * PIECES.length)]!;
      expression = expression.slice(0, at) + piece + expression.slice(at + cut);
    }
    const response = await lists[i % 3]!(expression);
    assert.ok(
      response.status === 200 ||
        (response.status === 422 && typeof response.body.message === 'string'),
      `#${i} ${JSON.stringify(expression)} → ${response.status} ${JSON.stringify(response.body)}`,
    );
  }
  const health = await fetch(`${heron.baseUrl}/readyz`);
  assert.equal(health.status, 200);
});
