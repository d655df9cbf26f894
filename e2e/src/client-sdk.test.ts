/**
 * @heron/client against a real `heron serve` (SQLite, or PostgreSQL with HERON_E2E_DATABASE_URL):
 * register() with each OTLP protocol through the real exporters, usingProject, suppressTracing,
 * the query client paging over 5,000 spans, getTrace's span tree, spansTable's Arrow columns,
 * evaluations logged (through a server limit lower than the client's batch: the 413 path),
 * read back and summarised, and retrieval metrics checked against a hand-computed example.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Tracer } from '@opentelemetry/api';
import type { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import {
  DocumentEvaluations,
  HeronApiError,
  HeronClient,
  SpanEvaluations,
  TraceEvaluations,
  register,
  suppressTracing,
  usingProject,
  type OtlpProtocol,
} from '@heron/client';
import { spawnHeron, type HeronProcess } from '../../packages/server/dist/testing/spawn-heron.js';

/** Lower than the client's batch, so logEvaluations must split on 413. */
const SERVER_MAX_ANNOTATIONS = 3;

let heron: HeronProcess;
let client: HeronClient;
const providers: NodeTracerProvider[] = [];

function tracing(options: Parameters<typeof register>[0]): {
  provider: NodeTracerProvider;
  tracer: Tracer;
} {
  // Auto-instrumentation has its own test (client-auto-instrumentation.test.ts): here it would
  // only patch the installed `openai` once per provider.
  const provider = register({ global: false, autoInstrument: false, ...options });
  providers.push(provider);
  return { provider, tracer: provider.getTracer('client-sdk-test') };
}

before(async () => {
  heron = await spawnHeron({
    env: { HERON_MAX_ANNOTATIONS_PER_REQUEST: String(SERVER_MAX_ANNOTATIONS) },
  });
  client = new HeronClient({ baseUrl: heron.baseUrl });
  // One provider registers globally so that the async context manager is installed for all.
  providers.push(
    register({ projectName: 'unused', endpoint: heron.baseUrl, autoInstrument: false }),
  );
});

after(async () => {
  for (const provider of providers) await provider.shutdown();
  await heron.stop();
});

async function spanNames(project: string): Promise<string[]> {
  return (await client.getSpans({ project }).toArray()).map((s) => s.name).sort();
}

describe('register', () => {
  for (const protocol of ['http/protobuf', 'http/json', 'grpc'] as OtlpProtocol[]) {
    test(`spans land in the named project over ${protocol}`, async () => {
      const project = `sdk-${protocol.replace('/', '-')}`;
      const endpoint = protocol === 'grpc' ? `http://127.0.0.1:${heron.grpcPort}` : heron.baseUrl;
      const { provider, tracer } = tracing({
        projectName: project,
        endpoint,
        protocol,
        batch: false,
      });
      tracer.startActiveSpan('parent', (parent) => {
        tracer.startSpan('child').end();
        parent.end();
      });
      await provider.forceFlush();
      assert.deepEqual(await spanNames(project), ['child', 'parent']);
      assert.equal((await client.projects.get(project)).name, project);
    });
  }

  test('the endpoint comes from HERON_COLLECTOR_ENDPOINT when not given', async () => {
    process.env['HERON_COLLECTOR_ENDPOINT'] = heron.baseUrl;
    try {
      const { provider, tracer } = tracing({ projectName: 'sdk-env', batch: false });
      tracer.startSpan('from-env').end();
      await provider.forceFlush();
    } finally {
      delete process.env['HERON_COLLECTOR_ENDPOINT'];
    }
    assert.deepEqual(await spanNames('sdk-env'), ['from-env']);
  });
});

