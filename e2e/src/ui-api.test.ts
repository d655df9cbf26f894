/**
 * The web UI's endpoints through a real `heron serve`, fed by the stock OpenTelemetry SDK and
 * OTLP/HTTP protobuf exporter: metrics over time buckets, the projects page's summary figures,
 * saved views, filter suggestions and filter validation — their answers and their error cases,
 * and the settings that bound them (a second server runs with small limits).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { context, SpanStatusCode, trace, type Attributes, type Tracer } from '@opentelemetry/api';
import { createClient } from '@arizeai/phoenix-client';
import { logSpanAnnotations } from '@arizeai/phoenix-client/spans';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { spawnHeron, type HeronProcess } from '../../packages/server/dist/testing/spawn-heron.js';
import { getJson, queryString, type Query } from './support/heron-api.js';
import { RecordingExporter } from './support/openinference-trace.js';

const PROJECT = 'ui-api';
const MINUTE_MS = 60_000;
/** Start of the first metrics bucket: a whole minute, half an hour ago. */
const T0 = Math.floor((Date.now() - 30 * MINUTE_MS) / MINUTE_MS) * MINUTE_MS;

let heron: HeronProcess;
/** A server with small limits, to see each setting take effect. */
let limited: HeronProcess;
/** The newest span end sent to PROJECT (ms). */
let lastEndMs = 0;
let llmSpanId = '';

interface ErrorBody {
  statusCode: number;
  message: string;
}

interface Metrics {
  start_time: string;
  end_time: string;
  bucket_seconds: number;
  buckets: {
    start_time: string;
    trace_count: number;
    error_trace_count: number;
    latency_ms_p50: number | null;
    latency_ms_p90: number | null;
    latency_ms_p99: number | null;
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
    cost: number | null;
  }[];
  models: {
    model_name: string | null;
    span_count: number;
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
    cost: number | null;
  }[];
  span_kinds: { span_kind: string; span_count: number }[];
}

interface View {
  id: string;
  project_id: string;
  name: string;
  table: string;
  filter: string | null;
  q: string | null;
  columns: string[];
  sort: string | null;
  order: string | null;
  root_spans_only: boolean | null;
  created_at: string;
  updated_at: string;
}

/** `{data}` on 2xx, the error body otherwise. */
async function call<T>(
  server: HeronProcess,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; data: T; error: ErrorBody }> {
  const response = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  const json = text ? (JSON.parse(text) as { data: T } & ErrorBody) : ({} as never);
  return { status: response.status, data: json.data, error: json };
}

function metrics(query: Query, server = heron, project = PROJECT) {
  return call<Metrics>(server, 'GET', `/v1/projects/${project}/metrics${queryString(query)}`);
}

const iso = (ms: number) => new Date(ms).toISOString();
/** Heron's ISO form (microseconds, +00:00) of a whole-millisecond time. */
const heronIso = (ms: number) => `${new Date(ms).toISOString().slice(0, 23)}000+00:00`;

/** A CHAIN root of `latencyMs` with an LLM child (and a TOOL child when asked). */
function agentTrace(
  tracer: Tracer,
  startMs: number,
  latencyMs: number,
  llm: { model: string; prompt: number; completion: number; failed?: boolean },
  options: { tool?: boolean; rootAttributes?: Attributes } = {},
): string {
  const root = tracer.startSpan('agent', {
    startTime: new Date(startMs),
    attributes: {
      'openinference.span.kind': 'CHAIN',
      'input.value': 'Which plan fits me?',
      ...options.rootAttributes,
    },
  });
  const inRoot = trace.setSpan(context.active(), root);
  const child = tracer.startSpan(
    'ChatCompletion',
    {
      startTime: new Date(startMs + 1),
      attributes: {
        'openinference.span.kind': 'LLM',
        'llm.model_name': llm.model,
        'llm.token_count.prompt': llm.prompt,
        'llm.token_count.completion': llm.completion,
        'llm.token_count.total': llm.prompt + llm.completion,
      },
    },
    inRoot,
  );
  if (llm.failed) child.setStatus({ code: SpanStatusCode.ERROR, message: 'rate limited' });
  child.end(new Date(startMs + 2));
  if (options.tool) {
    const tool = tracer.startSpan(
      'lookup',
      { startTime: new Date(startMs + 3), attributes: { 'openinference.span.kind': 'TOOL' } },
      inRoot,
    );
    tool.end(new Date(startMs + 4));
  }
  root.end(new Date(startMs + latencyMs));
  lastEndMs = Math.max(lastEndMs, startMs + latencyMs);
  return child.spanContext().spanId;
}

