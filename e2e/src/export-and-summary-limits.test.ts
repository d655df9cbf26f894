/**
 * Two read limits, end to end on the backend the suite runs on (SQLite, or PostgreSQL with
 * HERON_E2E_DATABASE_URL), against a real `heron serve` fed through the real OTLP exporter:
 *
 * - HERON_EXPORT_PAGE_SPANS: an otlp-json export writes one request per page, so the page size
 *   shows as the number of lines, in the REST download and in `heron export` alike; a bad value
 *   stops the command with a message naming the setting.
 * - HERON_MAX_SUMMARY_ANNOTATIONS: an evaluation summary over a window with more document
 *   annotations than the bound is answered 422 (narrow the time range); a window holding
 *   exactly the bound is answered in full.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { DocumentEvaluations, HeronClient, register } from '@heron/client';
import { spawnHeron, type HeronProcess } from '../../packages/server/dist/testing/spawn-heron.js';
import { heronCli, heronCliOk, newCliDatabase } from './support/heron-cli.js';

const PROJECT = 'limits-e2e';
const PAGE_SPANS = 2;
const MAX_SUMMARY_ANNOTATIONS = 3;
const HOUR_MS = 3_600_000;

describe('export page size and evaluation summary bound', { timeout: 120_000 }, () => {
  const database = newCliDatabase();
  let heron: HeronProcess;
  let client: HeronClient;
  /** Retrievals an hour apart, oldest first, with 2, 2 and 1 evaluated documents. */
  const retrievals: { spanId: string; start: number; documents: number }[] = [];
  const now = Date.now();

  before(async () => {
    heron = await spawnHeron({
      workingDir: database.workingDir,
      env: {
        ...database.env,
        HERON_EXPORT_PAGE_SPANS: String(PAGE_SPANS),
        HERON_MAX_SUMMARY_ANNOTATIONS: String(MAX_SUMMARY_ANNOTATIONS),
      },
    });
    client = new HeronClient({ baseUrl: heron.baseUrl });
    const provider = register({
      projectName: PROJECT,
      endpoint: heron.baseUrl,
      global: false,
      autoInstrument: false,
    });
    const tracer = provider.getTracer('limits-e2e');
    for (const [i, documents] of [2, 2, 1].entries()) {
      const start = now - (3 - i) * HOUR_MS;
      const span = tracer.startSpan(`retrieve-${i}`, { root: true, startTime: new Date(start) });
      span.setAttribute('openinference.span.kind', 'RETRIEVER');
      for (let d = 0; d < documents; d++) {
        span.setAttribute(`retrieval.documents.${d}.document.content`, `doc ${d}`);
      }
      span.end(new Date(start + 100));
      retrievals.push({ spanId: span.spanContext().spanId, start, documents });
    }
    // Two more spans: five in all, so pages of 2 give 2 + 2 + 1.
    for (let i = 0; i < 2; i++) {
      const span = tracer.startSpan(`answer-${i}`, {
        root: true,
        startTime: new Date(now - 60_000),
      });
      span.setAttribute('openinference.span.kind', 'LLM');
      span.end(new Date(now - 59_000));
    }
    await provider.forceFlush();
    await provider.shutdown();
    await client.logEvaluations(
      new DocumentEvaluations(
        'relevance',
        retrievals.flatMap((r) =>
          Array.from({ length: r.documents }, (_, d) => ({
            spanId: r.spanId,
            documentPosition: d,
            label: d === 0 ? 'relevant' : 'irrelevant',
          })),
        ),
      ),
    );
  });

  after(async () => {
    await heron?.stop();
    rmSync(database.workingDir, { recursive: true, force: true });
  });

  const otlpLines = (text: string) =>
    text
      .trimEnd()
      .split('\n')
      .map(
        (line) => JSON.parse(line) as { resourceSpans: { scopeSpans: { spans: unknown[] }[] }[] },
      )
      .map((request) =>
        request.resourceSpans.reduce(
          (sum, r) => sum + r.scopeSpans.reduce((n, s) => n + s.spans.length, 0),
          0,
        ),
      );

  test('the REST download reads HERON_EXPORT_PAGE_SPANS spans per page', async () => {
    const response = await fetch(`${heron.baseUrl}/v1/projects/${PROJECT}/export?format=otlp-json`);
    assert.equal(response.status, 200);
    assert.deepEqual(otlpLines(await response.text()), [2, 2, 1]);
    // The other formats are unaffected in content: still one line per span.
    const jsonl = await fetch(`${heron.baseUrl}/v1/projects/${PROJECT}/export?format=jsonl`);
    assert.equal((await jsonl.text()).trimEnd().split('\n').length, 5);
  });

  test('heron export reads HERON_EXPORT_PAGE_SPANS; a bad value is refused by name', async () => {
    const args = ['export', '--project', PROJECT, '--format', 'otlp-json'];
    const byDefault = await heronCliOk(database, args);
    assert.deepEqual(otlpLines(byDefault.stdout), [5]);
    const paged = await heronCliOk(
      { ...database, env: { ...database.env, HERON_EXPORT_PAGE_SPANS: '2' } },
      args,
    );
    assert.deepEqual(otlpLines(paged.stdout), [2, 2, 1]);
    const bad = await heronCli(
      { ...database, env: { ...database.env, HERON_EXPORT_PAGE_SPANS: '0' } },
      args,
    );
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /HERON_EXPORT_PAGE_SPANS must be an integer between 1 and/);
  });

  test('a summary over more document annotations than the bound is 422; at the bound it answers', async () => {
    const url = (query: string) =>
      `${heron.baseUrl}/v1/projects/${PROJECT}/annotation_summaries${query}`;
    // The whole project: 5 document annotations > 3.
    const whole = await fetch(url(''));
    assert.equal(whole.status, 422);
    const error = (await whole.json()) as { message: string };
    assert.match(error.message, /more than 3 document annotations/);
    assert.match(error.message, /HERON_MAX_SUMMARY_ANNOTATIONS/);
    assert.match(error.message, /narrow it with start_time and end_time/);

    // From the second retrieval on: 2 + 1 = 3 annotations, exactly the bound.
    const since = new Date(retrievals[1]!.start - 1000).toISOString();
    const narrowed = await fetch(url(`?start_time=${encodeURIComponent(since)}`));
    assert.equal(narrowed.status, 200);
    const body = (await narrowed.json()) as {
      data: {
        annotations: { target: string; name: string; count: number }[];
        retrieval_metrics: { name: string; span_count: number; document_count: number }[];
      };
    };
    assert.deepEqual(
      body.data.annotations.map((a) => [a.target, a.name, a.count]),
      [['document', 'relevance', 3]],
    );
    const [relevance] = body.data.retrieval_metrics;
    assert.equal(relevance!.span_count, 2);
    assert.equal(relevance!.document_count, 3);

    // A span's own retrieval metrics are not bounded by the window setting.
    const metrics = await client.getSpanRetrievalMetrics(retrievals[0]!.spanId);
    assert.equal(metrics.retrieval_metrics[0]!.document_count, 2);
  });
});