describe('usingProject and suppressTracing', () => {
  test('spans started inside usingProject go to that project', async () => {
    const { provider, tracer } = tracing({ projectName: 'sdk-main', endpoint: heron.baseUrl });
    tracer.startSpan('stays').end();
    await usingProject('sdk-other', async () => {
      await Promise.resolve(); // the project survives an await
      tracer.startSpan('moved').end();
    });
    tracer.startSpan('stays-too').end();
    await provider.forceFlush();
    assert.deepEqual(await spanNames('sdk-main'), ['stays', 'stays-too']);
    assert.deepEqual(await spanNames('sdk-other'), ['moved']);
  });

  test('a trace never spans two projects: a moved child stays with its trace', async () => {
    const { provider, tracer } = tracing({ projectName: 'sdk-mixed-a', endpoint: heron.baseUrl });
    let traceId = '';
    tracer.startActiveSpan('root', (root) => {
      traceId = root.spanContext().traceId;
      usingProject('sdk-mixed-b', () => tracer.startSpan('child-elsewhere').end());
      root.end();
    });
    await provider.forceFlush();
    const stored = await client.getTrace(traceId);
    assert.equal(stored.spans.length, 2);
    // The spans went in one export: the trace was created in the project of the span stored
    // first (here the child's, which ended first), and the other span joined it.
    const project = await client.projects.get(stored.project_id);
    assert.ok(['sdk-mixed-a', 'sdk-mixed-b'].includes(project.name));
    const inProject = await client.getSpans({ project: project.name, traceId }).toArray();
    assert.deepEqual(inProject.map((s) => s.name).sort(), ['child-elsewhere', 'root']);
  });

  test('suppressTracing creates no spans', async () => {
    const { provider, tracer } = tracing({ projectName: 'sdk-suppress', endpoint: heron.baseUrl });
    const value = suppressTracing(() => {
      tracer.startActiveSpan('suppressed', (span) => {
        tracer.startSpan('suppressed-child').end();
        span.end();
      });
      return 42;
    });
    assert.equal(value, 42);
    tracer.startSpan('recorded').end();
    await provider.forceFlush();
    assert.deepEqual(await spanNames('sdk-suppress'), ['recorded']);
  });
});

describe('query client', () => {
  const project = 'sdk-paging';
  const TRACES = 50;
  const SPANS_PER_TRACE = 100;

  before(async () => {
    const { provider, tracer } = tracing({
      projectName: project,
      endpoint: heron.baseUrl,
      batch: { maxExportBatchSize: 1000, maxQueueSize: 10_000, scheduledDelayMillis: 50 },
    });
    for (let t = 0; t < TRACES; t++) {
      tracer.startActiveSpan(`root-${t}`, { root: true }, (root) => {
        root.setAttribute('openinference.span.kind', 'CHAIN');
        root.setAttribute('input.value', `question ${t}`);
        for (let s = 1; s < SPANS_PER_TRACE; s++) {
          const span = tracer.startSpan(`step-${s}`);
          span.setAttribute('openinference.span.kind', s % 2 ? 'LLM' : 'TOOL');
          span.end();
        }
        root.end();
      });
    }
    await provider.forceFlush();
  });

  test('getSpans pages by cursor over 5,000 spans', async () => {
    const spans = await client.getSpans({ project, pageSize: 700 }).toArray();
    assert.equal(spans.length, TRACES * SPANS_PER_TRACE);
    assert.equal(new Set(spans.map((s) => s.id)).size, spans.length);
    assert.equal(
      (await client.getSpans({ project, limit: 1234, pageSize: 500 }).toArray()).length,
      1234,
    );
    const roots = await client.getSpans({ project, rootOnly: true }).toArray();
    assert.equal(roots.length, TRACES);
    const tools = await client.getSpans({ project, spanKind: 'TOOL' }).toArray();
    assert.equal(tools.length, TRACES * 49);
    const filtered = await client.getSpans({ project, filter: "span_kind == 'CHAIN'" }).toArray();
    assert.equal(filtered.length, TRACES);
  });

  test('getTraces pages and filters', async () => {
    let count = 0;
    for await (const item of client.getTraces({ project, pageSize: 7 })) {
      assert.equal(item.span_count, SPANS_PER_TRACE);
      count++;
    }
    assert.equal(count, TRACES);
    const searched = await client.getTraces({ project, q: 'question' }).toArray();
    assert.equal(searched.length, TRACES);
  });

  test('getTrace nests the span tree', async () => {
    const [first] = await client.getTraces({ project, limit: 1 }).toArray();
    const stored = await client.getTrace(first!.trace_id);
    assert.equal(stored.spans.length, SPANS_PER_TRACE);
    assert.equal(stored.tree.length, 1);
    assert.match(stored.tree[0]!.name, /^root-/);
    assert.equal(stored.tree[0]!.children.length, SPANS_PER_TRACE - 1);
    assert.equal(stored.tree[0]!.children[0]!.name, 'step-1');
  });

  test('spansTable is the spans dataframe as Arrow', async () => {
    const table = await client.spansTable({ project, limit: 300 });
    assert.equal(table.numRows, 300);
    const columns = table.schema.fields.map((f) => f.name);
    for (const column of [
      'name',
      'span_kind',
      'parent_id',
      'start_time',
      'end_time',
      'status_code',
      'status_message',
      'events',
      'context.span_id',
      'context.trace_id',
    ]) {
      assert.ok(columns.includes(column), `${column} in ${columns.join(', ')}`);
    }
    const roots = await client.spansTable({ project, filter: "span_kind == 'CHAIN'" });
    assert.equal(roots.numRows, TRACES);
    assert.ok(roots.schema.fields.some((f) => f.name === 'attributes.input.value'));
  });

  test('errors carry the status and the server message', async () => {
    await assert.rejects(client.getSpans({ project: 'no-such-project' }).toArray(), (error) => {
      assert.ok(error instanceof HeronApiError);
      assert.equal(error.status, 404);
      assert.match(error.serverMessage, /no-such-project/);
      return true;
    });
    await assert.rejects(
      client.getSpans({ project, filter: 'span_kind ==' }).toArray(),
      (error) => {
        assert.ok(error instanceof HeronApiError);
        assert.equal(error.status, 422);
        return true;
      },
    );
    const created = await client.projects.create({ name: 'sdk-temporary' });
    assert.equal(created.name, 'sdk-temporary');
    await assert.rejects(client.projects.create({ name: 'sdk-temporary' }), { status: 409 });
    await client.projects.delete('sdk-temporary');
    await assert.rejects(client.projects.get('sdk-temporary'), { status: 404 });
  });
});

