/**
 * The Phoenix-compatible REST API beyond reading spans: projects CRUD, trace lists (sorts,
 * keyset pagination, include_spans, sessions, full-text search), trace and span deletion with
 * rollups corrected, transfer, sessions, span creation, the OTLP-shaped span list and the
 * project summary — checked over HTTP and with the unmodified @arizeai/phoenix-client.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createClient } from '@arizeai/phoenix-client';
import { deleteSpan, getSpans, logSpans, SpanCreationError } from '@arizeai/phoenix-client/spans';
import {
  deleteSession,
  getSession,
  getSessionTurns,
  listSessions,
} from '@arizeai/phoenix-client/sessions';
import { getTraces } from '@arizeai/phoenix-client/traces';
import { spawnHeron, type HeronProcess } from '../../packages/server/dist/testing/spawn-heron.js';
import {
  getJson,
  listSpans,
  listTraces,
  queryString,
  type Page,
  type Query,
  type TraceJson,
} from './support/heron-api.js';
import { postOtlp, PROTOBUF } from './support/otlp-post.js';
import {
  isoOf,
  nowNs,
  protobufBody,
  randomSpanId,
  randomTraceId,
  type SpanSpec,
} from './support/synthetic-spans.js';

const MS = 1_000_000n;
const PROJECT = 'rest-api';

let heron: HeronProcess;
let client: ReturnType<typeof createClient>;

interface TraceSpec {
  traceId: string;
  rootId: string;
  llmId: string;
  latencyMs: number;
  tokens: number;
  session?: string;
  input: string;
  output: string;
}

/** A CHAIN root with one LLM child; the root carries the session, user and input/output. */
function traceSpans(spec: TraceSpec, startNs: bigint): SpanSpec[] {
  const session = spec.session ? { 'session.id': spec.session } : {};
  return [
    {
      traceId: spec.traceId,
      spanId: spec.rootId,
      name: 'agent',
      startNs,
      endNs: startNs + BigInt(spec.latencyMs) * MS,
      attributes: {
        'openinference.span.kind': 'CHAIN',
        'input.value': spec.input,
        'output.value': spec.output,
        'user.id': 'user-1',
        ...session,
      },
    },
    {
      traceId: spec.traceId,
      spanId: spec.llmId,
      parentSpanId: spec.rootId,
      name: 'ChatCompletion',
      startNs: startNs + MS,
      endNs: startNs + 2n * MS,
      attributes: {
        'openinference.span.kind': 'LLM',
        'llm.model_name': 'gpt-4o-mini',
        'llm.token_count.prompt': spec.tokens - 10,
        'llm.token_count.completion': 10,
        'llm.token_count.total': spec.tokens,
        ...session,
      },
    },
  ];
}

function makeTrace(partial: Partial<TraceSpec> & Pick<TraceSpec, 'latencyMs' | 'tokens'>) {
  return {
    traceId: randomTraceId(),
    rootId: randomSpanId(),
    llmId: randomSpanId(),
    input: 'plain question',
    output: 'plain answer',
    ...partial,
  };
}

async function send(specs: SpanSpec[], project = PROJECT): Promise<void> {
  const response = await postOtlp(heron.baseUrl, protobufBody(specs), {
    contentType: PROTOBUF,
    headers: { 'x-project-name': project },
  });
  assert.equal(response.status, 200);
}

