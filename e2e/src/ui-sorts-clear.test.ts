/**
 * The web UI's server additions against a real `heron serve` over HTTP: the span list sorted
 * by start time, latency and tokens with keyset cursors; the trace list sorted by an
 * annotation's score; clearing a project's data (what goes, what stays, the live `deleted`
 * event); and their errors.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { spawnHeron, type HeronProcess } from '../../packages/server/dist/testing/spawn-heron.js';
import { getJson, type Page, type SpanJson, type TraceJson } from './support/heron-api.js';
import { SseStream } from './support/sse-stream.js';

let heron: HeronProcess;
const BASE_MS = Date.now() - 60_000;
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** `[start offset ms, latency ms, total tokens | null]` as one-span traces of `project`. */
async function sendSpans(project: string, spans: [number, number, number | null][], first = 1) {
  const otlpSpans = spans.map(([offset, latency, tokens], i) => {
    const start = BigInt(BASE_MS + offset) * 1_000_000n;
    const attributes = [
      { key: 'openinference.span.kind', value: { stringValue: 'LLM' } },
      { key: 'input.value', value: { stringValue: `question ${first + i}` } },
      ...(tokens === null
        ? []
        : [
            { key: 'llm.token_count.prompt', value: { intValue: String(tokens - 1) } },
            { key: 'llm.token_count.completion', value: { intValue: '1' } },
            { key: 'llm.token_count.total', value: { intValue: String(tokens) } },
          ]),
    ];
    return {
      traceId: hex(first + i, 32),
      spanId: hex(first + i, 16),
      name: `call-${first + i}`,
      kind: 1,
      startTimeUnixNano: String(start),
      endTimeUnixNano: String(start + BigInt(latency) * 1_000_000n),
      attributes,
    };
  });
  const response = await fetch(`${heron.baseUrl}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      resourceSpans: [
        {
          resource: {
            attributes: [{ key: 'openinference.project.name', value: { stringValue: project } }],
          },
          scopeSpans: [{ scope: { name: 'e2e' }, spans: otlpSpans }],
        },
      ],
    }),
  });
  assert.equal(response.status, 200, await response.text());
}

/** Every item of a list, following next_cursor, `limit` per page. */
async function walk<T>(path: string, query: Record<string, string>, limit: number): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const params = new URLSearchParams({ ...query, limit: String(limit) });
    if (cursor) params.set('cursor', cursor);
    const response = await getJson<Page<T>>(`${heron.baseUrl}${path}?${params}`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    items.push(...response.body.data);
    if (response.body.next_cursor === null) return items;
    cursor = response.body.next_cursor;
  }
  throw new Error('too many pages');
}

async function post(path: string, body?: unknown) {
  const response = await fetch(`${heron.baseUrl}${path}`, {
    method: 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

before(async () => {
  heron = await spawnHeron({ env: { HERON_RETENTION_SWEEP_BATCH_TRACES: '2' } });
});

after(async () => {
  await heron?.stop();
});

describe('span list sorts', () => {
  const SPANS: [number, number, number | null][] = [
    [0, 30, 100],
    [10, 5, null],
    [20, 30, 40],
    [30, 80, 100],
    [40, 1, 2000],
  ];
  before(() => sendSpans('e2e-span-sorts', SPANS, 1));
  const path = '/v1/projects/e2e-span-sorts/spans';
  const numberOf = (span: SpanJson) => Number.parseInt(span.context.span_id, 16);

  test('pages by latency, tokens and start time in both orders', async () => {
    const latencyDesc = await walk<SpanJson>(path, { sort: 'latency_ms', order: 'desc' }, 2);
    assert.deepEqual(latencyDesc.map(numberOf), [4, 3, 1, 2, 5], 'ties newest row first');
    const latencyAsc = await walk<SpanJson>(path, { sort: 'latency_ms', order: 'asc' }, 2);
    assert.deepEqual(latencyAsc.map(numberOf), [5, 2, 1, 3, 4]);
    const tokens = await walk<SpanJson>(path, { sort: 'token_count_total' }, 3);
    assert.deepEqual(tokens.map(numberOf), [5, 4, 1, 3, 2], 'no tokens last');
    const start = await walk<SpanJson>(path, { sort: 'start_time', order: 'asc' }, 1);
    assert.deepEqual(start.map(numberOf), [1, 2, 3, 4, 5]);
  });

  test('takes a plain Span GlobalID as cursor and refuses bad input', async () => {
    const all = await walk<SpanJson>(path, { sort: 'latency_ms' }, 10);
    const from = await getJson<Page<SpanJson>>(
      `${heron.baseUrl}${path}?sort=latency_ms&cursor=${encodeURIComponent(all[2]!.id)}`,
    );
    assert.deepEqual(from.body.data.map(numberOf), all.slice(2).map(numberOf));

    const badSort = await getJson<{ message: string }>(`${heron.baseUrl}${path}?sort=cost`);
    assert.equal(badSort.status, 422);
    assert.match(badSort.body.message, /sort must be one of start_time, latency_ms/);
    const badCursor = await getJson<{ message: string }>(
      `${heron.baseUrl}${path}?sort=latency_ms&cursor=nonsense`,
    );
    assert.equal(badCursor.status, 422);
    assert.match(badCursor.body.message, /Invalid cursor/);
    const badOrder = await getJson(`${heron.baseUrl}${path}?sort=latency_ms&order=up`);
    assert.equal(badOrder.status, 422);
  });
});

describe('trace list by annotation score', () => {
  before(async () => {
    await sendSpans(
      'e2e-annotation-sort',
      [
        [0, 5, 10],
        [1, 5, 10],
        [2, 5, 10],
        [3, 5, 10],
      ],
      21,
    );
    const trace = (n: number, score: number) => ({
      trace_id: hex(n, 32),
      name: 'quality',
      annotator_kind: 'LLM',
      result: { score, label: null },
    });
    const traces = await post('/v1/trace_annotations?sync=true', {
      data: [trace(21, 0.2), trace(23, 0.9)],
    });
    assert.equal(traces.status, 200, JSON.stringify(traces.body));
    const spans = await post('/v1/span_annotations?sync=true', {
      data: [
        { span_id: hex(22, 16), name: 'quality', annotator_kind: 'HUMAN', result: { score: 0.5 } },
      ],
    });
    assert.equal(spans.status, 200, JSON.stringify(spans.body));
  });

  test('orders by score (the trace’s own, else its root span’s), unscored last', async () => {
    const path = '/v1/projects/e2e-annotation-sort/traces';
    const desc = await walk<TraceJson>(path, { sort: 'annotation:quality' }, 1);
    assert.deepEqual(
      desc.map((t) => Number.parseInt(t.trace_id, 16)),
      [23, 22, 21, 24],
    );
    const asc = await walk<TraceJson>(path, { sort: 'annotation:quality', order: 'asc' }, 3);
    assert.deepEqual(
      asc.map((t) => Number.parseInt(t.trace_id, 16)),
      [24, 21, 22, 23],
    );
    const empty = await getJson<{ message: string }>(`${heron.baseUrl}${path}?sort=annotation:`);
    assert.equal(empty.status, 422);
    assert.match(empty.body.message, /annotation name/);
  });
});

describe('clearing a project', () => {
  test('deletes its data in batches, keeps the project and its settings, tells live listeners', async () => {
    await sendSpans(
      'e2e-clear',
      [
        [0, 5, 10],
        [1, 5, 10],
        [2, 5, 10],
      ],
      41,
    );
    await sendSpans('e2e-clear-neighbour', [[0, 5, 10]], 51);
    const policy = await fetch(`${heron.baseUrl}/v1/projects/e2e-clear/retention`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ max_age_days: 90 }),
    });
    assert.equal(policy.status, 200);
    const before = await getJson<{ data: { id: string } }>(
      `${heron.baseUrl}/v1/projects/e2e-clear`,
    );
    const stream = await SseStream.open(`${heron.baseUrl}/v1/projects/e2e-clear/live`);
    try {
      const cleared = await post('/v1/projects/e2e-clear/clear');
      assert.equal(cleared.status, 200, JSON.stringify(cleared.body));
      assert.deepEqual(cleared.body['data'], {
        deleted_traces: 3,
        deleted_spans: 3,
        deleted_sessions: 0,
        batches: 2,
      });
      await stream.find((e) => e.event === 'deleted', 10_000, 'deleted event');
    } finally {
      stream.close();
    }
    const after = await getJson<{ data: { id: string } }>(`${heron.baseUrl}/v1/projects/e2e-clear`);
    assert.equal(after.status, 200);
    assert.equal(after.body.data.id, before.body.data.id, 'same project id');
    assert.deepEqual(await walk('/v1/projects/e2e-clear/spans', {}, 100), []);
    assert.deepEqual(await walk('/v1/projects/e2e-clear/traces', {}, 100), []);
    const kept = await getJson<{ data: { source: string; max_age_days: number } }>(
      `${heron.baseUrl}/v1/projects/e2e-clear/retention`,
    );
    assert.deepEqual([kept.body.data.source, kept.body.data.max_age_days], ['project', 90]);
    assert.equal((await walk('/v1/projects/e2e-clear-neighbour/spans', {}, 100)).length, 1);

    const unknown = await post('/v1/projects/no-such-project/clear');
    assert.equal(unknown.status, 404);
  });
});