describe('evaluations', () => {
  const project = 'sdk-evals';
  const spans: { name: string; spanId: string; traceId: string }[] = [];

  before(async () => {
    const { provider, tracer } = tracing({ projectName: project, endpoint: heron.baseUrl });
    for (let i = 0; i < 5; i++) {
      const span = tracer.startSpan(`answer-${i}`, { root: true });
      span.setAttribute('openinference.span.kind', 'LLM');
      const { spanId, traceId } = span.spanContext();
      spans.push({ name: `answer-${i}`, spanId, traceId });
      span.end();
    }
    // Retrievals: 4 and 2 documents.
    for (const [i, count] of [4, 2].entries()) {
      const span = tracer.startSpan(`retrieve-${i}`, { root: true });
      span.setAttribute('openinference.span.kind', 'RETRIEVER');
      for (let d = 0; d < count; d++) {
        span.setAttribute(`retrieval.documents.${d}.document.content`, `doc ${d}`);
      }
      const { spanId, traceId } = span.spanContext();
      spans.push({ name: `retrieve-${i}`, spanId, traceId });
      span.end();
    }
    await provider.forceFlush();
  });

  test('logged evaluations read back and show in the summaries', async () => {
    const answers = spans.filter((s) => s.name.startsWith('answer-'));
    const correctness = new SpanEvaluations(
      'correctness',
      answers.map((s, i) => ({
        spanId: s.spanId,
        label: i < 3 ? 'correct' : 'incorrect',
        score: i < 3 ? 1 : 0,
        explanation: `row ${i}`,
      })),
    );
    const helpfulness = new TraceEvaluations(
      'helpfulness',
      answers.slice(0, 2).map((s, i) => ({ traceId: s.traceId, score: i === 0 ? 0.25 : 0.75 })),
    );
    // 5 rows with a server limit of 3: the client halves the batch on 413.
    assert.deepEqual(await client.logEvaluations(correctness, helpfulness), { sent: 7 });

    const read = await client
      .getAnnotations('span', {
        project,
        ids: answers.map((s) => s.spanId),
        names: ['correctness'],
      })
      .toArray();
    assert.equal(read.length, 5);
    const first = read.find((a) => a.span_id === answers[0]!.spanId)!;
    assert.equal(first.annotator_kind, 'LLM');
    assert.deepEqual(first.result, { label: 'correct', score: 1, explanation: 'row 0' });

    const summaries = await client.getAnnotationSummaries({ project });
    const span = summaries.annotations.find((a) => a.name === 'correctness')!;
    assert.equal(span.target, 'span');
    assert.equal(span.count, 5);
    assert.equal(span.mean_score, 3 / 5);
    assert.deepEqual(span.labels, [
      { label: 'correct', count: 3, fraction: 3 / 5 },
      { label: 'incorrect', count: 2, fraction: 2 / 5 },
    ]);
    const traceSummary = summaries.annotations.find((a) => a.name === 'helpfulness')!;
    assert.equal(traceSummary.target, 'trace');
    assert.equal(traceSummary.mean_score, 0.5);
    assert.deepEqual(traceSummary.labels, []);

    // Re-logging replaces (upsert on name and target), it does not add.
    await client.logEvaluations(
      new SpanEvaluations('correctness', [
        { spanId: answers[4]!.spanId, label: 'correct', score: 1 },
      ]),
    );
    const again = (await client.getAnnotationSummaries({ project })).annotations.find(
      (a) => a.name === 'correctness',
    )!;
    assert.equal(again.count, 5);
    assert.equal(again.mean_score, 4 / 5);

    // A window before the spans started has nothing.
    const empty = await client.getAnnotationSummaries({ project, endTime: new Date(0) });
    assert.deepEqual(empty.annotations, []);
  });

  test('human and code annotations through the helpers', async () => {
    const target = spans[0]!;
    const id = await client.annotateSpan(target.spanId, {
      name: 'thumbs',
      label: 'up',
      score: 1,
      identifier: 'user-1',
    });
    assert.ok(id.length > 0);
    await client.annotateTrace(target.traceId, {
      name: 'reviewed',
      label: 'yes',
      annotatorKind: 'CODE',
    });
    const read = await client
      .getAnnotations('span', { project, ids: [target.spanId], names: ['thumbs'] })
      .toArray();
    assert.equal(read.length, 1);
    assert.equal(read[0]!.annotator_kind, 'HUMAN');
    assert.equal(read[0]!.identifier, 'user-1');
    await assert.rejects(
      client.annotateSpan('0123456789abcdef', { name: 'thumbs', label: 'up' }),
      (error) => error instanceof HeronApiError && error.status === 404,
    );
    assert.throws(
      () => new SpanEvaluations('empty', [{ spanId: target.spanId }]),
      /label, a score/,
    );
  });

  test('retrieval metrics match a hand-computed example', async () => {
    const [first, second] = spans.filter((s) => s.name.startsWith('retrieve-'));
    // First retrieval, 4 documents: relevances [0 (label), 1 (score), 1 (label), 0 (no annotation)].
    // Second retrieval: [1, 0].
    await client.logEvaluations(
      new DocumentEvaluations('relevance', [
        { spanId: first!.spanId, documentPosition: 0, label: 'irrelevant' },
        { spanId: first!.spanId, documentPosition: 1, score: 1 },
        { spanId: first!.spanId, documentPosition: 2, label: 'relevant' },
        { spanId: second!.spanId, documentPosition: 0, label: 'relevant', score: 1 },
        { spanId: second!.spanId, documentPosition: 1, label: 'irrelevant', score: 0 },
      ]),
    );
    const log2 = Math.log2;
    // DCG@3 = 0/log2(2) + 1/log2(3) + 1/log2(4); ideal = 1/log2(2) + 1/log2(3).
    const ndcg3 = (1 / log2(3) + 1 / 2) / (1 + 1 / log2(3));
    const metrics = await client.getSpanRetrievalMetrics(first!.spanId);
    assert.equal(metrics.retrieval_metrics.length, 1);
    const [relevance] = metrics.retrieval_metrics;
    assert.equal(relevance!.name, 'relevance');
    assert.equal(relevance!.document_count, 3);
    assert.equal(relevance!.ndcg_at_k['1'], 0);
    assert.ok(Math.abs(relevance!.ndcg_at_k['3']! - ndcg3) < 1e-12);
    assert.ok(Math.abs(relevance!.ndcg_at_k['10']! - ndcg3) < 1e-12);
    assert.equal(relevance!.precision_at_k['1'], 0);
    assert.equal(relevance!.precision_at_k['3'], 2 / 3);
    assert.equal(relevance!.precision_at_k['5'], 2 / 5);
    assert.equal(relevance!.precision_at_k['10'], 2 / 10);
    assert.equal(relevance!.hit_rate, 1);

    const second_ = (await client.getSpanRetrievalMetrics(second!.spanId)).retrieval_metrics[0]!;
    assert.equal(second_.ndcg_at_k['3'], 1);
    assert.equal(second_.precision_at_k['3'], 1 / 3);

    const summaries = await client.getAnnotationSummaries({ project });
    const average = summaries.retrieval_metrics.find((m) => m.name === 'relevance')!;
    assert.equal(average.span_count, 2);
    assert.equal(average.document_count, 5);
    assert.equal(average.ndcg_at_k['1'], 0.5);
    assert.ok(Math.abs(average.ndcg_at_k['3']! - (ndcg3 + 1) / 2) < 1e-12);
    assert.equal(average.precision_at_k['1'], 0.5);
    assert.ok(Math.abs(average.precision_at_k['3']! - (2 / 3 + 1 / 3) / 2) < 1e-12);
    assert.equal(average.hit_rate, 1);
    const documents = summaries.annotations.find((a) => a.target === 'document')!;
    assert.equal(documents.name, 'relevance');
    assert.equal(documents.count, 5);
  });
});