async function request(method: string, path: string, body?: unknown) {
  const response = await fetch(`${heron.baseUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

function tracesPage(query: Query = {}, project = PROJECT) {
  return getJson<Page<TraceJson>>(
    `${heron.baseUrl}/v1/projects/${project}/traces${queryString(query)}`,
  );
}

/** Every trace of a sort, fetched `pageSize` at a time by following next_cursor. */
async function pagedTraceIds(query: Query, pageSize: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const page = await tracesPage({ ...query, limit: pageSize, cursor });
    assert.equal(page.status, 200, JSON.stringify(page.body));
    ids.push(...page.body.data.map((t) => t.trace_id));
    if (page.body.next_cursor === null) return ids;
    cursor = page.body.next_cursor;
  }
  throw new Error('pagination did not end');
}

const base = nowNs() - 3_600_000n * MS;
// Latencies and token counts chosen so each sort gives a different order; two ties on tokens.
const traces = {
  a: makeTrace({ latencyMs: 500, tokens: 300, session: 'sess-a', input: '東京の天気は?' }),
  b: makeTrace({ latencyMs: 100, tokens: 120, session: 'sess-a', input: 'Un café crème, svp' }),
  c: makeTrace({ latencyMs: 900, tokens: 120, session: 'sess-b', output: 'Refund issued' }),
  d: makeTrace({ latencyMs: 300, tokens: 50 }),
  e: makeTrace({ latencyMs: 700, tokens: 800 }),
};
const order = ['a', 'b', 'c', 'd', 'e'] as const;

before(async () => {
  heron = await spawnHeron();
  client = createClient({ options: { baseUrl: heron.baseUrl } });
  // Start times 1 minute apart in the order above.
  await send(order.flatMap((key, i) => traceSpans(traces[key], base + BigInt(i) * 60_000n * MS)));
});

after(async () => {
  await heron?.stop();
});

describe('projects', () => {
  test('create, read by name and id, update the description, refuse duplicates and bad names', async () => {
    const created = await request('POST', '/v1/projects', { name: 'crud-1', description: 'first' });
    assert.equal(created.status, 200);
    assert.equal(created.body.data.name, 'crud-1');
    assert.equal(created.body.data.description, 'first');
    const id = created.body.data.id as string;
    assert.equal((await request('GET', `/v1/projects/${id}`)).body.data.name, 'crud-1');
    assert.equal((await request('GET', '/v1/projects/crud-1')).body.data.id, id);

    const updated = await request('PUT', '/v1/projects/crud-1', { description: 'second' });
    assert.equal(updated.status, 200);
    assert.equal(updated.body.data.description, 'second');

    const duplicate = await request('POST', '/v1/projects', { name: 'crud-1' });
    assert.equal(duplicate.status, 409);
    assert.match(duplicate.body.message, /already exists/);
    assert.equal((await request('POST', '/v1/projects', { name: 'a/b' })).status, 422);
    assert.equal((await request('POST', '/v1/projects', {})).status, 422);
  });

  test('delete removes the project and its spans; default cannot be deleted', async () => {
    await send(traceSpans(makeTrace({ latencyMs: 5, tokens: 20 }), nowNs()), 'doomed');
    assert.equal((await listSpans(heron.baseUrl, 'doomed')).length, 2);
    assert.equal((await request('DELETE', '/v1/projects/doomed')).status, 204);
    assert.equal((await request('GET', '/v1/projects/doomed')).status, 404);
    assert.equal((await request('GET', '/v1/projects/doomed/spans')).status, 404);

    await send(traceSpans(makeTrace({ latencyMs: 5, tokens: 20 }), nowNs()), 'default');
    const refused = await request('DELETE', '/v1/projects/default');
    assert.equal(refused.status, 403);
    assert.match(refused.body.message, /default project/);
  });

  test('the raw phoenix client manages projects', async () => {
    await client.POST('/v1/projects', { body: { name: 'raw-client', description: 'x' } });
    const { data } = await client.GET('/v1/projects');
    assert.ok(data?.data.some((p) => p.name === 'raw-client'));
    await client.DELETE('/v1/projects/{project_identifier}', {
      params: { path: { project_identifier: 'raw-client' } },
    });
    const after = await client.GET('/v1/projects');
    assert.ok(!after.data?.data.some((p) => p.name === 'raw-client'));
  });
});

describe('trace lists', () => {
  test('every sort and order, with rollups on each trace', async () => {
    const byKey = (ids: string[]) =>
      ids.map((id) => order.find((key) => traces[key].traceId === id));
    const all = await listTraces(heron.baseUrl, PROJECT);
    assert.equal(all.length, 5);
    const a = all.find((t) => t.trace_id === traces.a.traceId)!;
    assert.equal(a.token_count_total, 300);
    assert.equal(a.span_count, 2);
    assert.equal(a.latency_ms, 500);
    assert.equal(a.session_id, 'sess-a');

    const ids = async (query: Query) =>
      byKey((await tracesPage(query)).body.data.map((t) => t.trace_id));
    assert.deepEqual(await ids({}), ['e', 'd', 'c', 'b', 'a']); // start_time desc
    assert.deepEqual(await ids({ order: 'asc' }), ['a', 'b', 'c', 'd', 'e']);
    assert.deepEqual(await ids({ sort: 'latency_ms' }), ['c', 'e', 'a', 'd', 'b']);
    assert.deepEqual(await ids({ sort: 'latency_ms', order: 'asc' }), ['b', 'd', 'a', 'e', 'c']);
    // Ties (b and c both 120 tokens) are broken by row id, in the direction of the sort. Which
    // of the two got the lower row id is the store's business (one batch), so read it.
    const rowid = (key: 'b' | 'c') =>
      Number(
        Buffer.from(all.find((t) => t.trace_id === traces[key].traceId)!.id, 'base64')
          .toString()
          .split(':')[1],
      );
    const [low, high] = rowid('b') < rowid('c') ? ['b', 'c'] : ['c', 'b'];
    assert.deepEqual(await ids({ sort: 'token_count_total' }), ['e', 'a', high, low, 'd']);
    assert.deepEqual(await ids({ sort: 'token_count_total', order: 'asc' }), [
      'd',
      low,
      high,
      'a',
      'e',
    ]);
    assert.equal((await tracesPage({ sort: 'cost' })).status, 200);
    assert.equal((await tracesPage({ sort: 'bogus' })).status, 422);
    assert.equal((await tracesPage({ order: 'sideways' })).status, 422);
  });

  test('keyset pages cover every trace once, for every sort, and ignore rows inserted meanwhile', async () => {
    for (const sort of ['start_time', 'latency_ms', 'token_count_total']) {
      for (const order of ['asc', 'desc']) {
        const whole = (await tracesPage({ sort, order, limit: 100 })).body.data.map(
          (t) => t.trace_id,
        );
        for (const size of [1, 2, 3]) {
          assert.deepEqual(
            await pagedTraceIds({ sort, order }, size),
            whole,
            `${sort} ${order} /${size}`,
          );
        }
      }
    }
    // Page 1 of the newest-first list, then a newer trace arrives, then page 2: page 2
    // continues exactly where page 1 ended.
    const before = (await tracesPage({ limit: 100 })).body.data.map((t) => t.trace_id);
    const first = await tracesPage({ limit: 2 });
    await send(traceSpans(makeTrace({ latencyMs: 1, tokens: 11 }), nowNs()), PROJECT);
    const second = await tracesPage({ limit: 2, cursor: first.body.next_cursor! });
    assert.deepEqual(
      second.body.data.map((t) => t.trace_id),
      before.slice(2, 4),
    );
    assert.equal((await tracesPage({ cursor: 'not-a-cursor' })).status, 422);
  });

  test('time window, include_spans and session filters', async () => {
    const window = await tracesPage({
      start_time: isoOf(base + 60_000n * MS),
      end_time: isoOf(base + 180_000n * MS),
      order: 'asc',
    });
    assert.deepEqual(
      window.body.data.map((t) => t.trace_id),
      [traces.b.traceId, traces.c.traceId],
    );
    const withSpans = await getJson<
      Page<
        TraceJson & { spans: { span_id: string; parent_id: string | null; span_kind: string }[] }
      >
    >(
      `${heron.baseUrl}/v1/projects/${PROJECT}/traces${queryString({ include_spans: 'true', session_identifier: 'sess-a', order: 'asc' })}`,
    );
    assert.deepEqual(
      withSpans.body.data.map((t) => t.trace_id),
      [traces.a.traceId, traces.b.traceId],
    );
    const spans = withSpans.body.data[0]!.spans;
    assert.deepEqual(
      spans.map((s) => [s.span_id, s.parent_id, s.span_kind]),
      [
        [traces.a.rootId, null, 'CHAIN'],
        [traces.a.llmId, traces.a.rootId, 'LLM'],
      ],
    );
  });

  test('full-text search (q) finds traces by span text in any script, ignoring case and accents', async () => {
    const found = async (q: string) =>
      (await tracesPage({ q })).body.data.map((t) =>
        order.find((k) => traces[k].traceId === t.trace_id),
      );
    assert.deepEqual(await found('東京の'), ['a']);
    assert.deepEqual(await found('天気'), ['a']); // shorter than a trigram: scanned
    assert.deepEqual(await found('CAFE CREME'), ['b']);
    assert.deepEqual(await found('refund'), ['c']);
    assert.deepEqual(await found('no such words anywhere'), []);
    const spans = await listSpans(heron.baseUrl, PROJECT, { q: 'Café' });
    assert.deepEqual(
      spans.map((s) => s.context.span_id),
      [traces.b.rootId],
    );
  });

  test('phoenix-client getTraces: sort, spans and sessions', async () => {
    const { traces: list } = await getTraces({
      client,
      project: { projectName: PROJECT },
      sort: 'latency_ms',
      order: 'desc',
      includeSpans: true,
      sessionId: 'sess-a',
    });
    assert.deepEqual(
      list.map((t) => t.trace_id),
      [traces.a.traceId, traces.b.traceId],
    );
    assert.equal(list[0]!.spans?.length, 2);
  });
});

describe('sessions', () => {
  test('list, get with traces and token totals, turns, via phoenix-client', async () => {
    const sessions = await listSessions({ client, projectName: PROJECT });
    const ids = sessions.map((s) => s.sessionId).sort();
    assert.deepEqual(ids, ['sess-a', 'sess-b']);
    const session = await getSession({ client, sessionId: 'sess-a' });
    assert.deepEqual(
      session.traces.map((t) => t.traceId),
      [traces.a.traceId, traces.b.traceId],
    );
    const raw = await request('GET', '/v1/sessions/sess-a');
    assert.equal(raw.body.data.token_count_total, 420);
    assert.equal(raw.body.data.token_count_prompt, 400);
    const turns = await getSessionTurns({ client, sessionId: 'sess-a' });
    assert.deepEqual(
      turns.map((t) => t.input?.value),
      ['東京の天気は?', 'Un café crème, svp'],
    );
    const byGlobalId = await request('GET', `/v1/sessions/${raw.body.data.id}`);
    assert.equal(byGlobalId.body.data.session_id, 'sess-a');
    assert.equal((await request('GET', '/v1/sessions/nope')).status, 404);
  });

  test('delete one session (with its traces) and many at once', async () => {
    const spec1 = makeTrace({ latencyMs: 5, tokens: 20, session: 'gone-1' });
    const spec2 = makeTrace({ latencyMs: 5, tokens: 20, session: 'gone-2' });
    const spec3 = makeTrace({ latencyMs: 5, tokens: 20, session: 'gone-3' });
    await send(
      [...traceSpans(spec1, nowNs()), ...traceSpans(spec2, nowNs()), ...traceSpans(spec3, nowNs())],
      'sessions-del',
    );
    await deleteSession({ client, sessionId: 'gone-1' });
    assert.equal((await request('GET', '/v1/sessions/gone-1')).status, 404);
    assert.equal((await request('GET', `/v1/traces/${spec1.traceId}`)).status, 404);
    const bulk = await request('POST', '/v1/sessions/delete', {
      session_identifiers: ['gone-2', 'gone-3', 'unknown'],
    });
    assert.equal(bulk.status, 204);
    assert.equal((await listTraces(heron.baseUrl, 'sessions-del')).length, 0);
  });
});

describe('deleting and moving', () => {
  test('deleting a span corrects its trace; deleting the last span removes the trace', async () => {
    const spec = makeTrace({ latencyMs: 50, tokens: 99, session: 'del-span' });
    await send(traceSpans(spec, nowNs()), 'deletions');
    await deleteSpan({ client, spanIdentifier: spec.llmId });
    const trace = (await request('GET', `/v1/traces/${spec.traceId}`)).body.data;
    assert.equal(trace.span_count, 1);
    assert.equal(trace.token_count_total, 0);
    assert.equal(trace.spans.length, 1);

    const root = (await listSpans(heron.baseUrl, 'deletions'))[0]!;
    assert.equal((await request('DELETE', `/v1/spans/${root.id}`)).status, 204);
    assert.equal((await request('GET', `/v1/traces/${spec.traceId}`)).status, 404);
    assert.equal((await request('GET', '/v1/sessions/del-span')).status, 404);
    assert.equal((await request('DELETE', `/v1/spans/${root.id}`)).status, 404);
  });

  test('deleting a trace by OTel id or GlobalID', async () => {
    const one = makeTrace({ latencyMs: 5, tokens: 20, session: 'shared' });
    const two = makeTrace({ latencyMs: 5, tokens: 20, session: 'shared' });
    await send([...traceSpans(one, nowNs()), ...traceSpans(two, nowNs())], 'trace-del');
    assert.equal((await request('DELETE', `/v1/traces/${one.traceId}`)).status, 204);
    const session = (await request('GET', '/v1/sessions/shared')).body.data;
    assert.equal(session.trace_count, 1);
    const remaining = (await listTraces(heron.baseUrl, 'trace-del'))[0]!;
    assert.equal((await request('DELETE', `/v1/traces/${remaining.id}`)).status, 204);
    assert.equal((await listSpans(heron.baseUrl, 'trace-del')).length, 0);
    assert.equal((await request('DELETE', `/v1/traces/${remaining.id}`)).status, 404);
  });

  test('transfer traces to another project, sessions following', async () => {
    const spec = makeTrace({ latencyMs: 5, tokens: 20, session: 'moving' });
    await send(traceSpans(spec, nowNs()), 'transfer-src');
    await request('POST', '/v1/projects', { name: 'transfer-dst' });
    const moved = await request('POST', '/v1/traces/transfer', {
      trace_identifiers: [spec.traceId],
      destination_project_identifier: 'transfer-dst',
    });
    assert.equal(moved.status, 200);
    assert.equal(moved.body.data.transferred_trace_count, 1);
    assert.equal((await listSpans(heron.baseUrl, 'transfer-src')).length, 0);
    assert.equal((await listSpans(heron.baseUrl, 'transfer-dst')).length, 2);
    const sessions = await listSessions({ client, projectName: 'transfer-dst' });
    assert.deepEqual(
      sessions.map((s) => s.sessionId),
      ['moving'],
    );
    assert.equal((await listSessions({ client, projectName: 'transfer-src' })).length, 0);

    const mixed = await request('POST', '/v1/traces/transfer', {
      trace_identifiers: [spec.traceId, traces.a.traceId],
      destination_project_identifier: 'transfer-src',
    });
    assert.equal(mixed.status, 422);
  });
});

describe('spans', () => {
  test('logSpans creates spans all-or-nothing; duplicates are refused', async () => {
    const traceId = randomTraceId();
    const start = new Date(Date.now() - 1000).toISOString();
    const end = new Date().toISOString();
    const span = (spanId: string, parentId: string | null) => ({
      name: 'created',
      context: { trace_id: traceId, span_id: spanId },
      span_kind: 'LLM',
      parent_id: parentId,
      start_time: start,
      end_time: end,
      status_code: 'OK',
      status_message: '',
      attributes: { 'llm.model_name': 'claude-3', 'llm.token_count.total': 7, 'input.value': 'hi' },
      events: [],
    });
    const rootId = randomSpanId();
    const result = await logSpans({
      client,
      project: { projectName: 'created' },
      spans: [span(rootId, null), span(randomSpanId(), rootId)],
    });
    assert.equal(result.totalQueued, 2);
    const stored = await getSpans({
      client,
      project: { projectName: 'created' },
      traceIds: [traceId],
    });
    assert.equal(stored.spans.length, 2);
    assert.equal(stored.spans[0]!.span_kind, 'LLM');
    assert.equal(stored.spans[0]!.attributes?.['llm.model_name'], 'claude-3');

    await assert.rejects(
      logSpans({
        client,
        project: { projectName: 'created' },
        spans: [span(rootId, null), span(randomSpanId(), rootId)],
      }),
      (error: unknown) => {
        assert.ok(error instanceof SpanCreationError, String(error));
        return true;
      },
    );
    // Nothing of the refused batch was stored.
    assert.equal(
      (await getSpans({ client, project: { projectName: 'created' }, traceIds: [traceId] })).spans
        .length,
      2,
    );

    const invalid = await request('POST', '/v1/projects/created/spans', {
      data: [{ ...span(randomSpanId(), null), start_time: '2024-01-01T00:00:00' }],
    });
    assert.equal(invalid.status, 400);
    const detail = JSON.parse(invalid.body.detail);
    assert.equal(detail.invalid_spans.length, 1);
    assert.match(detail.invalid_spans[0].error, /time zone/);
  });

  test('attribute filters as phoenix-client sends them', async () => {
    const { spans } = await getSpans({
      client,
      project: { projectName: PROJECT },
      attributes: { 'user.id': 'user-1', 'llm.model_name': 'gpt-4o-mini' },
    });
    assert.equal(spans.length, 0); // AND: no span has both
    const roots = await getSpans({
      client,
      project: { projectName: PROJECT },
      attributes: { 'user.id': 'user-1' },
    });
    assert.ok(roots.spans.length >= 5);
    assert.ok(roots.spans.every((s) => s.attributes?.['user.id'] === 'user-1'));
    const tokens = await listSpans(heron.baseUrl, PROJECT, {
      attribute: 'llm.token_count.total:300',
    });
    assert.deepEqual(
      tokens.map((s) => s.context.span_id),
      [traces.a.llmId],
    );
    assert.equal(
      (await request('GET', `/v1/projects/${PROJECT}/spans?attribute=x:[1]`)).status,
      422,
    );
    assert.equal(
      (await request('GET', `/v1/projects/${PROJECT}/spans?attribute=novalue`)).status,
      422,
    );
  });

  test('the OTLP-shaped list', async () => {
    const page = await request(
      'GET',
      `/v1/projects/${PROJECT}/spans/otlpv1?trace_id=${traces.c.traceId}`,
    );
    assert.equal(page.status, 200);
    const root = page.body.data.find((s: { span_id: string }) => s.span_id === traces.c.rootId);
    assert.equal(root.trace_id, traces.c.traceId);
    assert.equal(root.parent_span_id, '');
    assert.equal(root.kind, 'SPAN_KIND_INTERNAL');
    assert.equal(BigInt(root.end_time_unix_nano) - BigInt(root.start_time_unix_nano), 900n * MS);
    assert.deepEqual(
      root.attributes.find((kv: { key: string }) => kv.key === 'output.value').value,
      { string_value: 'Refund issued' },
    );
    assert.deepEqual(root.status, { code: 0, message: '' });
  });
});

test('project summary: counts, latency percentiles and token totals', async () => {
  const summary = await request(
    'GET',
    `/v1/projects/${PROJECT}/summary${queryString({ start_time: isoOf(base - MS), end_time: isoOf(base + 299_000n * MS) })}`,
  );
  assert.equal(summary.status, 200);
  assert.deepEqual(
    {
      traces: summary.body.data.trace_count,
      p50: summary.body.data.latency_ms_p50,
      p99: summary.body.data.latency_ms_p99,
      tokens: summary.body.data.token_count_total,
    },
    // a..e: latencies 500, 100, 900, 300, 700 → p50 500, p99 900; tokens 300+120+120+50+800.
    { traces: 5, p50: 500, p99: 900, tokens: 1390 },
  );
});