/** Sends spans made by `emit` through the SDK and the real OTLP/HTTP protobuf exporter. */
async function send(server: HeronProcess, project: string, emit: (t: Tracer) => void) {
  const exporter = new RecordingExporter(
    new OTLPTraceExporter({ url: `${server.baseUrl}/v1/traces` }),
  );
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'openinference.project.name': project }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  try {
    emit(provider.getTracer('heron-e2e-ui-api'));
    await provider.forceFlush();
    exporter.assertAllSucceeded();
  } finally {
    await provider.shutdown();
  }
}

before(async () => {
  [heron, limited] = await Promise.all([
    spawnHeron(),
    spawnHeron({
      env: {
        HERON_MAX_SAVED_VIEWS_PER_PROJECT: '2',
        HERON_MAX_SAVED_VIEW_NAME_LENGTH: '12',
        HERON_MAX_SAVED_VIEW_COLUMNS: '3',
        HERON_MAX_METRICS_BUCKETS: '500',
        HERON_FILTER_SUGGESTION_SAMPLE_SPANS: '1',
        HERON_MAX_FILTER_SUGGESTIONS: '2',
      },
    }),
  ]);
  // Minute 0: three traces of 10, 20 and 30 ms (one LLM call failed); minute 2: one of 100 ms.
  await send(heron, PROJECT, (tracer) => {
    const gold = { metadata: JSON.stringify({ customer_tier: 'gold' }), 'session.id': 'chat-1' };
    llmSpanId = agentTrace(
      tracer,
      T0 + 1000,
      10,
      { model: 'e2e-model-x', prompt: 10, completion: 5 },
      { rootAttributes: gold },
    );
    agentTrace(tracer, T0 + 2000, 20, { model: 'e2e-model-x', prompt: 10, completion: 5 });
    agentTrace(tracer, T0 + 3000, 30, {
      model: 'e2e-model-x',
      prompt: 10,
      completion: 5,
      failed: true,
    });
    agentTrace(
      tracer,
      T0 + 2 * MINUTE_MS + 500,
      100,
      { model: 'e2e-model-y', prompt: 100, completion: 50 },
      { tool: true, rootAttributes: { 'user.id': 'u-7' } },
    );
  });
  await logSpanAnnotations({
    client: createClient({ options: { baseUrl: heron.baseUrl } }),
    sync: true,
    spanAnnotations: [{ spanId: llmSpanId, name: 'helpfulness', label: 'helpful', score: 1 }],
  });
});

after(async () => {
  await Promise.all([heron?.stop(), limited?.stop()]);
});

