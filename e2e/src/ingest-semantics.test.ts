/**
 * What ingestion means, seen from outside: which project a span lands in, that a re-sent span
 * never becomes a second row (last write wins), that trace rollups do not depend on arrival
 * order, and that a full queue answers 503 + Retry-After without losing or doubling spans.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SpanStatusCode } from '@opentelemetry/api';
import { spawnHeron, type HeronProcess } from '../../packages/server/dist/testing/spawn-heron.js';
import {
  listAllSpans,
  listProjects,
  listSpans,
  listSpansOrNone,
  listTraces,
  type SpanJson,
  type TraceJson,
} from './support/heron-api.js';
import { errorStatusOf, postOtlp, PROTOBUF, type OtlpResponse } from './support/otlp-post.js';
import {
  isoOf,
  nowNs,
  protobufBody,
  randomSpanId,
  randomTraceId,
  simpleTrace,
  spanKeys,
  type BatchOptions,
  type SpanSpec,
} from './support/synthetic-spans.js';

let heron: HeronProcess;

before(async () => {
  heron = await spawnHeron();
});

after(async () => {
  await heron?.stop();
});

async function send(
  target: HeronProcess,
  specs: SpanSpec[],
  options: BatchOptions = {},
  headers: Record<string, string> = {},
): Promise<OtlpResponse> {
  const response = await postOtlp(target.baseUrl, protobufBody(specs, options), {
    contentType: PROTOBUF,
    headers,
  });
  assert.equal(response.status, 200, response.body.toString('utf8'));
  return response;
}

function projectResource(name: string): BatchOptions {
  return { resourceAttributes: { 'openinference.project.name': name } };
}

async function traceOf(target: HeronProcess, project: string, traceId: string) {
  const trace = (await listTraces(target.baseUrl, project)).find((t) => t.trace_id === traceId);
  assert.ok(trace, `trace ${traceId} in ${project}`);
  return trace;
}

describe('project resolution', () => {
  test('the x-project-name header beats the resource attribute', async () => {
    const specs = simpleTrace(1);
    await send(heron, specs, projectResource('from-resource-1'), {
      'x-project-name': 'from-header',
    });
    const stored = await listSpans(heron.baseUrl, 'from-header');
    assert.deepEqual(
      stored.map((s) => `${s.context.trace_id}/${s.context.span_id}`).sort(),
      spanKeys(specs),
    );
    assert.deepEqual(await listSpansOrNone(heron.baseUrl, 'from-resource-1'), []);
  });

  test('the resource attribute beats the default', async () => {
    const specs = simpleTrace(1);
    await send(heron, specs, projectResource('from-resource-2'));
    assert.equal((await listSpans(heron.baseUrl, 'from-resource-2')).length, 2);
    const inDefault = await listSpansOrNone(heron.baseUrl, 'default', {
      trace_id: specs[0]!.traceId,
    });
    assert.deepEqual(inDefault, []);
  });

  test('without either, spans go to "default"', async () => {
    const specs = simpleTrace(1);
    await send(heron, specs);
    const stored = await listSpans(heron.baseUrl, 'default', { trace_id: specs[0]!.traceId });
    assert.equal(stored.length, 2);
    const names = (await listProjects(heron.baseUrl)).map((p) => p.name);
    for (const name of ['default', 'from-header', 'from-resource-2']) {
      assert.ok(names.includes(name), `project ${name} listed`);
    }
  });

  test('a span of an already stored trace joins that trace, whatever project it names', async () => {
    const [root, child] = simpleTrace(1);
    await send(heron, [root!], projectResource('first-project'));
    await send(heron, [child!], projectResource('second-project'));
    await send(
      heron,
      [{ ...child!, spanId: randomSpanId(), name: 'late' }],
      {},
      {
        'x-project-name': 'third-project',
      },
    );
    const stored = await listSpans(heron.baseUrl, 'first-project');
    assert.deepEqual(stored.map((s) => s.name).sort(), ['child-0', 'late', 'root']);
    assert.deepEqual(await listSpansOrNone(heron.baseUrl, 'second-project'), []);
    assert.deepEqual(await listSpansOrNone(heron.baseUrl, 'third-project'), []);
    const trace = await traceOf(heron, 'first-project', root!.traceId);
    assert.equal(trace.span_count, 3);
  });
});

describe('idempotent ingestion', () => {
  test('the same span sent twice is stored once', async () => {
    const specs = simpleTrace(2);
    await send(heron, specs, projectResource('idempotent'));
    await send(heron, specs, projectResource('idempotent'));
    const stored = await listSpans(heron.baseUrl, 'idempotent', { trace_id: specs[0]!.traceId });
    assert.equal(stored.length, 3);
    assert.equal((await traceOf(heron, 'idempotent', specs[0]!.traceId)).span_count, 3);
  });

  test('ten concurrent copies of one request leave one row per span', async () => {
    const specs = simpleTrace(3);
    await Promise.all(
      Array.from({ length: 10 }, () => send(heron, specs, projectResource('idempotent'))),
    );
    const stored = await listSpans(heron.baseUrl, 'idempotent', { trace_id: specs[0]!.traceId });
    assert.deepEqual(
      stored.map((s) => `${s.context.trace_id}/${s.context.span_id}`).sort(),
      spanKeys(specs),
    );
    assert.equal((await traceOf(heron, 'idempotent', specs[0]!.traceId)).span_count, 4);
  });

  test('a changed re-send replaces the stored span (last write wins)', async () => {
    const [root, child] = simpleTrace(1, { 'user.id': 'first' });
    await send(heron, [root!, child!], projectResource('idempotent'));
    const changed: SpanSpec = {
      ...child!,
      name: 'child-renamed',
      endNs: child!.endNs + 500_000_000n,
      attributes: {
        'openinference.span.kind': 'LLM',
        'user.id': 'second',
        'llm.token_count.prompt': 4,
      },
      status: { code: SpanStatusCode.ERROR, message: 'changed' },
    };
    await send(heron, [changed], projectResource('idempotent'));
    const stored = await listSpans(heron.baseUrl, 'idempotent', { trace_id: root!.traceId });
    assert.equal(stored.length, 2);
    const span = stored.find((s) => s.context.span_id === child!.spanId)!;
    assert.equal(span.name, 'child-renamed');
    assert.equal(span.span_kind, 'LLM');
    assert.deepEqual(span.attributes, { 'user.id': 'second', 'llm.token_count.prompt': 4 });
    assert.equal(span.status_code, 'ERROR');
    assert.equal(span.end_time_unix_nano, changed.endNs.toString());
    const trace = await traceOf(heron, 'idempotent', root!.traceId);
    assert.equal(trace.span_count, 2);
    assert.equal(trace.error_count, 1);
    assert.equal(trace.end_time, isoOf(changed.endNs));
    assert.equal(trace.token_count_prompt, 4);
  });

  test('duplicates inside one request: one row, the later copy wins', async () => {
    const [root] = simpleTrace(0);
    const second: SpanSpec = { ...root!, attributes: { 'openinference.span.kind': 'AGENT' } };
    await send(heron, [root!, second], projectResource('idempotent'));
    const stored = await listSpans(heron.baseUrl, 'idempotent', { trace_id: root!.traceId });
    assert.equal(stored.length, 1);
    assert.equal(stored[0]!.span_kind, 'AGENT');
  });
});

describe('rollups regardless of arrival order', () => {
  const MS = 1_000_000n;

  function rollupTrace(): SpanSpec[] {
    const traceId = randomTraceId();
    const t0 = nowNs();
    const rootId = randomSpanId();
    const childId = randomSpanId();
    return [
      {
        traceId,
        spanId: rootId,
        name: 'root',
        startNs: t0,
        endNs: t0 + 100n * MS,
        // Not an LLM span: its token counts must not be added to the trace's.
        attributes: {
          'openinference.span.kind': 'CHAIN',
          'llm.token_count.prompt': 100,
          'llm.token_count.completion': 100,
          'llm.token_count.total': 200,
        },
      },
      {
        traceId,
        spanId: childId,
        parentSpanId: rootId,
        name: 'llm-1',
        startNs: t0 + 10n * MS,
        endNs: t0 + 50n * MS,
        status: { code: SpanStatusCode.ERROR, message: 'rate limited' },
        attributes: {
          'openinference.span.kind': 'LLM',
          'session.id': 'ooo-session',
          'llm.token_count.prompt': 10,
          'llm.token_count.completion': 5,
          'llm.token_count.total': 15,
        },
      },
      {
        traceId,
        spanId: randomSpanId(),
        parentSpanId: childId,
        name: 'llm-2',
        startNs: t0 + 20n * MS,
        // Ends after the root: the trace ends here.
        endNs: t0 + 120n * MS + 7n,
        attributes: {
          'openinference.span.kind': 'LLM',
          'llm.token_count.prompt': 3,
          'llm.token_count.completion': 2,
        },
      },
    ];
  }

  function comparable(trace: TraceJson) {
    const { id: _id, project_id: _project, ...rest } = trace;
    return rest;
  }

  function comparableSpans(spans: SpanJson[]) {
    return spans
      .map(({ id: _id, ...rest }) => rest)
      .sort((a, b) => a.context.span_id.localeCompare(b.context.span_id));
  }

  test('child first, then parent, then grandchild: the same rollup as all at once', async () => {
    const [root, child, grandchild] = rollupTrace();
    const traceId = root!.traceId;
    const project = 'out-of-order';

    await send(heron, [child!], projectResource(project));
    let trace = await traceOf(heron, project, traceId);
    assert.equal(trace.span_count, 1);
    assert.equal(trace.root_span_id, child!.spanId, 'an orphan stands in for the root');
    assert.equal(trace.start_time, isoOf(child!.startNs));

    await send(heron, [root!], projectResource(project));
    trace = await traceOf(heron, project, traceId);
    assert.equal(trace.span_count, 2);
    assert.equal(trace.root_span_id, root!.spanId);

    await send(heron, [grandchild!], projectResource(project));
    trace = await traceOf(heron, project, traceId);
    const expected = {
      trace_id: traceId,
      start_time: isoOf(root!.startNs),
      end_time: isoOf(grandchild!.endNs),
      token_count_prompt: 13,
      token_count_completion: 7,
      token_count_total: 20,
      span_count: 3,
      error_count: 1,
      root_span_id: root!.spanId,
      session_id: 'ooo-session',
      cost: null, // no prices known for these spans
    };
    const { latency_ms: latency, ...rest } = comparable(trace);
    assert.deepEqual(rest, expected);
    assert.ok(Math.abs(latency - Number(grandchild!.endNs - root!.startNs) / 1e6) < 1e-6);

    // The same spans in one request to a fresh server give the same trace and spans.
    const fresh = await spawnHeron();
    try {
      await send(fresh, [grandchild!, root!, child!], projectResource(project));
      const freshTrace = await traceOf(fresh, project, traceId);
      assert.deepEqual(comparable(freshTrace), comparable(trace));
      assert.deepEqual(
        comparableSpans(await listSpans(fresh.baseUrl, project)),
        comparableSpans(await listSpans(heron.baseUrl, project, { trace_id: traceId })),
      );
    } finally {
      await fresh.stop();
    }
  });

  test('every arrival order of three spans gives the same rollup', async () => {
    const orders = [
      [0, 1, 2],
      [0, 2, 1],
      [1, 0, 2],
      [1, 2, 0],
      [2, 0, 1],
      [2, 1, 0],
    ];
    const results: unknown[] = [];
    for (const order of orders) {
      const specs = rollupTrace();
      for (const index of order) await send(heron, [specs[index]!], projectResource('orders'));
      const {
        trace_id: _t,
        latency_ms: latency,
        start_time: s,
        end_time: e,
        ...rest
      } = comparable(await traceOf(heron, 'orders', specs[0]!.traceId));
      assert.equal(s, isoOf(specs[0]!.startNs));
      assert.equal(e, isoOf(specs[2]!.endNs));
      assert.equal(rest.root_span_id, specs[0]!.spanId);
      results.push({ ...rest, root_span_id: 'root', latency: Math.round(latency * 1000) });
    }
    for (const result of results) assert.deepEqual(result, results[0]);
  });

  test('traces carry the session id of their spans', async () => {
    const first = simpleTrace(1, { 'session.id': 'conversation-7' });
    const second = simpleTrace(0, { 'session.id': 'conversation-7' });
    const none = simpleTrace(0);
    await send(heron, [...first, ...second, ...none], projectResource('sessions'));
    const traces = await listTraces(heron.baseUrl, 'sessions');
    const sessionOf = (specs: SpanSpec[]) =>
      traces.find((t) => t.trace_id === specs[0]!.traceId)?.session_id;
    assert.equal(sessionOf(first), 'conversation-7');
    assert.equal(sessionOf(second), 'conversation-7');
    assert.equal(sessionOf(none), null);
  });
});

describe('a full ingest queue', () => {
  let small: HeronProcess;

  before(async () => {
    small = await spawnHeron({
      env: { HERON_MAX_SPANS_QUEUE_SIZE: '1', HERON_MAX_BATCH_SPANS: '1' },
    });
  });

  after(async () => {
    await small?.stop();
  });

  test('answers 503 + Retry-After; acknowledged spans are stored once, refused ones not', async () => {
    const requests = Array.from({ length: 50 }, () => simpleTrace(4));
    const responses = await Promise.all(
      requests.map((specs) =>
        postOtlp(small.baseUrl, protobufBody(specs), { contentType: PROTOBUF }),
      ),
    );
    const accepted: SpanSpec[] = [];
    const refused: SpanSpec[][] = [];
    responses.forEach((response, i) => {
      if (response.status === 200) {
        accepted.push(...requests[i]!);
        return;
      }
      assert.equal(response.status, 503, response.body.toString('utf8'));
      const retryAfter = response.headers.get('retry-after');
      assert.ok(retryAfter && /^\d+$/.test(retryAfter) && Number(retryAfter) > 0, `${retryAfter}`);
      assert.match(errorStatusOf(response).message, /queue/i);
      refused.push(requests[i]!);
    });
    assert.ok(refused.length > 0, 'some requests were refused');
    assert.ok(accepted.length > 0, 'some requests were accepted');

    const storedKeys = (spans: SpanJson[]) =>
      spans.map((s) => `${s.context.trace_id}/${s.context.span_id}`).sort();
    let stored = storedKeys(await listAllSpans(small.baseUrl));
    assert.deepEqual(stored, spanKeys(accepted), 'exactly the acknowledged spans, once each');

    // Resent (as an exporter would after Retry-After), the refused ones arrive too.
    for (const specs of refused) {
      for (let attempt = 0; ; attempt++) {
        const response = await postOtlp(small.baseUrl, protobufBody(specs), {
          contentType: PROTOBUF,
        });
        if (response.status === 200) break;
        assert.equal(response.status, 503);
        assert.ok(attempt < 50, 'a lone request is eventually accepted');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    stored = storedKeys(await listAllSpans(small.baseUrl));
    assert.deepEqual(stored, spanKeys(requests.flat()));
    assert.equal(stored.length, 250);
  });
});