describe('GET /v1/projects/{id}/metrics', () => {
  test('buckets the traces of a range, with exact percentiles, tokens and zeros', async () => {
    const { status, data, error } = await metrics({
      start_time: iso(T0),
      end_time: iso(T0 + 5 * MINUTE_MS),
      bucket_seconds: 60,
    });
    assert.equal(status, 200, error.message);
    assert.equal(data.start_time, heronIso(T0));
    assert.equal(data.end_time, heronIso(T0 + 5 * MINUTE_MS));
    assert.equal(data.bucket_seconds, 60);
    assert.deepEqual(
      data.buckets.map((b) => [b.start_time, b.trace_count, b.error_trace_count]),
      [0, 1, 2, 3, 4].map((i) => [
        heronIso(T0 + i * MINUTE_MS),
        [3, 0, 1, 0, 0][i],
        [1, 0, 0, 0, 0][i],
      ]),
    );
    const [first, empty, third] = data.buckets;
    assert.deepEqual(
      [first!.latency_ms_p50, first!.latency_ms_p90, first!.latency_ms_p99],
      [20, 30, 30],
    );
    assert.deepEqual(
      [first!.prompt_tokens, first!.completion_tokens, first!.total_tokens, first!.cost],
      [30, 15, 45, null],
    );
    assert.deepEqual([empty!.latency_ms_p50, empty!.total_tokens, empty!.cost], [null, 0, null]);
    assert.deepEqual([third!.latency_ms_p50, third!.total_tokens], [100, 150]);
    assert.deepEqual(data.models, [
      {
        model_name: 'e2e-model-y',
        span_count: 1,
        prompt_tokens: 100,
        completion_tokens: 50,
        total_tokens: 150,
        cost: null,
      },
      {
        model_name: 'e2e-model-x',
        span_count: 3,
        prompt_tokens: 30,
        completion_tokens: 15,
        total_tokens: 45,
        cost: null,
      },
    ]);
    assert.deepEqual(data.span_kinds, [
      { span_kind: 'CHAIN', span_count: 4 },
      { span_kind: 'LLM', span_count: 4 },
      { span_kind: 'TOOL', span_count: 1 },
    ]);
  });

  test('rounds the range out to whole buckets', async () => {
    const { status, data } = await metrics({
      start_time: iso(T0 + 30_000),
      end_time: iso(T0 + 150_000),
      bucket_seconds: 60,
    });
    assert.equal(status, 200);
    assert.equal(data.start_time, heronIso(T0));
    assert.equal(data.end_time, heronIso(T0 + 3 * MINUTE_MS));
    assert.deepEqual(
      data.buckets.map((b) => b.trace_count),
      [3, 0, 1],
    );
  });

  test('defaults to the last 7 days in 60–120 buckets', async () => {
    const before = Date.now();
    const { status, data } = await metrics({});
    assert.equal(status, 200);
    assert.ok(data.buckets.length >= 60 && data.buckets.length <= 120, `${data.buckets.length}`);
    assert.equal(
      data.buckets.length * data.bucket_seconds * 1000,
      Date.parse(data.end_time) - Date.parse(data.start_time),
    );
    assert.ok(Date.parse(data.end_time) >= before);
    assert.ok(Date.parse(data.start_time) <= before - 7 * 86_400_000);
    assert.equal(
      data.buckets.reduce((sum, b) => sum + b.trace_count, 0),
      4,
    );
    const hour = await metrics({ start_time: iso(T0), end_time: iso(T0 + 60 * MINUTE_MS) });
    assert.equal(hour.data.bucket_seconds, 30);
    assert.equal(hour.data.buckets.length, 120);
  });

  test('refuses bad parameters with 400 naming them, and unknown projects with 404', async () => {
    const cases: [Query, RegExp][] = [
      [{ start_time: 'yesterday' }, /start_time must be an ISO 8601 timestamp/],
      [{ end_time: '2024-13-45' }, /end_time must be an ISO 8601/],
      [{ start_time: iso(T0), end_time: iso(T0) }, /start_time must be before end_time/],
      [{ bucket_seconds: 0 }, /bucket_seconds must be a whole number/],
      [{ bucket_seconds: '1.5' }, /bucket_seconds must be a whole number/],
      [
        { start_time: iso(T0), end_time: iso(T0 + 60 * MINUTE_MS), bucket_seconds: 1 },
        /3600 buckets.*at most 1000.*HERON_MAX_METRICS_BUCKETS/,
      ],
    ];
    for (const [query, message] of cases) {
      const { status, error } = await metrics(query);
      assert.equal(status, 400, JSON.stringify(query));
      assert.match(error.message, message);
    }
    const missing = await metrics({}, heron, 'no-such-project');
    assert.equal(missing.status, 404);
  });

  test('HERON_MAX_METRICS_BUCKETS sets the bucket limit', async () => {
    const range = { start_time: iso(T0), end_time: iso(T0 + 10 * MINUTE_MS) };
    await call(limited, 'POST', '/v1/projects', { name: 'buckets' });
    const tooMany = await metrics({ ...range, bucket_seconds: 1 }, limited, 'buckets');
    assert.equal(tooMany.status, 400);
    assert.match(tooMany.error.message, /600 buckets.*at most 500/);
    const allowed = await metrics({ ...range, bucket_seconds: 2 }, limited, 'buckets');
    assert.equal(allowed.status, 200);
    assert.equal(allowed.data.buckets.length, 300);
  });
});

describe('GET /v1/projects/{id}/summary figures for the projects page', () => {
  test('session count, last activity, p90 and the (not yet filled) cost split', async () => {
    const { status, data } = await call<Record<string, unknown>>(
      heron,
      'GET',
      `/v1/projects/${PROJECT}/summary`,
    );
    assert.equal(status, 200);
    assert.equal(data['trace_count'], 4);
    assert.equal(data['session_count'], 1);
    assert.equal(data['last_activity'], heronIso(lastEndMs));
    assert.deepEqual(
      [data['latency_ms_p50'], data['latency_ms_p90'], data['latency_ms_p99']],
      [20, 100, 100],
    );
    assert.deepEqual([data['cost_prompt'], data['cost_completion']], [null, null]);
    const window = await call<Record<string, unknown>>(
      heron,
      'GET',
      `/v1/projects/${PROJECT}/summary${queryString({ start_time: iso(T0 + MINUTE_MS) })}`,
    );
    assert.deepEqual([window.data['trace_count'], window.data['session_count']], [1, 0]);
    assert.equal(
      window.data['last_activity'],
      heronIso(lastEndMs),
      'last activity ignores the window',
    );
    await call(heron, 'POST', '/v1/projects', { name: 'ui-api-empty' });
    const empty = await call<Record<string, unknown>>(
      heron,
      'GET',
      '/v1/projects/ui-api-empty/summary',
    );
    assert.deepEqual(
      [empty.data['session_count'], empty.data['last_activity'], empty.data['latency_ms_p90']],
      [0, null, null],
    );
  });
});

describe('saved views', () => {
  const base = `/v1/projects/${PROJECT}/views`;
  const slowSpans = {
    name: 'Slow LLM calls',
    table: 'spans',
    filter: "span_kind == 'LLM' and latency_ms > 1000",
    q: null,
    columns: ['name', 'latency_ms', 'annotations.helpfulness'],
    sort: 'latency_ms',
    order: 'desc',
    root_spans_only: false,
  };

  test('create, list, read, change part of, and delete a view', async () => {
    const created = await call<View>(heron, 'POST', base, slowSpans);
    assert.equal(created.status, 201, created.error.message);
    const { id, project_id, created_at, updated_at, ...fields } = created.data;
    assert.deepEqual(fields, slowSpans);
    assert.match(Buffer.from(id, 'base64').toString(), /^SavedView:\d+$/);
    const project = await call<{ id: string }>(heron, 'GET', `/v1/projects/${PROJECT}`);
    assert.equal(project_id, project.data.id);
    assert.equal(created_at, updated_at);

    const second = await call<View>(heron, 'POST', base, {
      name: '  Errors ',
      table: 'traces',
      filter: "any(spans, status_code == 'ERROR')",
    });
    assert.equal(second.status, 201, second.error.message);
    assert.deepEqual(
      [second.data.name, second.data.columns, second.data.q, second.data.sort, second.data.order],
      ['Errors', [], null, null, null],
      'trimmed name; missing fields are empty',
    );

    const listed = await call<View[]>(heron, 'GET', base);
    assert.deepEqual(
      listed.data.map((v) => v.name),
      ['Errors', 'Slow LLM calls'],
    );
    assert.deepEqual((await call<View>(heron, 'GET', `${base}/${id}`)).data, created.data);
    const byName = await call<View>(
      heron,
      'GET',
      `${base}/${encodeURIComponent('Slow LLM calls')}`,
    );
    assert.equal(byName.data.id, id);

    await new Promise((resolve) => setTimeout(resolve, 10));
    const patched = await call<View>(heron, 'PATCH', `${base}/${id}`, {
      q: 'refund',
      columns: ['name'],
    });
    assert.equal(patched.status, 200, patched.error.message);
    assert.deepEqual(
      { ...patched.data, updated_at: undefined },
      { ...created.data, q: 'refund', columns: ['name'], updated_at: undefined },
    );
    assert.ok(Date.parse(patched.data.updated_at) > Date.parse(created_at));

    const clash = await call(heron, 'PATCH', `${base}/${id}`, { name: 'Errors' });
    assert.equal(clash.status, 409);
    assert.match(clash.error.message, /already has a view named "Errors"/);
    const duplicate = await call(heron, 'POST', base, { ...slowSpans });
    assert.equal(duplicate.status, 409);

    assert.equal((await call(heron, 'DELETE', `${base}/${id}`)).status, 204);
    assert.equal((await call(heron, 'DELETE', `${base}/${id}`)).status, 404);
    assert.equal((await call(heron, 'GET', `${base}/${id}`)).status, 404);
    assert.equal((await call(heron, 'DELETE', `${base}/${second.data.id}`)).status, 204);
    assert.deepEqual((await call<View[]>(heron, 'GET', base)).data, []);
  });

  test('400 names the field that is wrong; the filter must parse for the view’s table', async () => {
    const cases: [unknown, RegExp][] = [
      ['[1]', /body must be a JSON object/],
      [{ ...slowSpans, name: undefined }, /name is required/],
      [{ ...slowSpans, name: '   ' }, /name is required/],
      [{ ...slowSpans, table: 'sessions' }, /table must be one of traces, spans/],
      [
        { ...slowSpans, filter: 'latncy_ms > 5' },
        /filter is not a valid span filter: .*did you mean 'latency_ms'/,
      ],
      [{ ...slowSpans, table: 'traces' }, /filter is not a valid trace filter: .*any\(spans/],
      [{ ...slowSpans, filter: 3 }, /filter must be a string or null/],
      [{ ...slowSpans, q: ['x'] }, /q must be a string or null/],
      [{ ...slowSpans, columns: 'name' }, /columns must be a list of strings/],
      [{ ...slowSpans, columns: ['name', 7] }, /columns\[1\] must be a non-empty string/],
      [{ ...slowSpans, columns: ['name', 'name'] }, /columns lists "name" twice/],
      [{ ...slowSpans, sort: 'vibes' }, /sort must be one of start_time, latency_ms/],
      [{ ...slowSpans, order: 'up' }, /order must be "asc", "desc" or null/],
      [{ ...slowSpans, root_spans_only: 'yes' }, /root_spans_only must be true, false or null/],
      [{ ...slowSpans, colour: 'blue' }, /Unknown field "colour"/],
    ];
    for (const [body, message] of cases) {
      const { status, error } = await call(heron, 'POST', base, body);
      assert.equal(status, 400, JSON.stringify(body));
      assert.match(error.message, message);
    }
    const created = await call<View>(heron, 'POST', base, { ...slowSpans, name: 'to patch' });
    assert.equal(created.status, 201);
    const retarget = await call(heron, 'PATCH', `${base}/${created.data.id}`, { table: 'traces' });
    assert.equal(retarget.status, 400, 'a span filter does not fit a traces view');
    assert.match(retarget.error.message, /not a valid trace filter/);
    assert.equal((await call(heron, 'DELETE', `${base}/${created.data.id}`)).status, 204);
    assert.equal((await call(heron, 'GET', '/v1/projects/nope/views')).status, 404);
    assert.equal((await call(heron, 'POST', '/v1/projects/nope/views', slowSpans)).status, 404);
  });

  test('a deleted project takes its views with it', async () => {
    assert.equal((await call(heron, 'POST', '/v1/projects', { name: 'short-lived' })).status, 200);
    const path = '/v1/projects/short-lived/views';
    assert.equal((await call(heron, 'POST', path, { name: 'mine', table: 'traces' })).status, 201);
    assert.equal((await call(heron, 'DELETE', '/v1/projects/short-lived')).status, 204);
    assert.equal((await call(heron, 'POST', '/v1/projects', { name: 'short-lived' })).status, 200);
    assert.deepEqual((await call<View[]>(heron, 'GET', path)).data, []);
  });

  test('limits: views per project, name length and columns, each from its setting', async () => {
    await call(limited, 'POST', '/v1/projects', { name: 'limits' });
    const path = '/v1/projects/limits/views';
    const longName = await call(limited, 'POST', path, { name: 'thirteen-char', table: 'spans' });
    assert.equal(longName.status, 400);
    assert.match(longName.error.message, /at most 12 .*HERON_MAX_SAVED_VIEW_NAME_LENGTH/);
    const wide = await call(limited, 'POST', path, {
      name: 'wide',
      table: 'spans',
      columns: ['a', 'b', 'c', 'd'],
    });
    assert.equal(wide.status, 400);
    assert.match(wide.error.message, /at most 3 .*HERON_MAX_SAVED_VIEW_COLUMNS/);
    for (const name of ['one', 'two']) {
      const created = await call(limited, 'POST', path, {
        name,
        table: 'spans',
        columns: ['a', 'b', 'c'],
      });
      assert.equal(created.status, 201, created.error.message);
    }
    const third = await call(limited, 'POST', path, { name: 'three', table: 'spans' });
    assert.equal(third.status, 409);
    assert.match(
      third.error.message,
      /already has 2 saved views.*HERON_MAX_SAVED_VIEWS_PER_PROJECT/,
    );
  });
});

describe('filter bar help', () => {
  test('suggests attribute keys, annotation names and span kinds of the project', async () => {
    const { status, data } = await call<{
      attribute_keys: string[];
      annotation_names: string[];
      span_kinds: string[];
    }>(heron, 'GET', `/v1/projects/${PROJECT}/filter-suggestions`);
    assert.equal(status, 200);
    for (const key of [
      'input.value',
      'llm.model_name',
      'llm.token_count.total',
      'metadata.customer_tier',
      'session.id',
      'user.id',
    ]) {
      assert.ok(data.attribute_keys.includes(key), `${key} in ${data.attribute_keys.join(', ')}`);
    }
    assert.deepEqual(data.attribute_keys, [...data.attribute_keys].sort());
    assert.deepEqual(data.annotation_names, ['helpfulness']);
    assert.deepEqual(data.span_kinds, ['LLM', 'CHAIN', 'TOOL']);
    const missing = await call(heron, 'GET', '/v1/projects/nope/filter-suggestions');
    assert.equal(missing.status, 404);
  });

  test('HERON_FILTER_SUGGESTION_SAMPLE_SPANS and HERON_MAX_FILTER_SUGGESTIONS bound the keys', async () => {
    await send(limited, 'sampled', (tracer) => {
      tracer.startSpan('older', { attributes: { 'older.key': 1 } }).end();
    });
    await send(limited, 'sampled', (tracer) => {
      tracer
        .startSpan('newest', { attributes: { 'newest.c': 1, 'newest.a': 2, 'newest.b': 3 } })
        .end();
    });
    const { data } = await call<{ attribute_keys: string[] }>(
      limited,
      'GET',
      '/v1/projects/sampled/filter-suggestions',
    );
    assert.deepEqual(data.attribute_keys, ['newest.a', 'newest.b']);
  });

  test('validates an expression as the lists would, with column and suggestion', async () => {
    const validate = (query: Query, project = PROJECT) =>
      call<{ valid: boolean; message?: string; position?: number; suggestion?: string }>(
        heron,
        'GET',
        `/v1/projects/${project}/filter/validate${queryString(query)}`,
      );
    assert.deepEqual((await validate({ filter: "span_kind == 'LLM'" })).data, { valid: true });
    assert.deepEqual((await validate({ filter: '  ' })).data, { valid: true });
    assert.deepEqual((await validate({ filter: 'num_traces > 1', scope: 'sessions' })).data, {
      valid: true,
    });

    const typo = await validate({ filter: 'latncy_ms > 5', scope: 'spans' });
    assert.equal(typo.status, 200);
    const list = await getJson<ErrorBody>(
      `${heron.baseUrl}/v1/projects/${PROJECT}/spans${queryString({ filter: 'latncy_ms > 5' })}`,
    );
    assert.equal(list.status, 422);
    assert.deepEqual(typo.data, {
      valid: false,
      message: list.body.message,
      position: 1,
      suggestion: 'latency_ms',
    });

    const wrongScope = await validate({ filter: "span_kind == 'LLM'", scope: 'traces' });
    assert.equal(wrongScope.data.valid, false);
    assert.match(wrongScope.data.message!, /^Invalid trace filter: .*any\(spans/);
    const later = await validate({ filter: "span_kind == 'LLM' and (", scope: 'spans' });
    assert.equal(later.data.valid, false);
    assert.ok((later.data.position ?? 0) > 20, `position ${later.data.position}`);

    const badScope = await validate({ filter: 'x', scope: 'projects' });
    assert.equal(badScope.status, 400);
    assert.match(badScope.error.message, /scope must be one of spans, traces, sessions/);
    assert.equal((await validate({ filter: 'x' }, 'nope')).status, 404);
  });
});
